// Reading sessions for the Sessions area and the admin API.
import { z } from "zod";
import { containsText, type Db } from "../db";
import { notFound } from "../errors";
import { pageSchema, pageSizeSchema } from "../validation/common";
import { SESSION_STATES } from "./states";

export const sessionListSchema = z.object({
  state: z.enum(SESSION_STATES, { error: `state must be one of ${SESSION_STATES.join(", ")}` }).optional(),
  user: z.string().trim().max(64).optional(),
  server: z.string().trim().max(64).optional(),
  page: pageSchema,
  pageSize: pageSizeSchema,
});

export type SessionListQuery = z.infer<typeof sessionListSchema>;

export interface SessionView {
  id: string;
  username: string;
  group: string | null;
  server: string | null;
  state: string;
  stateReason: string | null;
  clientIp: string;
  authenticatedAt: string;
  lastSeenAt: string;
  dormantSince: string | null;
  idleExpiresAt: string | null;
  expiresAt: string | null;
  endedAt: string | null;
  openConnections: number;
  bytesIn: number;
  bytesOut: number;
  hasToken: boolean;
}

const include = {
  user: { select: { username: true, group: { select: { name: true } } } },
  server: { select: { name: true } },
  _count: { select: { connections: { where: { disconnectedAt: null } } } },
} as const;

type Row = NonNullable<Awaited<ReturnType<typeof findOne>>>;

const findOne = (db: Db, id: string) => db.session.findUnique({ where: { id }, include });

type Bytes = { bytesIn: number; bytesOut: number };

/** What each session's connections moved: a session's bytes are theirs. */
async function sessionBytes(db: Db, sessionIds: string[]): Promise<Map<string, Bytes>> {
  if (sessionIds.length === 0) return new Map();
  const sums = await db.connection.groupBy({
    by: ["sessionId"],
    where: { sessionId: { in: sessionIds } },
    _sum: { bytesIn: true, bytesOut: true },
  });
  return new Map(sums.map((sum) => [sum.sessionId, { bytesIn: Number(sum._sum.bytesIn ?? 0), bytesOut: Number(sum._sum.bytesOut ?? 0) }]));
}

function toView(row: Row, bytes: Bytes = { bytesIn: 0, bytesOut: 0 }): SessionView {
  return {
    id: row.id,
    username: row.user.username,
    group: row.user.group?.name ?? null,
    server: row.server?.name ?? null,
    state: row.state,
    stateReason: row.stateReason,
    clientIp: row.clientIp,
    authenticatedAt: row.authenticatedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    dormantSince: row.dormantSince?.toISOString() ?? null,
    idleExpiresAt: row.idleExpiresAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    openConnections: row._count.connections,
    ...bytes,
    hasToken: row.tokenHash !== null,
  };
}

export async function listSessions(db: Db, query: SessionListQuery) {
  // The counts per state follow the user and server filters, so each state tab says what it holds.
  const filtered = {
    ...(query.user ? { user: { username: containsText(db, query.user) } } : {}),
    ...(query.server ? { server: { name: query.server } } : {}),
  };
  const where = { ...filtered, ...(query.state ? { state: query.state } : {}) };
  const [total, rows, byState] = await Promise.all([
    db.session.count({ where }),
    db.session.findMany({
      where,
      include,
      orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
    db.session.groupBy({ by: ["state"], where: filtered, _count: { _all: true } }),
  ]);
  const counts = Object.fromEntries(SESSION_STATES.map((state) => [state, 0])) as Record<string, number>;
  for (const group of byState) counts[group.state] = group._count._all;
  const bytes = await sessionBytes(db, rows.map((row) => row.id));
  return { total, page: query.page, pageSize: query.pageSize, counts, sessions: rows.map((row) => toView(row, bytes.get(row.id))) };
}

/** One tunnel of a session, as the session's detail page lists it. */
export interface ConnectionView {
  id: string;
  server: string;
  externalId: string | null;
  clientIp: string;
  vpnIp: string | null;
  connectedAt: string;
  disconnectedAt: string | null;
  endReason: string | null;
  bytesIn: number;
  bytesOut: number;
}

export interface SessionDetailView extends SessionView {
  /** The latest SESSION_CONNECTIONS_SHOWN tunnels, newest first. */
  connections: ConnectionView[];
  connectionCount: number;
}

export const SESSION_CONNECTIONS_SHOWN = 100;

export async function getSession(db: Db, id: string): Promise<SessionDetailView> {
  const row = await findOne(db, id);
  if (!row) throw notFound(`session "${id}"`);
  const [connections, connectionCount, bytes] = await Promise.all([
    db.connection.findMany({
      where: { sessionId: id },
      include: { server: { select: { name: true } } },
      orderBy: [{ connectedAt: "desc" }, { id: "asc" }],
      take: SESSION_CONNECTIONS_SHOWN,
    }),
    db.connection.count({ where: { sessionId: id } }),
    sessionBytes(db, [id]),
  ]);
  return {
    ...toView(row, bytes.get(id)),
    connectionCount,
    connections: connections.map((connection) => ({
      id: connection.id,
      server: connection.server.name,
      externalId: connection.externalId,
      clientIp: connection.clientIp,
      vpnIp: connection.vpnIp,
      connectedAt: connection.connectedAt.toISOString(),
      disconnectedAt: connection.disconnectedAt?.toISOString() ?? null,
      endReason: connection.endReason,
      bytesIn: Number(connection.bytesIn),
      bytesOut: Number(connection.bytesOut),
    })),
  };
}
