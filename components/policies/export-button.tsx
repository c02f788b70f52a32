"use client";
// "Export JSON": downloads every scope that sets anything, in the format the import reads back.
import { useMutation } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { apiFetch, errorMessage } from "@/lib/client/api";
import type { PolicyExport } from "@/lib/policy/export";

function download(data: PolicyExport) {
  const blob = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `session-console-policies-${new Date().toISOString().slice(0, 10)}.json`;
  link.click();
  URL.revokeObjectURL(url);
}

export function ExportButton() {
  const toast = useToast();
  const exportAll = useMutation({
    mutationFn: () => apiFetch<PolicyExport>("/api/policies/export"),
    onSuccess: (data) => {
      download(data);
      toast(`Exported ${data.scopes.length} ${data.scopes.length === 1 ? "scope" : "scopes"}.`);
    },
    onError: (error) => toast(errorMessage(error), "danger"),
  });
  return (
    <Button onClick={() => exportAll.mutate()} loading={exportAll.isPending}>
      Export JSON
    </Button>
  );
}
