// The session authority: the decisions behind the hook API. VPN servers ask on every login and
// reconnect whether to let a client in; the answers come from the user's effective policy.
import { randomBytes, randomUUID } from "node:crypto";
import { hashToken, verifyPassword } from "../crypto";
import { providerOf, type Db, type Tx } from "../db";
import { AppError } from "../errors";
import {
  endConnection,
  expireSession,
  latestSessionOnServer,
  liveSessionOfClient,
  markSessionAuthenticated,
  openConnection,
  otherLiveSessionCount,
  sessionAuthenticatedSince,
  sessionById,
  sessionByTokenHash,
  sessionOfDaemon,
  userByName,
  type SessionRow,
} from "../hook-statements";
import { attemptPassword, LOCKED_OUT, type AttemptOutcome } from "../lockout";
import type {
  AuthHookInput,
  ConnectHookInput,
  DisconnectHookInput,
  DisconnectReason,
  DisconnectReasonHookInput,
} from "../hooks/schemas";
import { effectivePolicyFor, type PolicySubject } from "../policies";
import type { PolicyValues } from "../policy/fields";
import { formatDuration } from "../policy/duration";
import type { ServerView } from "../servers";
import { addFinalSample, finalCounters, forgetConnection } from "../traffic/ingest";
import { queueKillsForSessions } from "./control";
import { LIVE_STATES, PENDING_TIMEOUT_SECONDS, type SessionState } from "./states";
import { withUserSessionLock } from "./user-lock";

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

// Token reconnects (auth, then connect) are what a VPN server restart floods the console with, so
// their reads and writes are the direct statements of lib/hook-statements.ts, not the Prisma
// client (npm run bench:hooks).

interface HookUser extends PolicySubject {
  passwordHash: string | null;
  enabled: boolean;
}

async function findUser(db: Db, username: string): Promise<HookUser | null> {
  const row = await userByName(db, username);
  if (!row) return null;
  const { groupName, ...user } = row;
  return { ...user, group: groupName === null ? null : { name: groupName } };
}

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
      await expireSession(db, session.id, reason, now);
      return `${reason}: log in again`;
    }
    if (session.state === "dormant" && session.dormantSince && secondsSince(session.dormantSince, now) >= policy.idleTokenExpiry) {
      const reason = `token unused for longer than the idle expiry of ${formatDuration(policy.idleTokenExpiry)}`;
      await expireSession(db, session.id, reason, now);
      return `${reason}: log in again`;
    }
  }
  if (policy.ipLock && clientIp !== session.clientIp) {
    return `token presented from ${clientIp}, but the session is locked to ${session.clientIp}`;
  }
  return null;
}

function endpoint(ip: string, port: number | undefined): string {
  return port === undefined ? ip : `${ip}:${port}`;
}

async function markAuthenticated(db: Db, session: SessionRow, server: ServerView, input: AuthHookInput, now: Date) {
  await markSessionAuthenticated(db, session.id, server.id, endpoint(input.client_ip, input.client_port), now);
}

/**
 * Makes room for one more session under max concurrent sessions, inside the caller's transaction
 * holding the user's lock (user-lock.ts). Dormant sessions are replaced by a new password login;
 * live tunnels count. Returns a deny reason, or null when the new session may start.
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
  // Queued with the revocation, so the old tunnels are cut wherever an agent runs.
  await queueKillsForSessions(tx, replaced, "session replaced by a newer login (max concurrent sessions)", now);
  return null;
}

interface NewSessionClient {
  clientIp: string;
  clientPort: number | undefined;
  externalSessionId: string | undefined;
  /**
   * False when the session starts without a login through the console (an ocserv tunnel whose
   * password ocserv checked itself): it then has no auth call to record.
   */
  loggedIn: boolean;
}

async function startSession(
  db: Db,
  user: { id: string },
  server: ServerView,
  policy: PolicyValues,
  client: NewSessionClient,
  now: Date,
): Promise<Decision> {
  // Under the user's lock, so that max concurrent sessions holds when logins race, also through
  // different console instances.
  return withUserSessionLock(db, user.id, async (tx) => {
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
        ...(client.loggedIn
          ? { lastAuthAt: now, lastAuthServerId: server.id, lastAuthEndpoint: endpoint(client.clientIp, client.clientPort) }
          : {}),
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
  const others = await otherLiveSessionCount(db, session.userId, session.id);
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
  const user = await findUser(db, input.username);
  if (!user) return refusedPassword(await checkPassword(db, input, null, now));
  // A disabled user is told so only once the caller has shown a credential (a token OpenVPN
  // verified, a console token, the password); until then the answer is an unknown user's.
  const disabled = user.enabled ? null : deny("user is disabled");
  const policy = await effectivePolicyFor(db, user);

  // OpenVPN's own tokens (auth-gen-token ... external-auth): the daemon checked its HMAC and
  // says how; the console decides from its record of the same session_id.
  if (input.session_state && input.session_state !== "Initial") {
    if (disabled) return disabled;
    if (input.session_state !== "Authenticated") return deny(`OpenVPN reports the token as ${input.session_state}: log in again`);
    if (!input.session_id) throw new AppError("invalid", "session_id is required with session_state Authenticated", { session_id: "required" });
    const session = await sessionOfDaemon(db, user.id, server.id, input.session_id);
    if (!session) return deny("unknown session: log in again");
    return resume(db, session, server, policy, input, now);
  }

  // Console-issued tokens come back as the password.
  if (!input.session_state && input.password) {
    const session = await sessionByTokenHash(db, hashToken(input.password));
    if (session && session.userId === user.id) return disabled ?? resume(db, session, server, policy, input, now);
  }

  const outcome = await checkPassword(db, input, user.passwordHash, now);
  if (outcome !== "accepted") return refusedPassword(outcome);
  if (disabled) return disabled;
  return startSession(
    db,
    user,
    server,
    policy,
    { clientIp: input.client_ip, clientPort: input.client_port, externalSessionId: input.session_id, loggedIn: true },
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
 * The session a tunnel belongs to: the one its auth call just authenticated or resumed. On ocserv
 * a tunnel without an auth call just before it is a reconnect with ocserv's cookie (ocserv runs
 * PAM, and so the auth hook, only for password logins); see ocservCookieSession.
 */
async function sessionForConnect(
  db: Db,
  server: ServerView,
  userId: string,
  policy: PolicyValues,
  input: ConnectHookInput,
  now: Date,
): Promise<SessionRow | null> {
  if (input.session_id) return sessionOfDaemon(db, userId, server.id, input.session_id);
  const justAuthenticated = await sessionAuthenticatedSince(
    db,
    userId,
    server.id,
    endpoint(input.client_ip, input.client_port),
    new Date(now.getTime() - PENDING_TIMEOUT_SECONDS * 1000),
  );
  if (justAuthenticated || server.kind !== "ocserv") return justAuthenticated;
  return ocservCookieSession(db, server, userId, policy, input.client_ip, now);
}

/**
 * The session an ocserv cookie reconnect resumes, or null when the tunnel starts a new session.
 * ocserv does not tell its scripts which of its sessions (cookies) a tunnel belongs to, so the
 * console goes by user and client IP: a live session of the same client IP is resumed.
 *
 * When the user's sessions on this server come from logins through the console (PAM and the
 * auth hook, docs/ocserv.md), every cookie stands for one of them: the latest one of this client
 * IP, else the latest one from anywhere (a roaming cookie, which IP lock refuses). An ended one
 * stays refused however long ocserv honours its cookie, while a fresh login, being no cookie
 * reconnect, is never held up by it.
 *
 * When ocserv checks passwords itself, a tunnel from another IP is another login that starts a
 * session of its own, and one after an ended session cannot be told from a fresh login: it is
 * refused until the idle token expiry has passed since the session ended, then starts anew.
 */
async function ocservCookieSession(
  db: Db,
  server: ServerView,
  userId: string,
  policy: PolicyValues,
  clientIp: string,
  now: Date,
): Promise<SessionRow | null> {
  const sameClient = await liveSessionOfClient(db, userId, server.id, clientIp);
  if (sameClient) return sameClient;
  const latest = await latestSessionOnServer(db, userId, server.id);
  if (!latest) return null;
  if (latest.lastAuthAt !== null) return (await latestSessionOnServer(db, userId, server.id, clientIp)) ?? latest;
  if (LIVE_STATES.includes(latest.state as SessionState)) return null;
  const endedAt = latest.endedAt ?? latest.lastSeenAt;
  return secondsSince(endedAt, now) < policy.idleTokenExpiry ? latest : null;
}

/** POST /api/hooks/v1/connect: a tunnel came up. */
export async function connect(db: Db, server: ServerView, input: ConnectHookInput, now = new Date()): Promise<ConnectResult> {
  const refuse = (reason: string): ConnectResult => ({ allow: false, reason, config: [] });
  const user = await findUser(db, input.username);
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
      { clientIp: input.client_ip, clientPort: input.client_port, externalSessionId: undefined, loggedIn: false },
      now,
    );
    if (!started.allow) return refuse(started.reason);
    session = await sessionById(db, started.sessionId);
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
  const connectionId = randomUUID();
  const tokenHash = token ? hashToken(token) : current.tokenHash;
  const opened = await openConnection(db, {
    id: connectionId,
    sessionId: current.id,
    serverId: server.id,
    externalId: input.connection_id ?? null,
    clientIp: input.client_ip,
    vpnIp: input.vpn_ip ?? null,
    at: now,
    tokenHash,
    // The auth hook's count left this resume room, but another resume may have taken it since.
    resumeLimit: current.state === "dormant" && policy.maxSessions > 0 ? policy.maxSessions : undefined,
  });
  if (!opened) {
    const still = await sessionById(db, current.id);
    if (still?.state === "dormant") {
      await endConnection(db, connectionId, "max concurrent sessions reached", now);
      return refuse(`max concurrent sessions (${policy.maxSessions}) reached`);
    }
    // Invalidated (or expired) between the checks above and this write: the tunnel may not stay.
    await endConnection(db, connectionId, "session ended while the tunnel came up", now);
    return refuse("session ended while the tunnel came up: log in again");
  }
  return {
    allow: true,
    reason: token ? "tunnel up: new session token issued" : "tunnel up",
    sessionId: current.id,
    connectionId,
    config: server.kind === "openvpn" ? clientConfig(policy, token, current.expiresAt, now) : [],
  };
}

/** A client that left on purpose: its token expires at once (product.md, "ended"). */
const ENDED_BY_CLIENT = (now: Date) => ({ state: "ended", stateReason: "client disconnected", endedAt: now, idleExpiresAt: null });

/** POST /api/hooks/v1/disconnect: a tunnel ended, with its final counters. */
export async function disconnect(
  db: Db,
  server: ServerView,
  input: DisconnectHookInput,
  now = new Date(),
): Promise<{ sessionId: string; sessionState: string }> {
  const postgres = providerOf(db) === "postgresql";
  const result = await db.$transaction(async (tx) => {
    // Another instance's traffic write may be committing this tunnel's counters: the disconnect
    // waits for it at the row's lock and counts from what it wrote (at READ COMMITTED the read
    // below sees it), or the write waits and then meets an ended tunnel. Counted from the counters
    // before it, the bytes between would be in the samples twice. SQLite's one writer cannot
    // interleave.
    if (postgres) {
      await tx.$queryRaw`SELECT "id" FROM "Connection"
        WHERE "serverId" = ${server.id} AND "externalId" = ${input.connection_id} AND "disconnectedAt" IS NULL FOR NO KEY UPDATE`;
    }
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
    const final = finalCounters(connection, BigInt(input.bytes_received), BigInt(input.bytes_sent), now);
    // A tunnel the console ordered cut ends for the console's reason, whatever the daemon reports.
    const kill = await tx.agentOrder.findFirst({
      where: { connectionId: connection.id, action: "kill" },
      orderBy: { createdAt: "desc" },
      select: { reason: true },
    });
    // The hook's own reason first; OpenVPN's hooks know none, and then the agent's report of how
    // the tunnel ended (if it came first) counts.
    const reason = input.reason !== "unknown" ? input.reason : ((connection.reportedEndReason as DisconnectReason | null) ?? "unknown");
    // The conditional update makes a replayed or concurrent disconnect a no-op that says so.
    const closed = await tx.connection.updateMany({
      where: { id: connection.id, disconnectedAt: null },
      data: { disconnectedAt: now, endReason: kill ? "killed" : reason, ...final.counters },
    });
    if (closed.count === 0) throw new AppError("conflict", `connection "${input.connection_id}" already ended`);
    await addFinalSample(tx, connection.id, final.deltaIn, final.deltaOut, now);
    const session = connection.session;
    const stillUp = await tx.connection.count({ where: { sessionId: session.id, disconnectedAt: null } });
    const data: Parameters<Tx["session"]["update"]>[0]["data"] = { lastSeenAt: now };
    let state = session.state;
    if (stillUp === 0 && session.state === "active") {
      if (reason === "graceful" && !kill) {
        state = "ended";
        Object.assign(data, ENDED_BY_CLIENT(now));
      } else {
        const policy = await effectivePolicyFor(tx, session.user);
        state = "dormant";
        Object.assign(data, {
          state,
          stateReason: kill ? `tunnel cut by the console: ${kill.reason}` : `tunnel ${reason === "unknown" ? "ended" : reason}`,
          dormantSince: now,
          idleExpiresAt: policy.autoLogin ? null : new Date(now.getTime() + policy.idleTokenExpiry * 1000),
        });
      }
    }
    await tx.session.update({ where: { id: session.id }, data });
    return { sessionId: session.id, sessionState: state };
  });
  forgetConnection(db, server.id, input.connection_id);
  return result;
}

export interface DisconnectReasonResult {
  sessionId: string;
  sessionState: string;
  /** What the report changed, for the agent's log. */
  outcome: string;
}

/**
 * POST /api/hooks/v1/disconnect-reason: how a tunnel ended, as the agent saw it on the daemon
 * (OpenVPN tells its management interface, not its client-disconnect script). Whichever of this
 * report and the hook's disconnect comes first, the result is the same: before it, the reason
 * waits on the open connection for the disconnect; after it, it completes a disconnect that knew
 * no reason, and a graceful exit ends the session if nothing else happened to it since.
 */
export async function reportDisconnectReason(
  db: Db,
  server: ServerView,
  input: DisconnectReasonHookInput,
  now = new Date(),
): Promise<DisconnectReasonResult> {
  return db.$transaction(async (tx) => {
    const open = await tx.connection.findFirst({
      where: { serverId: server.id, externalId: input.connection_id, disconnectedAt: null },
      select: { id: true, session: { select: { id: true, state: true } } },
    });
    if (open) {
      await tx.connection.update({ where: { id: open.id }, data: { reportedEndReason: input.reason } });
      return { sessionId: open.session.id, sessionState: open.session.state, outcome: "recorded for the tunnel's disconnect" };
    }
    const ended = await tx.connection.findFirst({
      where: { serverId: server.id, externalId: input.connection_id },
      orderBy: { disconnectedAt: "desc" },
      select: { id: true, endReason: true, disconnectedAt: true, session: { select: { id: true, state: true } } },
    });
    if (!ended) throw new AppError("not_found", `unknown connection "${input.connection_id}" on server ${server.name}`);
    const unchanged = { sessionId: ended.session.id, sessionState: ended.session.state };
    // The console's kill, the hook's own reason or an earlier report stand.
    if (ended.endReason !== "unknown") return { ...unchanged, outcome: `unchanged: the tunnel already ended as ${ended.endReason ?? "ended"}` };
    await tx.connection.update({ where: { id: ended.id }, data: { endReason: input.reason, reportedEndReason: input.reason } });
    if (input.reason !== "graceful") return { ...unchanged, outcome: `tunnel end recorded as ${input.reason}` };
    // Dormant since exactly this tunnel's end: no tunnel, expiry or admin action came in between.
    const endedNow = await tx.session.updateMany({
      where: { id: ended.session.id, state: "dormant", dormantSince: ended.disconnectedAt },
      data: ENDED_BY_CLIENT(now),
    });
    return endedNow.count === 1
      ? { sessionId: ended.session.id, sessionState: "ended", outcome: "session ended: the client disconnected" }
      : { ...unchanged, outcome: `tunnel end recorded as graceful; the session stays ${ended.session.state}` };
  });
}
