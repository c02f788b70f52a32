"use client";
// After a lockout is cleared: the lockout list and the audit log.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { auditQueries, lockoutQueries } from "@/lib/client/query-keys";

export function useInvalidateLockouts() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: lockoutQueries.all }),
        queryClient.invalidateQueries({ queryKey: auditQueries.all }),
      ]),
    [queryClient],
  );
}
