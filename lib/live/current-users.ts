// Current Users: every tunnel that is up, with its counters, its current rate, and the traffic
// of its current inactivity window against the threshold of its user's policy, so an admin can
// see how close an idle tunnel is to being cut. One server-side page at a time; totals and the
// per-server breakdown cover the whole filtered set.
import { z } from "zod";
import { containsText, type Db } from "../db";
import { resolveUserPolicies, type PolicySubject } from "../policies";
import { trafficRetention } from "../traffic/retention";
import { CURRENT_USERS_SORTS } from "./current-users-sorts";
import { pageSchema, pageSizeSchema } from "../validation/common";

/** The current rate is the traffic of this many recent seconds. */
export const RATE_WINDOW_SECONDS = 30;


export const currentUsersQuerySchema = z.object({
  q: z.string().trim().max(64, "q must be at most 64 characters").optional(),
  server: z.string().trim().max(64).optional(),
  group: z.string().trim().max(64).optional(),
  sort: z.enum(CURRENT_USERS_SORTS, { error: `sort must be one of ${CURRENT_USERS_SORTS.join(", ")}` }).default("connectedAt"),
  order: z.enum(["asc", "desc"], { error: 'order must be "asc" or "desc"' }).default("desc"),
  page: pageSchema,
  pageSize: pageSizeSchema,
});
export type CurrentUsersQuery = z.infer<typeof currentUsersQuerySchema>;

export interface InactivityView {
  /** W: the policy's window in seconds. */
  window: number;
  /** B: a tunnel moving fewer bytes (in + out) than this over W is inactive. */
  threshold: number;
  /** Bytes moved (in + out) over the last W seconds. */
  bytes: number;
  /** Whether the tunnel has been up for a whole window; before that it cannot be judged. */
  windowComplete: boolean;
  /** Whether the console itself cuts the tunnel (through the agent), not only the client. */
  enforced: boolean;
}

export interface CurrentUserRow {
  connectionId: string;
  sessionId: string;
  username: string;
  group: string | null;
  server: string;
  clientIp: string;
  vpnIp: string | null;
  connectedAt: string;
  bytesIn: number;
  bytesOut: number;
  /** Bytes per second over the last RATE_WINDOW_SECONDS, rounded. */
  rateIn: number;
  rateOut: number;
  /** null when the user's policy sets no inactivity threshold. */
  inactivity: InactivityView | null;
}

export interface ServerBreakdown {
  server: string;
  users: number;
  connections: number;
  bytesIn: number;
  bytesOut: number;
  rateIn: number;
  rateOut: number;
}

export interface CurrentUsersView {
  at: string;
  total: number;
  page: number;
  pageSize: number;
  rows: CurrentUserRow[];
  totals: Omit<ServerBreakdown, "server">;
  servers: ServerBreakdown[];
}

function filterFor(db: Db, query: CurrentUsersQuery) {
  const contains = (value: string) => containsText(db, value);
  const q = query.q;
  return {
    disconnectedAt: null,
    ...(query.server ? { server: { name: query.server } } : {}),
    ...(query.group ? { session: { user: { group: { name: query.group } } } } : {}),
    ...(q
      ? {
          OR: [
            { session: { user: { username: contains(q) } } },
            { session: { user: { group: { name: contains(q) } } } },
            { server: { name: contains(q) } },
            { clientIp: contains(q) },
            { vpnIp: contains(q) },
          ],
        }
      : {}),
  };
}

function orderFor(query: CurrentUsersQuery) {
  const order = query.order;
  switch (query.sort) {
    case "user":
      return [{ session: { user: { username: order } } }, { id: "asc" as const }];
    case "server":
      return [{ server: { name: order } }, { id: "asc" as const }];
    case "bytesIn":
      return [{ bytesIn: order }, { id: "asc" as const }];
    case "bytesOut":
      return [{ bytesOut: order }, { id: "asc" as const }];
    case "connectedAt":
      return [{ connectedAt: order }, { id: "asc" as const }];
  }
}

/** The inactivity settings of many users at once: one query for all their scopes. */
export async function inactivityPolicies(db: Db, users: PolicySubject[]) {
  const resolved = await resolveUserPolicies(db, users);
  return new Map(
    [...resolved].map(([userId, policy]) => [
      userId,
      { window: policy.inactivityWindow.value, threshold: policy.inactivityBytes.value, enforced: policy.inactivityEnforced.value },
    ]),
  );
}

const n = (value: bigint | null | undefined) => Number(value ?? 0n);

export async function listCurrentUsers(db: Db, query: CurrentUsersQuery, now = new Date()): Promise<CurrentUsersView> {
  const where = filterFor(db, query);
  const resolution = trafficRetention()[0].resolution;
  const rateSince = new Date(now.getTime() - RATE_WINDOW_SECONDS * 1000);

  // Totals and the per-server breakdown are sums in the database: with thousands of tunnels up,
  // loading the filtered set on every 2 s refresh is what made this slow (npm run bench:traffic).
  const usersWith = (connections: object) => db.vpnUser.count({ where: { sessions: { some: { connections: { some: connections } } } } });
  const [byServer, users, page] = await Promise.all([
    db.connection.groupBy({ by: ["serverId"], where, _count: { _all: true }, _sum: { bytesIn: true, bytesOut: true } }),
    usersWith(where),
    db.connection.findMany({
      where,
      orderBy: orderFor(query),
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      include: {
        server: { select: { name: true } },
        session: { select: { id: true, user: { select: { id: true, username: true, groupId: true, group: { select: { name: true } } } } } },
      },
    }),
  ]);
  const perSecond = (bytes: bigint | null) => Math.round(n(bytes) / RATE_WINDOW_SECONDS);
  const recentWhere = (connections: object) => ({ resolution, at: { gte: rateSince }, connection: connections });

  const [pageRecent, servers] = await Promise.all([
    db.trafficSample.groupBy({
      by: ["connectionId"],
      where: { ...recentWhere(where), connectionId: { in: page.map((row) => row.id) } },
      _sum: { bytesIn: true, bytesOut: true },
    }),
    Promise.all(
      byServer.map(async (row): Promise<ServerBreakdown> => {
        const scoped = { ...where, serverId: row.serverId };
        const [server, serverUsers, recent] = await Promise.all([
          db.vpnServer.findUniqueOrThrow({ where: { id: row.serverId }, select: { name: true } }),
          usersWith(scoped),
          db.trafficSample.aggregate({ where: recentWhere(scoped), _sum: { bytesIn: true, bytesOut: true } }),
        ]);
        return {
          server: server.name,
          users: serverUsers,
          connections: row._count._all,
          bytesIn: n(row._sum.bytesIn),
          bytesOut: n(row._sum.bytesOut),
          rateIn: perSecond(recent._sum.bytesIn),
          rateOut: perSecond(recent._sum.bytesOut),
        };
      }),
    ),
  ]);
  const recentBytes = new Map(pageRecent.map((row) => [row.connectionId, row._sum]));
  const rate = (id: string) => {
    const sum = recentBytes.get(id);
    return { rateIn: perSecond(sum?.bytesIn ?? null), rateOut: perSecond(sum?.bytesOut ?? null) };
  };
  const sum = (key: "connections" | "bytesIn" | "bytesOut" | "rateIn" | "rateOut") => servers.reduce((total, s) => total + s[key], 0);
  const totals = {
    users,
    connections: sum("connections"),
    bytesIn: sum("bytesIn"),
    bytesOut: sum("bytesOut"),
    rateIn: sum("rateIn"),
    rateOut: sum("rateOut"),
  };

  const pageUsers = [...new Map(page.map((row) => [row.session.user.id, row.session.user])).values()];
  const policies = await inactivityPolicies(db, pageUsers);
  const longestWindow = Math.max(0, ...[...policies.values()].map((p) => (p.threshold > 0 ? p.window : 0)));
  const windowSamples =
    longestWindow > 0
      ? await db.trafficSample.findMany({
          where: { resolution, connectionId: { in: page.map((row) => row.id) }, at: { gte: new Date(now.getTime() - longestWindow * 1000) } },
          select: { connectionId: true, at: true, bytesIn: true, bytesOut: true },
        })
      : [];

  const rows = page.map((row): CurrentUserRow => {
    const policy = policies.get(row.session.user.id);
    let inactivity: InactivityView | null = null;
    if (policy && policy.window > 0 && policy.threshold > 0) {
      const since = now.getTime() - policy.window * 1000;
      const bytes = windowSamples
        .filter((sample) => sample.connectionId === row.id && sample.at.getTime() >= since)
        .reduce((sum, sample) => sum + n(sample.bytesIn) + n(sample.bytesOut), 0);
      inactivity = {
        window: policy.window,
        threshold: policy.threshold,
        bytes,
        windowComplete: row.connectedAt.getTime() <= since,
        enforced: policy.enforced,
      };
    }
    return {
      connectionId: row.id,
      sessionId: row.session.id,
      username: row.session.user.username,
      group: row.session.user.group?.name ?? null,
      server: row.server.name,
      clientIp: row.clientIp,
      vpnIp: row.vpnIp,
      connectedAt: row.connectedAt.toISOString(),
      bytesIn: n(row.bytesIn),
      bytesOut: n(row.bytesOut),
      ...rate(row.id),
      inactivity,
    };
  });

  return {
    at: now.toISOString(),
    total: totals.connections,
    page: query.page,
    pageSize: query.pageSize,
    rows,
    totals,
    servers: servers.sort((a, b) => a.server.localeCompare(b.server)),
  };
}
