"use client";
// After a group changes: group lists, user rows that show the group's name, and the audit log.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { auditQueries, groupQueries, vpnUserQueries } from "@/lib/client/query-keys";

export function useInvalidateGroups() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: groupQueries.all }),
        queryClient.invalidateQueries({ queryKey: vpnUserQueries.all }),
        queryClient.invalidateQueries({ queryKey: auditQueries.all }),
      ]),
    [queryClient],
  );
}
