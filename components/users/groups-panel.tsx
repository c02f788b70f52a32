"use client";
// The Groups tab: every group with its member count; create, edit and delete.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { SessionActions } from "@/components/sessions/session-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableMessage } from "@/components/ui/table";
import { useCanChange } from "@/hooks/use-role";
import { errorMessage } from "@/lib/client/api";
import { formatCount, formatDateTime } from "@/lib/client/format";
import { groupQueries } from "@/lib/client/query-keys";
import type { GroupView } from "@/lib/groups";
import { GroupDeleteDialog } from "./group-delete-dialog";
import { GroupFormDialog } from "./group-form-dialog";

type OpenDialog = { kind: "create" } | { kind: "edit" | "delete"; group: GroupView } | null;

export function GroupsPanel() {
  const canChange = useCanChange();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const groups = useQuery({ ...groupQueries.list(), placeholderData: (previous) => previous });
  const rows = groups.data?.groups;
  const close = () => setDialog(null);

  return (
    <div>
      <div className="toolbar">
        <p className="muted">Groups share a policy. A user is in at most one group; deleting a group keeps its users.</p>
        <Button variant="primary" onClick={() => setDialog({ kind: "create" })} disabled={!canChange} title={canChange ? undefined : "Viewers cannot change anything"}>
          New group
        </Button>
      </div>
      {groups.isError ? (
        <Alert title="Groups could not be loaded">{errorMessage(groups.error)}</Alert>
      ) : rows?.length === 0 ? (
        <EmptyState title="No groups yet">
          <p>Create groups such as staff or contractors to give their users a shared session policy.</p>
        </EmptyState>
      ) : (
        <Table label="Groups">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col" className="num">
                Members
              </th>
              <th scope="col">Created</th>
              {canChange ? (
                <th scope="col" className="actions">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {groups.isPending ? <TableMessage columns={5}>Loading groups…</TableMessage> : null}
            {rows?.map((group) => (
              <tr key={group.id}>
                <td className="cell-strong">{group.name}</td>
                <td className="wrap">{group.description || <span className="muted">—</span>}</td>
                <td className="num">
                  <Link href={`/users?group=${encodeURIComponent(group.name)}`} title={`Show the users in ${group.name}`}>
                    {formatCount(group.userCount)}
                  </Link>
                </td>
                <td>
                  <time dateTime={group.createdAt}>{formatDateTime(group.createdAt)}</time>
                </td>
                {canChange ? (
                  <td className="actions">
                    <Button size="sm" variant="ghost" onClick={() => setDialog({ kind: "edit", group })}>
                      Edit
                    </Button>
                    <Button size="sm" variant="ghost" className="btn-link-danger" onClick={() => setDialog({ kind: "delete", group })}>
                      Delete
                    </Button>
                    <SessionActions size="sm" target={{ kind: "group", name: group.name }} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {dialog?.kind === "create" ? <GroupFormDialog onClose={close} /> : null}
      {dialog?.kind === "edit" ? <GroupFormDialog group={dialog.group} onClose={close} /> : null}
      {dialog?.kind === "delete" ? <GroupDeleteDialog group={dialog.group} onClose={close} /> : null}
    </div>
  );
}
