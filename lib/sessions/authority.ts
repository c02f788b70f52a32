// The session authority: the decisions behind the hook API. VPN servers ask on every login and
// reconnect whether to let a client in; the answers come from the user's effective policy.
import { randomBytes } from "node:crypto";
import { hashToken, verifyPassword } from "../crypto";
import type { Db, Tx } from "../db";
import { AppError } from "../errors";
import { attemptPassword, LOCKED_OUT, type AttemptOutcome } from "../lockout";
import type { AuthHookInput, ConnectHookInput, DisconnectHookInput } from "../hooks/schemas";
import { effectivePolicyFor } from "../policies";
import type { PolicyValues } from "../policy/fields";
import { formatDuration } from "../policy/duration";
import type { ServerView } from "../servers";
import { LIVE_STATES, PENDING_TIMEOUT_SECONDS, type SessionState } from "./states";

export type Decision = { allow: true; sessionId: string; reason: string } | { allow: false; reason: string };

export interface ConnectResult {
  allow: boolean;
  reason: string;
  sessionId?: string;
  connectionId?: string;
  /** OpenVPN client-connect config lines for this client (push ...). */
  config: string[];
}

/** Generic on purpose: a client must not learn whether a username exists. */
const WRONG_CREDENTIALS = "unknown user or wrong password";

/** Session tokens: 128 bits from the CSPRNG, base64 (as OpenVPN Access Server issues them). */
export function newSessionToken(): string {
  return randomBytes(16).toString("base64");
}

const deny = (reason: string): Decision => ({ allow: false, reason });

/** A password check under the guessing limits of lib/lockout.ts. */
const checkPassword = (db: Db, input: AuthHookInput, passwordHash: string | null, now: Date): Promise<AttemptOutcome> =>
  attemptPassword(db, { username: input.username, clientIp: input.client_ip }, () => verifyPassword(input.password, passwordHash), { now });

const refusedPassword = (outcome: AttemptOutcome): Decision => deny(outcome === "refused" ? LOCKED_OUT : WRONG_CREDENTIALS);

const userWithGroup = { group: { select: { name: true } } } as const;

type SessionRow = NonNullable<Awaited<ReturnType<Db["session"]["findFirst"]>>>;

function secondsSince(from: Date, now: Date): number {
  return (now.getTime() - from.getTime()) / 1000;
}

function lifetimeDeadline(policy: PolicyValues, start: Date): Date | null {
  if (policy.autoLogin || policy.sessionLifetime === 0) return null;
  return new Date(start.getTime() + policy.sessionLifetime * 1000);
}

/**
 * Whether a session may be resumed with its token, from the current policy (so policy changes
 * apply to the next decision). Marks the session expired when a limit has passed.
 */
async function checkResume(
  db: Db,
  session: SessionRow,
  policy: PolicyValues,
  clientIp: string,
  now: Date,
): Promise<string | null> {
  if (session.state === "revoked") return `session was invalidated${session.stateReason ? ` (${session.stateReason})` : ""}: log in again`;
  if (session.state === "ended") return "session ended when the client disconnected: log in again";
  if (session.state === "expired") return `session expired (${session.stateReason ?? "expired"}): log in again`;
  if (!policy.reconnectTokens) return "reconnect tokens are off for this user: log in with the password";
  if (!policy.autoLogin) {
    if (policy.sessionLifetime > 0 && secondsSince(session.authenticatedAt, now) >= policy.sessionLifetime) {
      const reason = `session lifetime of ${formatDuration(policy.sessionLifetime)} reached`;
      await expire(db, session.id, reason, now);
      return `${reason}: log in again`;
    }
    if (session.state === "dormant" && session.dormantSince && secondsSince(session.dormantSince, now) >= policy.idleTokenExpiry) {
      const reason = `token unused for longer than the idle expiry of ${formatDuration(policy.idleTokenExpiry)}`;
      await expire(db, session.id, reason, now);
      return `${reason}: log in again`;
    }
  }
  if (policy.ipLock && clientIp !== session.clientIp) {
    return `token presented from ${clientIp}, but the session is locked to ${session.clientIp}`;
  }
  return null;
}

async function expire(db: Db | Tx, sessionId: string, reason: string, now: Date): Promise<void> {
  await db.session.updateMany({
    where: { id: sessionId, state: { in: LIVE_STATES } },
    data: { state: "expired", stateReason: reason, endedAt: now },
  });
}

function endpoint(ip: string, port: number | undefined): string {
  return port === undefined ? ip : `${ip}:${port}`;
}

async function markAuthenticated(db: Db, session: SessionRow, server: ServerView, input: AuthHookInput, now: Date) {
  await db.session.update({
    where: { id: session.id },
    data: {
      lastAuthAt: now,
      lastAuthServerId: server.id,
      lastAuthEndpoint: endpoint(input.client_ip, input.client_port),
      lastSeenAt: now,
    },
  });
}

/**
 * Makes room for one more session under max concurrent sessions, inside the caller's
 * transaction. Dormant sessions are replaced by a new password login; live tunnels count.
 * Returns a deny reason, or null when the new session may start.
 */
async function admitNewSession(tx: Tx, userId: string, policy: PolicyValues, now: Date): Promise<string | null> {
  if (policy.maxSessions === 0) return null;
  await tx.session.updateMany({
    where: { userId, state: "dormant" },
    data: { state: "revoked", stateReason: "replaced by a new login (max concurrent sessions)", endedAt: now },
  });
  await tx.session.updateMany({
    where: { userId, state: "pending", lastAuthAt: { lt: new Date(now.getTime() - PENDING_TIMEOUT_SECONDS * 1000) } },
    data: { state: "expired", stateReason: "tunnel never came up", endedAt: now },
  });
  const live = await tx.session.findMany({
    where: { userId, state: { in: ["pending", "active"] } },
    orderBy: { authenticatedAt: "asc" },
    select: { id: true },
  });
  if (live.length < policy.maxSessions) return null;
  if (policy.maxSessionsAction === "deny") {
    return `max concurrent sessions (${policy.maxSessions}) reached`;
  }
  const replaced = live.slice(0, live.length - policy.maxSessions + 1).map((s) => s.id);
  await tx.session.updateMany({
    where: { id: { in: replaced } },
    data: { state: "revoked", stateReason: "replaced by a newer login (max concurrent sessions)", endedAt: now },
  });
  return null;
}

interface NewSessionClient {
  clientIp: string;
  clientPort: number | undefined;
  externalSessionId: string | undefined;
}

async function startSession(
  db: Db,
  user: { id: string },
  server: ServerView,
  policy: PolicyValues,
  client: NewSessionClient,
  now: Date,
): Promise<Decision> {
  return db.$transaction(async (tx) => {
    // Writing the user row first serialises concurrent logins of one user (a row lock on
    // PostgreSQL, the write lock on SQLite), so max concurrent sessions holds under races.
    await tx.vpnUser.update({ where: { id: user.id }, data: { lastLoginAt: now } });
    const refused = await admitNewSession(tx, user.id, policy, now);
    if (refused) return deny(refused);
    const session = await tx.session.create({
      data: {
        userId: user.id,
        serverId: server.id,
        state: "pending",
        clientIp: client.clientIp,
        externalSessionId: client.externalSessionId ?? null,
        authenticatedAt: now,
        lastAuthAt: now,
        lastAuthServerId: server.id,
        lastAuthEndpoint: endpoint(client.clientIp, client.clientPort),
        lastSeenAt: now,
        expiresAt: lifetimeDeadline(policy, now),
      },
    });
    return { allow: true, sessionId: session.id, reason: "password accepted: new session" };
  });
}

/** Active tunnels of other sessions already fill the user's allowance. */
async function resumeRefusedByMax(db: Db, session: SessionRow, policy: PolicyValues): Promise<string | null> {
  if (policy.maxSessions === 0 || session.state === "active") return null;
  const others = await db.session.count({
    where: { userId: session.userId, state: { in: ["pending", "active"] }, id: { not: session.id } },
  });
  return others >= policy.maxSessions ? `max concurrent sessions (${policy.maxSessions}) reached` : null;
}

async function resume(
  db: Db,
  session: SessionRow,
  server: ServerView,
  policy: PolicyValues,
  input: AuthHookInput,
  now: Date,
): Promise<Decision> {
  const refused = (await checkResume(db, session, policy, input.client_ip, now)) ?? (await resumeRefusedByMax(db, session, policy));
  if (refused) return deny(refused);
  await markAuthenticated(db, session, server, input, now);
  return { allow: true, sessionId: session.id, reason: "session token accepted" };
}

/** POST /api/hooks/v1/auth: a login or a reconnect with a session token. */
export async function authorize(db: Db, server: ServerView, input: AuthHookInput, now = new Date()): Promise<Decision> {
  const user = await db.vpnUser.findUnique({ where: { username: input.username }, include: userWithGroup });
  if (!user) return refusedPassword(await checkPassword(db, input, null, now));
  if (!user.enabled) return deny("user is disabled");
  const policy = await effectivePolicyFor(db, user);

  // OpenVPN's own tokens (auth-gen-token ... external-auth): the daemon checked its HMAC and
  // says how; the console decides from its record of the same session_id.
  if (input.session_state && input.session_state !== "Initial") {
    if (input.session_state !== "Authenticated") return deny(`OpenVPN reports the token as ${input.session_state}: log in again`);
    if (!input.session_id) throw new AppError("invalid", "session_id is required with session_state Authenticated", { session_id: "required" });
    const session = await db.session.findFirst({
      where: { userId: user.id, serverId: server.id, externalSessionId: input.session_id },
      orderBy: { authenticatedAt: "desc" },
    });
    if (!session) return deny("unknown session: log in again");
    return resume(db, session, server, policy, input, now);
  }

  // Console-issued tokens come back as the password.
  if (!input.session_state && input.password) {
    const session = await db.session.findUnique({ where: { tokenHash: hashToken(input.password) } });
    if (session && session.userId === user.id) return resume(db, session, server, policy, input, now);
  }

  const outcome = await checkPassword(db, input, user.passwordHash, now);
  if (outcome !== "accepted") return refusedPassword(outcome);
  return startSession(
    db,
    user,
    server,
    policy,
    { clientIp: input.client_ip, clientPort: input.client_port, externalSessionId: input.session_id },
    now,
  );
}

function clientConfig(policy: PolicyValues, token: string | null, expiresAt: Date | null, now: Date): string[] {
  const lines: string[] = [];
  if (token) lines.push(`push "auth-token ${token}"`);
  if (policy.inactivityWindow > 0 && policy.inactivityBytes > 0) {
    lines.push(`push "inactive ${policy.inactivityWindow} ${policy.inactivityBytes}"`);
  }
  lines.push(`push "ping ${policy.keepaliveInterval}"`, `push "ping-restart ${policy.keepaliveTimeout}"`);
  if (expiresAt) {
    // The tunnel ends at the lifetime even while its data-channel key is still valid.
    lines.push(`push "session-timeout ${Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000))}"`);
  }
  return lines;
}

/**
 * The session a tunnel belongs to: the one its auth call just authenticated or resumed. ocserv
 * calls no auth hook on a cookie reconnect, so there the tunnel resumes the user's latest
 * session on that server; a session ended less than the idle expiry ago (while ocserv may still
 * hold a valid cookie for it) keeps refusing, which is what makes an invalidation stick.
 */
async function sessionForConnect(
  db: Db,
  server: ServerView,
  userId: string,
  policy: PolicyValues,
  input: ConnectHookInput,
  now: Date,
) {
  if (input.session_id) {
    return db.session.findFirst({
      where: { userId, serverId: server.id, externalSessionId: input.session_id },
      orderBy: { authenticatedAt: "desc" },
    });
  }
  const justAuthenticated = await db.session.findFirst({
    where: {
      userId,
      lastAuthServerId: server.id,
      lastAuthEndpoint: endpoint(input.client_ip, input.client_port),
      lastAuthAt: { gte: new Date(now.getTime() - PENDING_TIMEOUT_SECONDS * 1000) },
    },
    orderBy: { lastAuthAt: "desc" },
  });
  if (justAuthenticated || server.kind !== "ocserv") return justAuthenticated;
  const latest = await db.session.findFirst({ where: { userId, serverId: server.id }, orderBy: { authenticatedAt: "desc" } });
  if (!latest || LIVE_STATES.includes(latest.state as SessionState)) return latest;
  const endedAt = latest.endedAt ?? latest.lastSeenAt;
  return secondsSince(endedAt, now) < policy.idleTokenExpiry ? latest : null;
}

/** POST /api/hooks/v1/connect: a tunnel came up. */
export async function connect(db: Db, server: ServerView, input: ConnectHookInput, now = new Date()): Promise<ConnectResult> {
  const refuse = (reason: string): ConnectResult => ({ allow: false, reason, config: [] });
  const user = await db.vpnUser.findUnique({ where: { username: input.username }, include: userWithGroup });
  if (!user) return refuse("unknown user");
  if (!user.enabled) return refuse("user is disabled");
  const policy = await effectivePolicyFor(db, user);
  let session = await sessionForConnect(db, server, user.id, policy, input, now);

  if (!session && server.kind === "ocserv") {
    // ocserv authenticated this user itself: its first tunnel starts a session.
    const started = await startSession(
      db,
      user,
      server,
      policy,
      { clientIp: input.client_ip, clientPort: input.client_port, externalSessionId: undefined },
      now,
    );
    if (!started.allow) return refuse(started.reason);
    session = await db.session.findUnique({ where: { id: started.sessionId } });
  }
  if (!session) return refuse("no authenticated session for this client: the auth hook must allow it first");
  if (session.state !== "pending") {
    const refused = await checkResume(db, session, policy, input.client_ip, now);
    if (refused) return refuse(refused);
  }
  const current = session;

  const issueToken =
    server.kind === "openvpn" && !input.session_id && policy.reconnectTokens && current.tokenHash === null;
  const token = issueToken ? newSessionToken() : null;
  const connectionId = await db.$transaction(async (tx) => {
    if (input.connection_id) {
      // A tunnel the daemon never reported as ended cannot still be up under the same id.
      await tx.connection.updateMany({
        where: { serverId: server.id, externalId: input.connection_id, disconnectedAt: null },
        data: { disconnectedAt: now, endReason: "superseded by a new tunnel with the same id" },
      });
    }
    const connection = await tx.connection.create({
      data: {
        sessionId: current.id,
        serverId: server.id,
        externalId: input.connection_id ?? null,
        clientIp: input.client_ip,
        vpnIp: input.vpn_ip ?? null,
        connectedAt: now,
      },
    });
    await tx.session.update({
      where: { id: current.id },
      data: {
        state: "active",
        stateReason: null,
        dormantSince: null,
        idleExpiresAt: null,
        lastSeenAt: now,
        ...(token ? { tokenHash: hashToken(token) } : {}),
      },
    });
    return connection.id;
  });
  await db.vpnServer.update({ where: { id: server.id }, data: { lastSeenAt: now } });
  return {
    allow: true,
    reason: token ? "tunnel up: new session token issued" : "tunnel up",
    sessionId: current.id,
    connectionId,
    config: server.kind === "openvpn" ? clientConfig(policy, token, current.expiresAt, now) : [],
  };
}

/** POST /api/hooks/v1/disconnect: a tunnel ended, with its final counters. */
export async function disconnect(
  db: Db,
  server: ServerView,
  input: DisconnectHookInput,
  now = new Date(),
): Promise<{ sessionId: string; sessionState: string }> {
  return db.$transaction(async (tx) => {
    const connection = await tx.connection.findFirst({
      where: { serverId: server.id, externalId: input.connection_id, disconnectedAt: null },
      include: { session: { include: { user: { include: userWithGroup } } } },
    });
    if (!connection) {
      const ended = await tx.connection.count({ where: { serverId: server.id, externalId: input.connection_id } });
      throw ended > 0
        ? new AppError("conflict", `connection "${input.connection_id}" already ended`)
        : new AppError("not_found", `unknown connection "${input.connection_id}" on server ${server.name}`);
    }
    // The conditional update makes a replayed or concurrent disconnect a no-op that says so.
    const closed = await tx.connection.updateMany({
      where: { id: connection.id, disconnectedAt: null },
      data: {
        disconnectedAt: now,
        endReason: input.reason,
        bytesIn: BigInt(input.bytes_received),
        bytesOut: BigInt(input.bytes_sent),
        countersAt: now,
      },
    });
    if (closed.count === 0) throw new AppError("conflict", `connection "${input.connection_id}" already ended`);
    const session = connection.session;
    const deltaIn = BigInt(input.bytes_received) - connection.bytesIn;
    const deltaOut = BigInt(input.bytes_sent) - connection.bytesOut;
    const stillUp = await tx.connection.count({ where: { sessionId: session.id, disconnectedAt: null } });
    const data: Parameters<Tx["session"]["update"]>[0]["data"] = {
      bytesIn: { increment: deltaIn > 0n ? deltaIn : 0n },
      bytesOut: { increment: deltaOut > 0n ? deltaOut : 0n },
      lastSeenAt: now,
    };
    let state = session.state;
    if (stillUp === 0 && session.state === "active") {
      if (input.reason === "graceful") {
        state = "ended";
        Object.assign(data, { state, stateReason: "client disconnected", endedAt: now });
      } else {
        const policy = await effectivePolicyFor(tx, session.user);
        state = "dormant";
        Object.assign(data, {
          state,
          stateReason: `tunnel ${input.reason === "unknown" ? "ended" : input.reason}`,
          dormantSince: now,
          idleExpiresAt: policy.autoLogin ? null : new Date(now.getTime() + policy.idleTokenExpiry * 1000),
        });
      }
    }
    await tx.session.update({ where: { id: session.id }, data });
    return { sessionId: session.id, sessionState: state };
  });
}
