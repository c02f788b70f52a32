// One page of audit events, newest first.
import { Badge } from "@/components/ui/badge";
import { Table, TableMessage } from "@/components/ui/table";
import type { AuditEventView } from "@/lib/audit";
import { formatDateTime, formatRelative } from "@/lib/client/format";
import { AuditDiff } from "./audit-diff";

const ACTOR_TYPE_LABELS: Record<string, string> = {
  admin: "admin",
  api_token: "API token",
  cli: "CLI",
  system: "system",
};

export function AuditTable({ events, loading, busy }: { events: AuditEventView[] | undefined; loading: boolean; busy: boolean }) {
  return (
    <Table label="Audit events">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          <th scope="col">Target</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody aria-busy={busy || undefined}>
        {loading ? <TableMessage columns={5}>Loading events…</TableMessage> : null}
        {events?.map((event) => (
          <tr key={event.id}>
            <td className="nowrap">
              <time dateTime={event.at} title={formatRelative(event.at)}>
                {formatDateTime(event.at, true)}
              </time>
            </td>
            <td>
              <span className="cell-strong">{event.actor}</span>{" "}
              <Badge tone={event.actorType === "admin" ? "neutral" : "info"}>{ACTOR_TYPE_LABELS[event.actorType] ?? event.actorType}</Badge>
            </td>
            <td className="nowrap">
              <code>{event.action}</code>
            </td>
            <td>
              {event.target}
              <span className="cell-sub">{event.targetType.replace("_", " ")}</span>
            </td>
            <td className="wrap">
              <AuditDiff before={event.before} after={event.after} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
