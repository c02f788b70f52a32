"use client";
// Registered VPN servers: kind, token status and when each last called in.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table } from "@/components/ui/table";
import { formatDateTime, formatRelative } from "@/lib/client/format";
import type { ServerView } from "@/lib/servers";
import { GUIDE_HREF, KIND_LABELS } from "./server-kinds";

export type ServerRowAction = "rename" | "rotate" | "revoke" | "delete";

export interface ServersTableProps {
  servers: ServerView[];
  canChange: boolean;
  onAction: (action: ServerRowAction, server: ServerView) => void;
}

export function ServersTable({ servers, canChange, onAction }: ServersTableProps) {
  return (
    <Table label="Servers">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Kind</th>
          <th scope="col">Token</th>
          <th scope="col">Last seen</th>
          <th scope="col">Agent last seen</th>
          {canChange ? (
            <th scope="col" className="actions">
              <span className="sr-only">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {servers.map((server) => (
          <tr key={server.id}>
            <td>
              <span className="cell-strong">{server.name}</span>
              <span className="cell-sub nowrap">registered {formatDateTime(server.createdAt)}</span>
            </td>
            <td>
              <Link href={GUIDE_HREF[server.kind]} title={`How to wire ${KIND_LABELS[server.kind]}`}>
                {KIND_LABELS[server.kind]}
              </Link>
            </td>
            <td>
              {server.hasToken ? (
                <>
                  <Badge tone="success">Active</Badge>
                  <span className="cell-sub" title={formatDateTime(server.tokenCreatedAt, true)}>
                    issued {formatRelative(server.tokenCreatedAt)}
                  </span>
                </>
              ) : (
                <Badge tone="danger" title="Hook calls from this server are refused">
                  Revoked
                </Badge>
              )}
            </td>
            <td>
              <RelativeTime iso={server.lastSeenAt} />
            </td>
            <td>
              <RelativeTime iso={server.agentLastSeenAt} />
            </td>
            {canChange ? (
              <td className="actions">
                <Button size="sm" variant="ghost" onClick={() => onAction("rename", server)}>
                  Rename
                </Button>
                <Button size="sm" variant="ghost" onClick={() => onAction("rotate", server)}>
                  {server.hasToken ? "Rotate token" : "Issue token"}
                </Button>
                {server.hasToken ? (
                  <Button size="sm" variant="ghost" onClick={() => onAction("revoke", server)}>
                    Revoke token
                  </Button>
                ) : null}
                <Button size="sm" variant="ghost" className="btn-link-danger" onClick={() => onAction("delete", server)}>
                  Delete
                </Button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
