"use client";
// After a policy changes (save, clear, revert, import): every policy view, the audit log that
// records it, and the group lists, since an import can create groups.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { auditQueries, groupQueries, policyQueries } from "@/lib/client/query-keys";

export function useInvalidatePolicyQueries() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: policyQueries.all }),
        queryClient.invalidateQueries({ queryKey: auditQueries.all }),
        queryClient.invalidateQueries({ queryKey: groupQueries.all }),
      ]),
    [queryClient],
  );
}
