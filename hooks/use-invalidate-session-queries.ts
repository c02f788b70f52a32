"use client";
// After a session is disconnected or invalidated: session lists, details, previews and the audit log are stale.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { auditQueries, sessionQueries } from "@/lib/client/query-keys";

export function useInvalidateSessionQueries() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: sessionQueries.all }),
        queryClient.invalidateQueries({ queryKey: auditQueries.all }),
      ]),
    [queryClient],
  );
}
