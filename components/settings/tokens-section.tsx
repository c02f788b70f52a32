"use client";
// Admin API tokens: for automation, each with a role; shown once when created.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { OneTimeTokenDialog } from "@/components/one-time-token-dialog";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table } from "@/components/ui/table";
import { useCanChange } from "@/hooks/use-role";
import type { ApiTokenView } from "@/lib/api-tokens";
import { errorMessage } from "@/lib/client/api";
import { formatDateTime } from "@/lib/client/format";
import { apiTokenQueries } from "@/lib/client/query-keys";
import { TokenCreateDialog, TokenRevokeDialog, type IssuedApiToken } from "./token-dialogs";

type OpenDialog = { kind: "create" } | { kind: "issued"; issued: IssuedApiToken } | { kind: "revoke"; token: ApiTokenView } | null;

export function TokensSection() {
  const canChange = useCanChange();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const tokens = useQuery({ ...apiTokenQueries.list(), placeholderData: (previous) => previous });
  const rows = tokens.data?.tokens;
  const close = () => setDialog(null);

  return (
    <Card
      title="API tokens"
      description={
        <>
          For scripts calling the admin API with <code>Authorization: Bearer &lt;token&gt;</code>. A viewer token can only read.
          Every route is in the <Link href="/docs/api">admin API guide</Link>.
        </>
      }
      actions={
        <Button variant="primary" onClick={() => setDialog({ kind: "create" })} disabled={!canChange} title={canChange ? undefined : "Viewers cannot change anything"}>
          Create token
        </Button>
      }
    >
      {tokens.isError ? (
        <Alert title="API tokens could not be loaded">{errorMessage(tokens.error)}</Alert>
      ) : tokens.isPending ? (
        <p className="muted">Loading tokens…</p>
      ) : rows?.length === 0 ? (
        <EmptyState title="No API tokens">
          <p>Create one for each script or system that manages the console, so each can be revoked on its own.</p>
        </EmptyState>
      ) : (
        <Table label="API tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              {canChange ? (
                <th scope="col" className="actions">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows?.map((token) => (
              <tr key={token.id}>
                <td className="cell-strong">{token.name}</td>
                <td>
                  <Badge tone={token.role === "viewer" ? "warning" : "neutral"}>{token.role}</Badge>
                </td>
                <td>
                  {token.revokedAt ? (
                    <Badge tone="danger" title={`Revoked ${formatDateTime(token.revokedAt)}`}>
                      Revoked
                    </Badge>
                  ) : (
                    <Badge tone="success">Active</Badge>
                  )}
                </td>
                <td>
                  <time dateTime={token.createdAt}>{formatDateTime(token.createdAt)}</time>
                  <span className="cell-sub">by {token.createdBy}</span>
                </td>
                <td>
                  <RelativeTime iso={token.lastUsedAt} />
                </td>
                {canChange ? (
                  <td className="actions">
                    {token.revokedAt ? null : (
                      <Button size="sm" variant="ghost" className="btn-link-danger" onClick={() => setDialog({ kind: "revoke", token })}>
                        Revoke
                      </Button>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {dialog?.kind === "create" ? <TokenCreateDialog onIssued={(issued) => setDialog({ kind: "issued", issued })} onClose={close} /> : null}
      {dialog?.kind === "revoke" ? <TokenRevokeDialog token={dialog.token} onClose={close} /> : null}
      {dialog?.kind === "issued" ? (
        <OneTimeTokenDialog
          title={`API token ${dialog.issued.apiToken.name}`}
          token={dialog.issued.token}
          onClose={close}
          instructions={
            <p>
              This token is shown only once. Store it where the script that uses it can read it, and send it as{" "}
              <code>Authorization: Bearer &lt;token&gt;</code>.
            </p>
          }
        />
      ) : null}
    </Card>
  );
}
