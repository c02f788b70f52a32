"use client";
// After a server changes (register, rename, token, delete): the server list and the audit log.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { auditQueries, serverQueries } from "@/lib/client/query-keys";

export function useInvalidateServers() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: serverQueries.all }),
        queryClient.invalidateQueries({ queryKey: auditQueries.all }),
      ]),
    [queryClient],
  );
}
