"use client";
// After an API token is created or revoked: the token list and the audit log.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { apiTokenQueries, auditQueries } from "@/lib/client/query-keys";

export function useInvalidateApiTokens() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: apiTokenQueries.all }),
        queryClient.invalidateQueries({ queryKey: auditQueries.all }),
      ]),
    [queryClient],
  );
}
