"use client";
// After a VPN user changes: the user lists, group member counts and the audit log are stale.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { auditQueries, groupQueries, vpnUserQueries } from "@/lib/client/query-keys";

export function useInvalidateVpnUsers() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: vpnUserQueries.all }),
        queryClient.invalidateQueries({ queryKey: groupQueries.all }),
        queryClient.invalidateQueries({ queryKey: auditQueries.all }),
      ]),
    [queryClient],
  );
}
