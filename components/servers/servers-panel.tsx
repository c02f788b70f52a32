"use client";
// /servers: register VPN servers, manage their hook tokens, see when they last called in.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { OneTimeTokenDialog } from "@/components/one-time-token-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { useCanChange } from "@/hooks/use-role";
import { errorMessage } from "@/lib/client/api";
import { serverQueries } from "@/lib/client/query-keys";
import type { ServerView } from "@/lib/servers";
import { ServerConfirmDialog } from "./server-confirm-dialog";
import { ServerRegisterDialog, type IssuedToken } from "./server-register-dialog";
import { ServerRenameDialog } from "./server-rename-dialog";
import { ServersTable, type ServerRowAction } from "./servers-table";

/** "Last seen" should not go stale while the page is open. */
export const SERVERS_REFRESH_MS = 30_000;

type OpenDialog =
  | { kind: "register" }
  | { kind: "token"; issued: IssuedToken }
  | { kind: ServerRowAction; server: ServerView }
  | null;

export function ServersPanel() {
  const canChange = useCanChange();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const servers = useQuery({ ...serverQueries.list(), refetchInterval: SERVERS_REFRESH_MS, placeholderData: (previous) => previous });
  const close = () => setDialog(null);
  const showToken = (issued: IssuedToken) => setDialog({ kind: "token", issued });
  const rows = servers.data?.servers;

  return (
    <div className="stack">
      <PageHeader
        title="Servers"
        description="VPN servers that call the console's hooks on every login, connect, traffic report and disconnect. Each has its own token."
        actions={
          <Button variant="primary" onClick={() => setDialog({ kind: "register" })} disabled={!canChange} title={canChange ? undefined : "Viewers cannot change anything"}>
            Register server
          </Button>
        }
      />
      {servers.isError ? (
        <Alert title="Servers could not be loaded">{errorMessage(servers.error)}</Alert>
      ) : servers.isPending ? (
        <p className="muted">Loading servers…</p>
      ) : rows?.length === 0 ? (
        <EmptyState title="No servers registered">
          <p>Register each OpenVPN or ocserv server, then put its token in the server&apos;s hook configuration.</p>
        </EmptyState>
      ) : (
        <ServersTable servers={rows ?? []} canChange={canChange} onAction={(kind, server) => setDialog({ kind, server })} />
      )}
      <Card title="Wiring a server" description="After registering, install the hooks on the VPN server and give them the token.">
        <ul className="prose">
          <li>
            OpenVPN 2.6: <Link href="/docs/openvpn">OpenVPN guide</Link> (<code>docs/openvpn.md</code>)
          </li>
          <li>
            ocserv: <Link href="/docs/ocserv">ocserv guide</Link> (<code>docs/ocserv.md</code>)
          </li>
        </ul>
      </Card>
      {dialog?.kind === "register" ? <ServerRegisterDialog onIssued={showToken} onClose={close} /> : null}
      {dialog?.kind === "rename" ? <ServerRenameDialog server={dialog.server} onClose={close} /> : null}
      {dialog?.kind === "rotate" || dialog?.kind === "revoke" || dialog?.kind === "delete" ? (
        <ServerConfirmDialog kind={dialog.kind} server={dialog.server} onIssued={showToken} onClose={close} />
      ) : null}
      {dialog?.kind === "token" ? (
        <OneTimeTokenDialog
          title={`Token for ${dialog.issued.server.name}`}
          token={dialog.issued.token}
          onClose={close}
          instructions={
            <p>
              This token is shown only once. Store it in the server&apos;s hook configuration (CONSOLE_SERVER_TOKEN).
            </p>
          }
        />
      ) : null}
    </div>
  );
}
