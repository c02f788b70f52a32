"use client";
// The confirmation of a disconnect or an invalidation: says exactly what will happen from the
// server's preview (how many sessions and tunnels, on which servers, which of them have no live
// agent and what that means for timing), takes an optional reason, then carries it out.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { RelativeTime } from "@/components/ui/relative-time";
import { useToast } from "@/components/ui/toast";
import { useInvalidateSessionQueries } from "@/hooks/use-invalidate-session-queries";
import { ORDER_TTL_SECONDS } from "@/lib/agent-orders";
import { errorMessage } from "@/lib/client/api";
import {
  describeSessionTarget,
  plural,
  requestSessionAction,
  sessionActionDone,
  sessionActionPreview,
} from "@/lib/client/session-actions";
import type { ControlledServer, SessionAction, SessionActionResult, SessionTarget } from "@/lib/sessions/control";

export interface SessionActionDialogProps {
  action: SessionAction;
  target: SessionTarget;
  /** The session's user, to name a single session. */
  username?: string;
  onClose: () => void;
  onDone?: () => void;
}

function Consequence({ preview }: { preview: SessionActionResult }) {
  const { summary } = preview;
  const servers = plural(preview.servers.length, "server");
  if (summary.sessions === 0) {
    return (
      <p data-testid="session-action-summary">
        {preview.action === "invalidate"
          ? "Nothing to invalidate: no usable session and no open tunnel."
          : "Nothing to disconnect: no open tunnel."}
      </p>
    );
  }
  return preview.action === "invalidate" ? (
    <p data-testid="session-action-summary">
      This revokes {plural(summary.sessionsRevoked, "session")} and kills {plural(summary.tunnels, "tunnel")}
      {summary.tunnels > 0 ? ` on ${servers}` : ""}. Their tokens are refused at the next reconnect or renegotiation on
      every server: the user must log in again with the password.
    </p>
  ) : (
    <p data-testid="session-action-summary">
      This kills {plural(summary.tunnels, "tunnel")} of {plural(summary.sessions, "session")} on {servers}. The sessions
      stay valid: clients may reconnect at once with their tokens, without a password. To make them log in again,
      invalidate instead.
    </p>
  );
}

function ServerLine({ server, action }: { server: ControlledServer; action: SessionAction }) {
  const tunnels = plural(server.tunnels, "tunnel");
  if (server.agentLive) {
    return (
      <li>
        <strong>{server.name}</strong>: {tunnels}, agent live: killed within about 2 seconds.
      </li>
    );
  }
  return (
    <li>
      <strong>{server.name}</strong>: {tunnels}, no live agent (last seen <RelativeTime iso={server.agentLastSeenAt} />
      ).{" "}
      {action === "invalidate"
        ? "The tunnel stays up until its next reconnect or renegotiation, where the revoked token is refused."
        : `The console cannot reach this server: the tunnel stays up; the kill waits up to ${ORDER_TTL_SECONDS / 60} minutes for an agent.`}
    </li>
  );
}

export function SessionActionDialog({ action, target, username, onClose, onDone }: SessionActionDialogProps) {
  const [reason, setReason] = useState("");
  const toast = useToast();
  const refresh = useInvalidateSessionQueries();
  const preview = useQuery(sessionActionPreview(action, target));
  const run = useMutation({
    mutationFn: () => requestSessionAction(action, target, { reason }),
    onSuccess: (result) => {
      void refresh();
      toast(sessionActionDone(result));
      onDone?.();
      onClose();
    },
  });
  const data = preview.data;
  const verb = action === "invalidate" ? "Invalidate" : "Disconnect";
  const nothing = !data || data.summary.sessions === 0;
  const confirmLabel = !data
    ? verb
    : action === "invalidate"
      ? `Invalidate ${plural(data.summary.sessions, "session")}`
      : `Disconnect ${plural(data.summary.tunnels, "tunnel")}`;

  return (
    <Dialog
      title={`${verb} ${describeSessionTarget(target, username)}?`}
      onClose={onClose}
      busy={run.isPending}
      size="md"
      onSubmit={() => {
        if (!nothing) run.mutate();
      }}
      footer={
        <>
          <Button type="button" onClick={onClose} disabled={run.isPending} data-autofocus>
            Cancel
          </Button>
          <Button type="submit" variant="danger" loading={run.isPending} disabled={nothing}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {preview.isError ? (
        <Alert title="What this would do could not be worked out">{errorMessage(preview.error)}</Alert>
      ) : !data ? (
        <p className="muted">Working out what this would do…</p>
      ) : (
        <div className="stack">
          <Consequence preview={data} />
          {data.servers.length > 0 ? (
            <ul data-testid="session-action-servers">
              {data.servers.map((server) => (
                <ServerLine key={server.name} server={server} action={action} />
              ))}
            </ul>
          ) : null}
          {data.summary.tunnelsWithoutId > 0 ? (
            <Alert tone="warning">
              {plural(data.summary.tunnelsWithoutId, "tunnel")} reported no id by its server, so no agent can kill it.
            </Alert>
          ) : null}
          {nothing ? null : (
            <Field label="Reason (optional)" hint="Shown in the audit log and passed with the kill to the server's agent.">
              {(control) => <Input {...control} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />}
            </Field>
          )}
        </div>
      )}
      {run.error ? <Alert>{errorMessage(run.error)}</Alert> : null}
    </Dialog>
  );
}
