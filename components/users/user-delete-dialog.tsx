"use client";
// Confirms deleting a VPN user, naming them.
import { useMutation } from "@tanstack/react-query";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { useInvalidateVpnUsers } from "@/hooks/use-invalidate-vpn-users";
import { apiFetch, errorMessage, seg } from "@/lib/client/api";
import type { VpnUserView } from "@/lib/vpn-users";

export function UserDeleteDialog({ user, onClose }: { user: VpnUserView; onClose: () => void }) {
  const invalidate = useInvalidateVpnUsers();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: () => apiFetch(`/api/vpn-users/${seg(user.username)}`, { method: "DELETE" }),
    onSuccess: () => {
      void invalidate();
      toast(`User ${user.username} deleted.`);
      onClose();
    },
  });
  return (
    <ConfirmDialog
      title={`Delete user ${user.username}?`}
      onConfirm={() => remove.mutate()}
      onClose={onClose}
      pending={remove.isPending}
      error={remove.error ? errorMessage(remove.error) : null}
    >
      <p>
        {user.username} will no longer be able to log in to the VPN, and their per-user policy is removed. This cannot be
        undone.
      </p>
    </ConfirmDialog>
  );
}
