"use client";
// One page of VPN users with sortable columns and, for admins, per-row actions.
import { Badge } from "@/components/ui/badge";
import { SessionActions } from "@/components/sessions/session-actions";
import { Button } from "@/components/ui/button";
import { SortHeader, Table, TableMessage, type SortDir } from "@/components/ui/table";
import { formatDateTime } from "@/lib/client/format";
import type { VpnUserView } from "@/lib/vpn-users";
import type { UserSort } from "./user-filters";

export type UserRowAction = "edit" | "password" | "toggle" | "delete";

export interface UsersTableProps {
  users: VpnUserView[] | undefined;
  sort: UserSort;
  dir: SortDir;
  onSort: (sort: UserSort, dir: SortDir) => void;
  canChange: boolean;
  busy: boolean;
  loading: boolean;
  onAction: (action: UserRowAction, user: VpnUserView) => void;
}

export function UsersTable({ users, sort, dir, onSort, canChange, busy, loading, onAction }: UsersTableProps) {
  const columns = canChange ? 5 : 4;
  const sortProps = { sort, dir, onSort };
  return (
    <Table label="VPN users">
      <thead>
        <tr>
          <SortHeader label="Username" sortKey="username" {...sortProps} />
          <SortHeader label="Group" sortKey="group" {...sortProps} />
          <SortHeader label="Status" sortKey="enabled" {...sortProps} />
          <SortHeader label="Created" sortKey="createdAt" {...sortProps} />
          {canChange ? (
            <th scope="col" className="actions">
              <span className="sr-only">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody aria-busy={busy || undefined}>
        {loading ? <TableMessage columns={columns}>Loading users…</TableMessage> : null}
        {users?.map((user) => (
          <tr key={user.id}>
            <td>
              <span className="cell-strong">{user.username}</span>{" "}
              {user.hasPassword ? null : <Badge title="This user cannot log in with a password">no password</Badge>}
            </td>
            <td>{user.group ?? <span className="muted">No group</span>}</td>
            <td>{user.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Disabled</Badge>}</td>
            <td>
              <time dateTime={user.createdAt}>{formatDateTime(user.createdAt)}</time>
            </td>
            {canChange ? (
              <td className="actions">
                <Button size="sm" variant="ghost" onClick={() => onAction("edit", user)}>
                  Edit
                </Button>
                <Button size="sm" variant="ghost" onClick={() => onAction("password", user)}>
                  Set password
                </Button>
                <Button size="sm" variant="ghost" onClick={() => onAction("toggle", user)}>
                  {user.enabled ? "Disable" : "Enable"}
                </Button>
                <Button size="sm" variant="ghost" className="btn-link-danger" onClick={() => onAction("delete", user)}>
                  Delete
                </Button>
                <SessionActions size="sm" target={{ kind: "user", username: user.username }} />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
