// One page of live tunnels: who, where from, since when, how much, how fast, and how close to
// the inactivity threshold.
import Link from "next/link";
import { SessionActions } from "@/components/sessions/session-actions";
import { SelectAllHeader, SelectRowCell } from "@/components/ui/selection-cells";
import { SortHeader, Table, TableMessage, type SortDir } from "@/components/ui/table";
import type { Selection } from "@/hooks/use-selection";
import type { CurrentUserRow } from "@/lib/live/current-users";
import type { CurrentUsersSort } from "@/lib/live/current-users-sorts";
import { formatBytes, formatDuration } from "@/lib/policy/duration";
import { InactivityMeter } from "./inactivity-meter";

const COLUMNS = 9;

export const formatRate = (bytesPerSecond: number) => `${formatBytes(Math.round(bytesPerSecond))}/s`;

export interface CurrentUsersTableProps {
  rows: CurrentUserRow[] | undefined;
  /** The server's clock at the refresh, so durations do not drift with the browser's. */
  at: string | undefined;
  sort: CurrentUsersSort;
  order: SortDir;
  onSort: (sort: CurrentUsersSort, order: SortDir) => void;
  loading: boolean;
  /** Sessions picked for a bulk action (by session id: a session's tunnels are picked together). */
  selection?: Selection;
  /** Disconnect / Invalidate on each row, for admins who may change things. */
  actions?: boolean;
}

export function CurrentUsersTable({ rows, at, sort, order, onSort, loading, selection, actions }: CurrentUsersTableProps) {
  const sortProps = { sort, dir: order, onSort };
  const columns = COLUMNS + (selection ? 1 : 0) + (actions ? 1 : 0);
  const now = at ? Date.parse(at) : 0;
  return (
    <Table label="Current users">
      <thead>
        <tr>
          {selection ? (
            <SelectAllHeader selection={selection} ids={(rows ?? []).map((row) => row.sessionId)} label="Select the session of every tunnel on this page" />
          ) : null}
          <SortHeader label="User" sortKey="user" {...sortProps} />
          <SortHeader label="Server" sortKey="server" {...sortProps} />
          <th scope="col">Real IP</th>
          <th scope="col">VPN IP</th>
          <SortHeader label="Connected" sortKey="connectedAt" {...sortProps} />
          <SortHeader label="Bytes in" sortKey="bytesIn" {...sortProps} />
          <SortHeader label="Bytes out" sortKey="bytesOut" {...sortProps} />
          <SortHeader label="Rate in / out" sortKey="rate" {...sortProps} />
          <SortHeader label="Inactivity window" sortKey="window" {...sortProps} />
          {actions ? (
            <th scope="col" className="actions">
              <span className="sr-only">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {loading ? <TableMessage columns={columns}>Loading connections…</TableMessage> : null}
        {rows?.map((row) => (
          <tr key={row.connectionId}>
            {selection ? (
              <SelectRowCell selection={selection} id={row.sessionId} label={`Select the session of ${row.username} on ${row.server}`} />
            ) : null}
            <td>
              <Link href={`/sessions/${encodeURIComponent(row.sessionId)}`} className="cell-strong" title="Session details">
                {row.username}
              </Link>
              <span className="cell-sub">
                {row.group ? <Link href={`/groups/${encodeURIComponent(row.group)}`}>{row.group}</Link> : "no group"} ·{" "}
                <Link href={`/users/${encodeURIComponent(row.username)}`}>traffic</Link>
              </span>
            </td>
            <td>{row.server}</td>
            <td className="mono">{row.clientIp}</td>
            <td className="mono">{row.vpnIp ?? <span className="muted">—</span>}</td>
            <td>
              <time dateTime={row.connectedAt} title={new Date(row.connectedAt).toLocaleString()}>
                {formatDuration(Math.max(0, Math.round((now - Date.parse(row.connectedAt)) / 1000)))}
              </time>
            </td>
            <td className="num">{formatBytes(row.bytesIn)}</td>
            <td className="num">{formatBytes(row.bytesOut)}</td>
            <td className="num">
              {formatRate(row.rateIn)} / {formatRate(row.rateOut)}
            </td>
            <td>
              <InactivityMeter inactivity={row.inactivity} />
            </td>
            {actions ? (
              <td className="actions">
                <SessionActions size="sm" target={{ kind: "session", id: row.sessionId }} username={row.username} />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
