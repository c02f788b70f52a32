// The statements of the hook API's hot path (server token lookup, token re-authentication,
// connect), run on the database driver without the Prisma client: a VPN server restart floods
// the console with them, and the client's per-call machinery costs several times the statements
// themselves (docs/performance.md). Portable SQL for SQLite and PostgreSQL: quoted identifiers,
// `?` parameters, no provider-specific functions. HOOK_TABLES lists every column of the tables
// they touch; hook-statements.test.ts fails when the schema no longer matches it, so that a
// schema change is reviewed here too.
import { directDriverOf, directStatement, type Db, type DirectDriver, type DirectStatement, type DirectRow, type DirectValue, type Tx } from "./db";
import type { PolicyKey } from "./policy/fields";
import { LIVE_STATES } from "./sessions/states";

type ColumnKind = "text" | "integer" | "bigint" | "boolean" | "datetime";

/** Every column of the tables the statements read or write, as the schema declares them. */
export const HOOK_TABLES = {
  VpnServer: {
    id: "text",
    name: "text",
    kind: "text",
    tokenHash: "text",
    tokenCreatedAt: "datetime",
    lastSeenAt: "datetime",
    agentLastSeenAt: "datetime",
    createdAt: "datetime",
  },
  VpnUser: {
    id: "text",
    username: "text",
    passwordHash: "text",
    enabled: "boolean",
    groupId: "text",
    lastLoginAt: "datetime",
    createdAt: "datetime",
    updatedAt: "datetime",
  },
  Group: { id: "text", name: "text", description: "text", createdAt: "datetime", updatedAt: "datetime" },
  Policy: {
    id: "text",
    scopeKey: "text",
    groupId: "text",
    userId: "text",
    sessionLifetime: "integer",
    idleTokenExpiry: "integer",
    ipLock: "boolean",
    inactivityWindow: "integer",
    inactivityBytes: "integer",
    inactivityEnforced: "boolean",
    networkInactivityDormant: "boolean",
    keepaliveInterval: "integer",
    keepaliveTimeout: "integer",
    renegotiationInterval: "integer",
    reconnectTokens: "boolean",
    autoLogin: "boolean",
    maxSessions: "integer",
    maxSessionsAction: "text",
    updatedAt: "datetime",
  },
  Session: {
    id: "text",
    userId: "text",
    serverId: "text",
    state: "text",
    stateReason: "text",
    tokenHash: "text",
    externalSessionId: "text",
    clientIp: "text",
    authenticatedAt: "datetime",
    lastAuthAt: "datetime",
    lastAuthServerId: "text",
    lastAuthEndpoint: "text",
    lastSeenAt: "datetime",
    dormantSince: "datetime",
    idleExpiresAt: "datetime",
    expiresAt: "datetime",
    endedAt: "datetime",
  },
  Connection: {
    id: "text",
    sessionId: "text",
    serverId: "text",
    externalId: "text",
    clientIp: "text",
    vpnIp: "text",
    connectedAt: "datetime",
    disconnectedAt: "datetime",
    endReason: "text",
    reportedEndReason: "text",
    bytesIn: "bigint",
    bytesOut: "bigint",
    counterIn: "bigint",
    counterOut: "bigint",
    countersAt: "datetime",
    rateIn: "bigint",
    rateOut: "bigint",
  },
  /** Written by the traffic statements (lib/traffic/bulk.ts). */
  TrafficSample: { resolution: "integer", at: "datetime", connectionId: "text", bytesIn: "bigint", bytesOut: "bigint" },
} as const satisfies Record<string, Record<string, ColumnKind>>;

type Table = keyof typeof HOOK_TABLES;

/** A stored date: text on SQLite (Prisma's ISO form, or CURRENT_TIMESTAMP's without a zone), Date on PostgreSQL. */
function storedDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(" ", "T")}Z`);
}

/** A row as Prisma would give it: booleans and dates typed the same on both databases. */
function typed(table: Table, row: DirectRow): DirectRow {
  const kinds: Record<string, ColumnKind> = HOOK_TABLES[table];
  for (const [column, value] of Object.entries(row)) {
    const kind = kinds[column];
    if (kind === "boolean" && value !== null) row[column] = value === true || value === 1;
    else if (kind === "datetime") row[column] = storedDate(value);
  }
  return row;
}

function driver(db: Db): DirectDriver {
  const direct = directDriverOf(db);
  if (!direct) throw new Error("the hook statements need the client from createDb, not a transaction");
  return direct;
}

const columns = (table: Table, names: readonly string[]) => names.map((name) => `"${table}"."${name}"`).join(", ");

async function first<T>(db: Db, table: Table, statement: DirectStatement, values: DirectValue[]): Promise<T | null> {
  const row = (await driver(db).rows(statement, values))[0];
  return row ? (typed(table, row) as T) : null;
}

// VpnServer

export interface ServerRow {
  id: string;
  name: string;
  kind: string;
  tokenHash: string | null;
  tokenCreatedAt: Date | null;
  lastSeenAt: Date | null;
  agentLastSeenAt: Date | null;
  createdAt: Date;
}

const SERVER_BY_TOKEN = directStatement(
  `SELECT ${columns("VpnServer", ["id", "name", "kind", "tokenHash", "tokenCreatedAt", "lastSeenAt", "agentLastSeenAt", "createdAt"])}
   FROM "VpnServer" WHERE "tokenHash" = ?`,
);
export const serverByTokenHash = (db: Db, tokenHash: string) => first<ServerRow>(db, "VpnServer", SERVER_BY_TOKEN, [tokenHash]);

const SERVER_SEEN = directStatement(`UPDATE "VpnServer" SET "lastSeenAt" = ? WHERE "id" = ?`);
export const markServerSeen = (db: Db, serverId: string, at: Date) => driver(db).run(SERVER_SEEN, [at, serverId]);

// VpnUser with its group's name

export interface HookUserRow {
  id: string;
  username: string;
  passwordHash: string | null;
  enabled: boolean;
  groupId: string | null;
  groupName: string | null;
}

const USER_BY_NAME = directStatement(
  `SELECT ${columns("VpnUser", ["id", "username", "passwordHash", "enabled", "groupId"])}, "Group"."name" AS "groupName"
   FROM "VpnUser" LEFT JOIN "Group" ON "Group"."id" = "VpnUser"."groupId"
   WHERE "VpnUser"."username" = ?`,
);
export const userByName = (db: Db, username: string) => first<HookUserRow>(db, "VpnUser", USER_BY_NAME, [username]);

// Policy

/** A scope's stored overrides (null columns inherit), for overridesFromRow. */
export type PolicyRow = { scopeKey: string } & Partial<Record<PolicyKey, unknown>>;

const POLICY_COLUMNS = Object.keys(HOOK_TABLES.Policy).filter((column) => !["id", "groupId", "userId", "updatedAt"].includes(column));
const POLICIES_BY_SCOPE = directStatement(`SELECT ${columns("Policy", POLICY_COLUMNS)} FROM "Policy" WHERE "scopeKey" IN (?, ?, ?)`);

/** The policy rows of up to three scopes (pass a key twice for fewer). */
export async function policiesByScope(db: Db, scopeKeys: readonly [string, string, string]): Promise<PolicyRow[]> {
  const rows = await driver(db).rows(POLICIES_BY_SCOPE, [...scopeKeys]);
  return rows.map((row) => typed("Policy", row) as PolicyRow);
}

/** Whether the policies of `db` can be read with POLICIES_BY_SCOPE (not inside a transaction). */
export const canReadDirectly = (db: Db | Tx): db is Db => directDriverOf(db) !== null;

// Session

/** The session columns the decisions read. */
export interface SessionRow {
  id: string;
  userId: string;
  state: string;
  stateReason: string | null;
  tokenHash: string | null;
  clientIp: string;
  authenticatedAt: Date;
  lastAuthAt: Date | null;
  lastSeenAt: Date;
  dormantSince: Date | null;
  expiresAt: Date | null;
  endedAt: Date | null;
}

const SESSION = columns("Session", [
  "id",
  "userId",
  "state",
  "stateReason",
  "tokenHash",
  "clientIp",
  "authenticatedAt",
  "lastAuthAt",
  "lastSeenAt",
  "dormantSince",
  "expiresAt",
  "endedAt",
]);
const LIVE = LIVE_STATES.map(() => "?").join(", ");

const SESSION_BY_ID = directStatement(`SELECT ${SESSION} FROM "Session" WHERE "id" = ?`);
export const sessionById = (db: Db, id: string) => first<SessionRow>(db, "Session", SESSION_BY_ID, [id]);

const SESSION_BY_TOKEN = directStatement(`SELECT ${SESSION} FROM "Session" WHERE "tokenHash" = ?`);
export const sessionByTokenHash = (db: Db, tokenHash: string) => first<SessionRow>(db, "Session", SESSION_BY_TOKEN, [tokenHash]);

const SESSION_OF_DAEMON = directStatement(
  `SELECT ${SESSION} FROM "Session" WHERE "userId" = ? AND "serverId" = ? AND "externalSessionId" = ?
   ORDER BY "authenticatedAt" DESC LIMIT 1`,
);
/** The newest session of the user on the server with the daemon's own session id. */
export const sessionOfDaemon = (db: Db, userId: string, serverId: string, externalSessionId: string) =>
  first<SessionRow>(db, "Session", SESSION_OF_DAEMON, [userId, serverId, externalSessionId]);

const SESSION_AUTHENTICATED_SINCE = directStatement(
  `SELECT ${SESSION} FROM "Session"
   WHERE "userId" = ? AND "lastAuthServerId" = ? AND "lastAuthEndpoint" = ? AND "lastAuthAt" >= ?
   ORDER BY "lastAuthAt" DESC LIMIT 1`,
);
/** The user's session most recently authenticated by the server for this client endpoint since `since`. */
export const sessionAuthenticatedSince = (db: Db, userId: string, serverId: string, endpoint: string, since: Date) =>
  first<SessionRow>(db, "Session", SESSION_AUTHENTICATED_SINCE, [userId, serverId, endpoint, since]);

const LIVE_SESSION_OF_CLIENT = directStatement(
  `SELECT ${SESSION} FROM "Session" WHERE "userId" = ? AND "serverId" = ? AND "clientIp" = ? AND "state" IN (${LIVE})
   ORDER BY "authenticatedAt" DESC LIMIT 1`,
);
/** The user's newest live session on the server from this client IP. */
export const liveSessionOfClient = (db: Db, userId: string, serverId: string, clientIp: string) =>
  first<SessionRow>(db, "Session", LIVE_SESSION_OF_CLIENT, [userId, serverId, clientIp, ...LIVE_STATES]);

const LATEST_SESSION_ON_SERVER = directStatement(
  `SELECT ${SESSION} FROM "Session" WHERE "userId" = ? AND "serverId" = ? ORDER BY "authenticatedAt" DESC LIMIT 1`,
);
const LATEST_SESSION_OF_CLIENT = directStatement(
  `SELECT ${SESSION} FROM "Session" WHERE "userId" = ? AND "serverId" = ? AND "clientIp" = ? ORDER BY "authenticatedAt" DESC LIMIT 1`,
);
/** The user's newest session on the server, in any state; only from `clientIp` when given. */
export const latestSessionOnServer = (db: Db, userId: string, serverId: string, clientIp?: string) =>
  clientIp === undefined
    ? first<SessionRow>(db, "Session", LATEST_SESSION_ON_SERVER, [userId, serverId])
    : first<SessionRow>(db, "Session", LATEST_SESSION_OF_CLIENT, [userId, serverId, clientIp]);

const OTHER_SESSIONS_IN = directStatement(
  `SELECT COUNT(*) AS "count" FROM "Session" WHERE "userId" = ? AND "state" IN (?, ?) AND "id" <> ?`,
);
/** How many of the user's other sessions are pending or active. */
export async function otherLiveSessionCount(db: Db, userId: string, exceptSessionId: string): Promise<number> {
  const [row] = await driver(db).rows(OTHER_SESSIONS_IN, [userId, "pending", "active", exceptSessionId]);
  return Number(row?.count ?? 0);
}

const MARK_AUTHENTICATED = directStatement(
  `UPDATE "Session" SET "lastAuthAt" = ?, "lastAuthServerId" = ?, "lastAuthEndpoint" = ?, "lastSeenAt" = ? WHERE "id" = ?`,
);
/** Records a successful auth: which server and client endpoint, so the connect that follows finds it. */
export const markSessionAuthenticated = (db: Db, sessionId: string, serverId: string, endpoint: string, at: Date) =>
  driver(db).run(MARK_AUTHENTICATED, [at, serverId, endpoint, at, sessionId]);

const EXPIRE_SESSION = directStatement(
  `UPDATE "Session" SET "state" = ?, "stateReason" = ?, "endedAt" = ? WHERE "id" = ? AND "state" IN (${LIVE})`,
);
/** Ends a live session as expired; one that already ended keeps its state. */
export const expireSession = (db: Db, sessionId: string, reason: string, at: Date) =>
  driver(db).run(EXPIRE_SESSION, ["expired", reason, at, sessionId, ...LIVE_STATES]);

// Connection

const SUPERSEDE_CONNECTION = directStatement(
  `UPDATE "Connection" SET "disconnectedAt" = ?, "endReason" = ?
   WHERE "serverId" = ? AND "externalId" = ? AND "disconnectedAt" IS NULL`,
);
const INSERT_CONNECTION = directStatement(
  `INSERT INTO "Connection" ("id", "sessionId", "serverId", "externalId", "clientIp", "vpnIp", "connectedAt")
   VALUES (?, ?, ?, ?, ?, ?, ?)`,
);
const ACTIVATE_SESSION = directStatement(
  `UPDATE "Session"
   SET "state" = ?, "stateReason" = NULL, "dormantSince" = NULL, "idleExpiresAt" = NULL, "lastSeenAt" = ?, "tokenHash" = ?
   WHERE "id" = ? AND "state" IN (${LIVE})`,
);
/** Takes the user's row lock (lib/sessions/user-lock.ts): concurrent resumes of one user take turns. */
const LOCK_SESSION_USER = directStatement(
  `UPDATE "VpnUser" SET "id" = "id" WHERE "id" = (SELECT "userId" FROM "Session" WHERE "id" = ?)`,
);
/** Activates a dormant session only while the user's other pending and active sessions leave room. */
const RESUME_SESSION = directStatement(
  `UPDATE "Session"
   SET "state" = ?, "stateReason" = NULL, "dormantSince" = NULL, "idleExpiresAt" = NULL, "lastSeenAt" = ?, "tokenHash" = ?
   WHERE "id" = ? AND "state" IN (${LIVE})
     AND (SELECT COUNT(*) FROM "Session" AS "other"
          WHERE "other"."userId" = "Session"."userId" AND "other"."id" <> "Session"."id" AND "other"."state" IN (?, ?)) < ?`,
);

export interface NewConnection {
  id: string;
  sessionId: string;
  serverId: string;
  externalId: string | null;
  clientIp: string;
  vpnIp: string | null;
  at: Date;
  /** The session's token hash from now on. */
  tokenHash: string | null;
  /**
   * Set when a dormant session comes back under a limit of concurrent sessions: it becomes active
   * only if the user's other pending and active sessions are fewer. Checked under the user's row
   * lock, so two resumes at once cannot both take the last place.
   */
  resumeLimit?: number;
}

/**
 * In one transaction: ends a tunnel the daemon never reported as ended under the same id, inserts
 * the connection, and makes its session active. Returns whether the session was still live (when
 * it was not, the connection is in the database and must be ended by the caller).
 */
export async function openConnection(db: Db, connection: NewConnection): Promise<boolean> {
  const { id, sessionId, serverId, externalId, clientIp, vpnIp, at, tokenHash, resumeLimit } = connection;
  const activate =
    resumeLimit === undefined
      ? ([ACTIVATE_SESSION, ["active", at, tokenHash, sessionId, ...LIVE_STATES]] as const)
      : ([RESUME_SESSION, ["active", at, tokenHash, sessionId, ...LIVE_STATES, "pending", "active", resumeLimit]] as const);
  const outcomes = await driver(db).runAll([
    ...(resumeLimit === undefined ? [] : ([[LOCK_SESSION_USER, [sessionId]]] as const)),
    ...(externalId === null
      ? []
      : ([[SUPERSEDE_CONNECTION, [at, "superseded by a new tunnel with the same id", serverId, externalId]]] as const)),
    [INSERT_CONNECTION, [id, sessionId, serverId, externalId, clientIp, vpnIp, at]],
    activate,
  ]);
  return outcomes.at(-1)?.changes !== 0;
}

const END_CONNECTION = directStatement(`UPDATE "Connection" SET "disconnectedAt" = ?, "endReason" = ? WHERE "id" = ?`);
export const endConnection = (db: Db, connectionId: string, reason: string, at: Date) =>
  driver(db).run(END_CONNECTION, [at, reason, connectionId]);
