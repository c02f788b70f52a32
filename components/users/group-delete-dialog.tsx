"use client";
// Confirms deleting a group and says how many users lose their group (they are kept).
import { useMutation } from "@tanstack/react-query";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { useInvalidateGroups } from "@/hooks/use-invalidate-groups";
import { apiFetch, errorMessage, seg } from "@/lib/client/api";
import { formatCount } from "@/lib/client/format";
import type { GroupView } from "@/lib/groups";

export function GroupDeleteDialog({ group, onClose }: { group: GroupView; onClose: () => void }) {
  const invalidate = useInvalidateGroups();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: () => apiFetch(`/api/groups/${seg(group.name)}`, { method: "DELETE" }),
    onSuccess: () => {
      void invalidate();
      toast(`Group ${group.name} deleted.`);
      onClose();
    },
  });
  const members =
    group.userCount === 0
      ? "No users are in this group."
      : `${formatCount(group.userCount)} ${group.userCount === 1 ? "user" : "users"} will have no group.`;
  return (
    <ConfirmDialog
      title={`Delete group ${group.name}?`}
      onConfirm={() => remove.mutate()}
      onClose={onClose}
      pending={remove.isPending}
      error={remove.error ? errorMessage(remove.error) : null}
    >
      <p>{members}</p>
      <p>The group&apos;s policy overrides are deleted with it; its users fall back to DEFAULT.</p>
    </ConfirmDialog>
  );
}
