"use client";
// Confirms reverting one audited policy change: the scope gets back the settings it had before.
import { useMutation } from "@tanstack/react-query";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import type { AuditEventView } from "@/lib/audit";
import { apiFetch, errorMessage, seg } from "@/lib/client/api";
import { formatDateTime } from "@/lib/client/format";
import type { ScopePolicyView } from "@/lib/policies";
import { policyField } from "@/lib/policy/fields";
import { settingsBefore } from "./policy-change";

export interface RevertDialogProps {
  event: AuditEventView;
  label: string;
  onClose: () => void;
  onReverted: (view: ScopePolicyView) => void;
}

export function RevertDialog({ event, label, onClose, onReverted }: RevertDialogProps) {
  const toast = useToast();
  const revert = useMutation({
    mutationFn: () => apiFetch<ScopePolicyView>(`/api/audit/${seg(event.id)}/revert`, { method: "POST" }),
    onSuccess: (view) => {
      toast(`Policy of ${label} reverted.`);
      onReverted(view);
    },
  });
  const restored = settingsBefore(event);
  return (
    <ConfirmDialog
      title="Revert this change?"
      confirmLabel="Revert"
      destructive={false}
      onConfirm={() => revert.mutate()}
      onClose={onClose}
      pending={revert.isPending}
      error={revert.error ? errorMessage(revert.error) : null}
    >
      <p>
        {label} gets back exactly the settings it had before the change of {formatDateTime(event.at)}; later changes to
        it are replaced. The revert is recorded as a change of its own.
      </p>
      {restored.length === 0 ? (
        <p>Every field will inherit.</p>
      ) : (
        <ul>
          {restored.map((setting) => (
            <li key={setting.key}>
              {policyField(setting.key).label}: {setting.value}
            </li>
          ))}
        </ul>
      )}
    </ConfirmDialog>
  );
}
