// A session's tunnels, newest first: where each ran, when it came up and ended, why, and its bytes.
import { Table } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatCount, formatDateTime } from "@/lib/client/format";
import { formatBytes } from "@/lib/policy/duration";
import type { SessionDetailView } from "@/lib/sessions/queries";

export function SessionConnections({ session }: { session: SessionDetailView }) {
  const { connections, connectionCount } = session;
  if (connections.length === 0) {
    return <p className="muted">No tunnel has come up for this session yet.</p>;
  }
  return (
    <>
      <Table label="Connections">
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col">Connection ID</th>
            <th scope="col">Client IP</th>
            <th scope="col">VPN IP</th>
            <th scope="col">Connected</th>
            <th scope="col">Ended</th>
            <th scope="col" className="num">
              Bytes in
            </th>
            <th scope="col" className="num">
              Bytes out
            </th>
          </tr>
        </thead>
        <tbody>
          {connections.map((connection) => (
            <tr key={connection.id}>
              <td>{connection.server}</td>
              <td className="mono">{connection.externalId ?? <span className="muted">—</span>}</td>
              <td className="mono">{connection.clientIp}</td>
              <td className="mono">{connection.vpnIp ?? <span className="muted">—</span>}</td>
              <td title={formatDateTime(connection.connectedAt, true)}>
                <RelativeTime iso={connection.connectedAt} />
              </td>
              <td>
                {connection.disconnectedAt ? (
                  <>
                    <RelativeTime iso={connection.disconnectedAt} />
                    <span className="cell-sub">{connection.endReason ?? "ended"}</span>
                  </>
                ) : (
                  <span className="cell-strong">up</span>
                )}
              </td>
              <td className="num">{formatBytes(connection.bytesIn)}</td>
              <td className="num">{formatBytes(connection.bytesOut)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      {connectionCount > connections.length ? (
        <p className="muted">
          The latest {formatCount(connections.length)} of {formatCount(connectionCount)} connections.
        </p>
      ) : null}
    </>
  );
}
