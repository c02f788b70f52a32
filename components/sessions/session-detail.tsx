"use client";
// /sessions/ID: one session: its state and why, who and where, every deadline and counter, and
// its connections (tunnels).
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { ApiError, errorMessage } from "@/lib/client/api";
import { formatCount, formatDateTime } from "@/lib/client/format";
import { sessionQueries } from "@/lib/client/query-keys";
import { formatBytes } from "@/lib/policy/duration";
import type { SessionDetailView } from "@/lib/sessions/queries";
import { SessionConnections } from "./session-connections";
import { isSessionState, SESSION_STATE_INFO } from "./session-states";
import { SessionActions } from "./session-actions";
import { SessionStateBadge } from "./session-state-badge";
import { SESSIONS_REFRESH_MS } from "./sessions-panel";
import styles from "./sessions.module.css";

function When({ iso, never = "—" }: { iso: string | null; never?: string }) {
  if (!iso) return <span className="muted">{never}</span>;
  return (
    <>
      {formatDateTime(iso, true)} <span className="muted">(<RelativeTime iso={iso} />)</span>
    </>
  );
}

function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className={styles.item}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Details({ session }: { session: SessionDetailView }) {
  const user = encodeURIComponent(session.username);
  return (
    <div className="stack">
      <Card title="State">
        <dl className={styles.details}>
          <Item term="State">
            <SessionStateBadge state={session.state} />{" "}
            {isSessionState(session.state) ? <span className="muted">{SESSION_STATE_INFO[session.state].meaning}</span> : null}
          </Item>
          <Item term="Reason">{session.stateReason ?? <span className="muted">—</span>}</Item>
          <Item term="Token">{session.hasToken ? "held (stored only as a hash)" : "none: a reconnect asks for credentials"}</Item>
          <Item term="Open tunnels">{formatCount(session.openConnections)}</Item>
          <Item term="Bytes in">{formatBytes(session.bytesIn)}</Item>
          <Item term="Bytes out">{formatBytes(session.bytesOut)}</Item>
        </dl>
      </Card>
      <Card title="Who and where">
        <dl className={styles.details}>
          <Item term="User">
            {session.username} · <Link href={`/policies/users/${user}`}>effective policy</Link> ·{" "}
            <Link href={`/sessions?user=${user}`}>all their sessions</Link>
          </Item>
          <Item term="Group">{session.group ?? <span className="muted">no group</span>}</Item>
          <Item term="Server">{session.server ?? <span className="muted">—</span>}</Item>
          <Item term="Client IP">
            <span className="mono">{session.clientIp}</span>
          </Item>
        </dl>
      </Card>
      <Card title="Times">
        <dl className={styles.details}>
          <Item term="Authenticated">
            <When iso={session.authenticatedAt} />
          </Item>
          <Item term="Last seen">
            <When iso={session.lastSeenAt} />
          </Item>
          <Item term="Dormant since">
            <When iso={session.dormantSince} never="not dormant" />
          </Item>
          <Item term="Idle expiry">
            <When iso={session.idleExpiresAt} never="none" />
          </Item>
          <Item term="Lifetime ends">
            <When iso={session.expiresAt} never="none" />
          </Item>
          <Item term="Ended">
            <When iso={session.endedAt} never="not ended" />
          </Item>
        </dl>
      </Card>
      <Card title={`Connections (${formatCount(session.connectionCount)})`}>
        <SessionConnections session={session} />
      </Card>
    </div>
  );
}

export function SessionDetail({ id }: { id: string }) {
  const session = useQuery({ ...sessionQueries.detail(id), refetchInterval: SESSIONS_REFRESH_MS });
  const back = (
    <Link href="/sessions" className="btn btn-ghost">
      All sessions
    </Link>
  );
  const data = session.data?.session;
  return (
    <div className="stack">
      <PageHeader
        title={data ? `Session of ${data.username}` : "Session"}
        description={<span className="mono">{id}</span>}
        actions={
          <>
            {data ? <SessionActions target={{ kind: "session", id }} username={data.username} /> : null}
            {back}
          </>
        }
      />
      {session.isError && session.error instanceof ApiError && session.error.status === 404 ? (
        <EmptyState title="There is no such session">
          <p>
            No session has this ID. Find the one you are looking for under <Link href="/sessions">Sessions</Link>.
          </p>
        </EmptyState>
      ) : session.isError ? (
        <Alert title="The session could not be loaded">{errorMessage(session.error)}</Alert>
      ) : data ? (
        <Details session={data} />
      ) : (
        <p className="muted">Loading the session…</p>
      )}
    </div>
  );
}
