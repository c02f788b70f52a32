"use client";
// Console accounts: who may sign in here, and with which role.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, TableMessage } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { useInvalidateAdmins } from "@/hooks/use-invalidate-admins";
import { useCanChange, useSignedInAdmin } from "@/hooks/use-role";
import type { AdminView } from "@/lib/admins";
import { apiFetch, errorMessage, seg } from "@/lib/client/api";
import { formatDateTime } from "@/lib/client/format";
import { adminQueries } from "@/lib/client/query-keys";
import { AdminCreateDialog } from "./admin-create-dialog";
import { AdminPasswordDialog, AdminRoleDialog } from "./admin-edit-dialogs";

type OpenDialog = { kind: "create" } | { kind: "role" | "password" | "delete"; admin: AdminView } | null;

function AdminDeleteDialog({ admin, onClose }: { admin: AdminView; onClose: () => void }) {
  const invalidate = useInvalidateAdmins();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: () => apiFetch(`/api/admins/${seg(admin.username)}`, { method: "DELETE" }),
    onSuccess: () => {
      void invalidate();
      toast(`Account ${admin.username} deleted.`);
      onClose();
    },
  });
  return (
    <ConfirmDialog
      title={`Delete account ${admin.username}?`}
      onConfirm={() => remove.mutate()}
      onClose={onClose}
      pending={remove.isPending}
      error={remove.error ? errorMessage(remove.error) : null}
    >
      <p>{admin.username} can no longer sign in to the console. Their past changes stay in the audit log.</p>
    </ConfirmDialog>
  );
}

export function AdminsSection() {
  const canChange = useCanChange();
  const me = useSignedInAdmin();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const admins = useQuery({ ...adminQueries.list(), placeholderData: (previous) => previous });
  const close = () => setDialog(null);

  return (
    <Card
      title="Console accounts"
      description="People who sign in here. Admins change things; viewers only look."
      actions={
        <Button variant="primary" onClick={() => setDialog({ kind: "create" })} disabled={!canChange} title={canChange ? undefined : "Viewers cannot change anything"}>
          New account
        </Button>
      }
    >
      {admins.isError ? (
        <Alert title="Accounts could not be loaded">{errorMessage(admins.error)}</Alert>
      ) : (
        <Table label="Console accounts">
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last sign-in</th>
              {canChange ? (
                <th scope="col" className="actions">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {admins.isPending ? <TableMessage columns={5}>Loading accounts…</TableMessage> : null}
            {admins.data?.admins.map((admin) => {
              const self = admin.username === me.name;
              return (
                <tr key={admin.id}>
                  <td>
                    <span className="cell-strong">{admin.username}</span> {self ? <Badge tone="info">you</Badge> : null}
                  </td>
                  <td>
                    <Badge tone={admin.role === "viewer" ? "warning" : "neutral"}>{admin.role}</Badge>
                  </td>
                  <td>
                    <time dateTime={admin.createdAt}>{formatDateTime(admin.createdAt)}</time>
                  </td>
                  <td>
                    <RelativeTime iso={admin.lastLoginAt} />
                  </td>
                  {canChange ? (
                    <td className="actions">
                      <Button size="sm" variant="ghost" onClick={() => setDialog({ kind: "role", admin })}>
                        Change role
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setDialog({ kind: "password", admin })}>
                        Reset password
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        className="btn-link-danger"
                        disabled={self}
                        title={self ? "You cannot delete your own account" : undefined}
                        onClick={() => setDialog({ kind: "delete", admin })}
                      >
                        Delete
                      </Button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
      {dialog?.kind === "create" ? <AdminCreateDialog onClose={close} /> : null}
      {dialog?.kind === "role" ? <AdminRoleDialog admin={dialog.admin} onClose={close} /> : null}
      {dialog?.kind === "password" ? <AdminPasswordDialog admin={dialog.admin} onClose={close} /> : null}
      {dialog?.kind === "delete" ? <AdminDeleteDialog admin={dialog.admin} onClose={close} /> : null}
    </Card>
  );
}
