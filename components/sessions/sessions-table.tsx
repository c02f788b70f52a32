// One page of sessions: who, where, state and why, deadlines, tunnels and traffic.
import Link from "next/link";
import type { ReactNode } from "react";
import { Table, TableMessage } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/relative-time";
import { SelectAllHeader, SelectRowCell } from "@/components/ui/selection-cells";
import type { Selection } from "@/hooks/use-selection";
import { formatCount } from "@/lib/client/format";
import { formatBytes } from "@/lib/policy/duration";
import type { SessionView } from "@/lib/sessions/queries";
import { SessionDeadline } from "./session-deadline";
import { SessionStateBadge } from "./session-state-badge";

const COLUMNS = 10;

export interface SessionsTableProps {
  sessions: SessionView[] | undefined;
  loading: boolean;
  busy: boolean;
  selection?: Selection;
  rowActions?: (session: SessionView) => ReactNode;
}

export function SessionsTable({ sessions, loading, busy, selection, rowActions }: SessionsTableProps) {
  const columns = COLUMNS + (selection ? 1 : 0) + (rowActions ? 1 : 0);
  return (
    <Table label="Sessions">
      <thead>
        <tr>
          {selection ? (
            <SelectAllHeader selection={selection} ids={(sessions ?? []).map((s) => s.id)} label="Select every session on this page" />
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
              <SelectRowCell selection={selection} id={session.id} label={`Select the session of ${session.username} from ${session.clientIp}`} />
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
