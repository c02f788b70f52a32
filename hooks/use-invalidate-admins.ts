"use client";
// After a console account changes: the account list and the audit log.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { adminQueries, auditQueries } from "@/lib/client/query-keys";

export function useInvalidateAdmins() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: adminQueries.all }),
        queryClient.invalidateQueries({ queryKey: auditQueries.all }),
      ]),
    [queryClient],
  );
}
