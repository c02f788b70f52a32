// One page of sessions: who, where, state and why, deadlines, tunnels and traffic.
import Link from "next/link";
import type { ReactNode } from "react";
import { Table, TableMessage } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatCount } from "@/lib/client/format";
import { formatBytes } from "@/lib/policy/duration";
import type { SessionView } from "@/lib/sessions/queries";
import { SessionDeadline } from "./session-deadline";
import { SessionStateBadge } from "./session-state-badge";

const COLUMNS = 10;

/** Rows picked for an action on several sessions at once. */
export interface SessionSelection {
  selected: ReadonlySet<string>;
  onToggle: (id: string, checked: boolean) => void;
  onToggleAll: (checked: boolean) => void;
}

export interface SessionsTableProps {
  sessions: SessionView[] | undefined;
  loading: boolean;
  busy: boolean;
  selection?: SessionSelection;
  rowActions?: (session: SessionView) => ReactNode;
}

export function SessionsTable({ sessions, loading, busy, selection, rowActions }: SessionsTableProps) {
  const columns = COLUMNS + (selection ? 1 : 0) + (rowActions ? 1 : 0);
  const allSelected = Boolean(selection && sessions?.length && sessions.every((s) => selection.selected.has(s.id)));
  return (
    <Table label="Sessions">
      <thead>
        <tr>
          {selection ? (
            <th scope="col">
              <input
                type="checkbox"
                aria-label="Select every session on this page"
                checked={allSelected}
                disabled={!sessions?.length}
                onChange={(e) => selection.onToggleAll(e.target.checked)}
              />
            </th>
          ) : null}
          <th scope="col">User</th>
          <th scope="col">Server</th>
          <th scope="col">State</th>
          <th scope="col">Client IP</th>
          <th scope="col">Authenticated</th>
          <th scope="col">Last seen</th>
          <th scope="col">Expires</th>
          <th scope="col" className="num">
            Tunnels
          </th>
          <th scope="col" className="num">
            Bytes in
          </th>
          <th scope="col" className="num">
            Bytes out
          </th>
          {rowActions ? (
            <th scope="col" className="actions">
              <span className="sr-only">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody aria-busy={busy || undefined}>
        {loading ? <TableMessage columns={columns}>Loading sessions…</TableMessage> : null}
        {sessions?.map((session) => (
          <tr key={session.id}>
            {selection ? (
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select the session of ${session.username} from ${session.clientIp}`}
                  checked={selection.selected.has(session.id)}
                  onChange={(e) => selection.onToggle(session.id, e.target.checked)}
                />
              </td>
            ) : null}
            <td>
              <Link href={`/sessions/${encodeURIComponent(session.id)}`} className="cell-strong" title="Session details">
                {session.username}
              </Link>
              <span className="cell-sub">{session.group ?? "no group"}</span>
            </td>
            <td>{session.server ?? <span className="muted">—</span>}</td>
            <td>
              <SessionStateBadge state={session.state} />
              {session.stateReason ? <span className="cell-sub">{session.stateReason}</span> : null}
            </td>
            <td className="mono">{session.clientIp}</td>
            <td>
              <RelativeTime iso={session.authenticatedAt} />
            </td>
            <td>
              <RelativeTime iso={session.lastSeenAt} />
            </td>
            <td>
              <SessionDeadline session={session} />
            </td>
            <td className="num">{formatCount(session.openConnections)}</td>
            <td className="num">{formatBytes(session.bytesIn)}</td>
            <td className="num">{formatBytes(session.bytesOut)}</td>
            {rowActions ? <td className="actions">{rowActions(session)}</td> : null}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
