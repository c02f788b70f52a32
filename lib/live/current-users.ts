// Current Users: every tunnel that is up, with its counters, its current rate, and the traffic
// of its current inactivity window against the threshold of its user's policy, so an admin can
// see how close an idle tunnel is to being cut. One server-side page at a time; totals and the
// per-server breakdown cover the whole filtered set.
import { z } from "zod";
import type { Db } from "../db";
import { Prisma } from "../generated/sqlite/client";
import { BUILTIN_POLICY } from "../policy/fields";
import { DEFAULT_SCOPE_KEY, groupScopeKey, resolveUserPolicies, userScopeKey, type PolicySubject } from "../policies";
import { samplesOf, sampleTotals } from "../traffic/read";
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

// The SQL here is the same for SQLite and PostgreSQL: the admin API runs in the Next.js bundle,
// whose copy of lib/db does not know which database the shared client talks to (providerOf).

/** A substring match ignoring letter case, with the search's own % and _ taken literally. */
function contains(column: string, text: string): Prisma.Sql {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return Prisma.sql`LOWER(${Prisma.raw(column)}) LIKE ${pattern} ESCAPE '\\'`;
}

/**
 * The tunnels that match the filters and the search, as SQL: their id, server, user and counters.
 * Matched once per statement and everything computed over the result: repeating the search
 * inside each aggregate is what made a search slow with thousands of tunnels up. Joins only the
 * tables the filters read.
 */
function matching(query: CurrentUsersQuery): Prisma.Sql {
  const filters = [Prisma.sql`c."disconnectedAt" IS NULL`];
  if (query.server) filters.push(Prisma.sql`v."name" = ${query.server}`);
  if (query.group) filters.push(Prisma.sql`g."name" = ${query.group}`);
  if (query.q) {
    const columns = ['u."username"', 'g."name"', 'v."name"', 'c."clientIp"', 'c."vpnIp"'];
    filters.push(Prisma.sql`(${Prisma.join(columns.map((column) => contains(column, query.q as string)), " OR ")})`);
  }
  const byUser = Boolean(query.q || query.group);
  const byServer = Boolean(query.q || query.server);
  return Prisma.sql`
    SELECT c."id", c."serverId", s."userId", c."connectedAt", c."bytesIn", c."bytesOut"
    FROM "Connection" c
      JOIN "Session" s ON s."id" = c."sessionId"
      ${byUser ? Prisma.sql`JOIN "VpnUser" u ON u."id" = s."userId" LEFT JOIN "Group" g ON g."id" = u."groupId"` : Prisma.empty}
      ${byServer ? Prisma.sql`JOIN "VpnServer" v ON v."id" = c."serverId"` : Prisma.empty}
    WHERE ${Prisma.join(filters, " AND ")}`;
}

/**
 * The inactivity window W and threshold B of each matched tunnel's user, for sorting by the
 * window's traffic: the nearest scope that sets each (user, group, DEFAULT, built-in), as
 * resolvePolicy takes them for the rows shown.
 */
function inactivitySettings(): Prisma.Sql {
  const nearest = (column: string, builtin: number) =>
    Prisma.sql`COALESCE(up.${Prisma.raw(column)}, gp.${Prisma.raw(column)}, dp.${Prisma.raw(column)}, ${builtin})`;
  return Prisma.sql`
    SELECT u."id" AS "userId",
      ${nearest('"inactivityWindow"', BUILTIN_POLICY.inactivityWindow)} AS "window",
      ${nearest('"inactivityBytes"', BUILTIN_POLICY.inactivityBytes)} AS threshold
    FROM "VpnUser" u
      LEFT JOIN "Policy" up ON up."scopeKey" = ${userScopeKey("")} || u."id"
      LEFT JOIN "Policy" gp ON gp."scopeKey" = ${groupScopeKey("")} || u."groupId"
      LEFT JOIN "Policy" dp ON dp."scopeKey" = ${DEFAULT_SCOPE_KEY}
    WHERE u."id" IN (SELECT "userId" FROM m)`;
}

/**
 * Whether sample `ts` lies in its tunnel's current inactivity window (wp."window" seconds back
 * from `now`), and the earliest time any window reaches back to: one bound time per window length
 * in use (any scope's setting or the built-in one), each compared with the column itself, so
 * neither database needs date arithmetic or a cast.
 */
async function inCurrentWindow(db: Db, now: Date): Promise<{ condition: Prisma.Sql; earliest: Date }> {
  const set = await db.policy.findMany({ where: { inactivityWindow: { not: null } }, distinct: ["inactivityWindow"], select: { inactivityWindow: true } });
  const lengths = [...new Set([BUILTIN_POLICY.inactivityWindow, ...set.map((row) => row.inactivityWindow ?? 0)])];
  const each = lengths.map((seconds) => Prisma.sql`(wp."window" = ${seconds} AND ts."at" >= ${new Date(now.getTime() - seconds * 1000)})`);
  return { condition: Prisma.sql`(${Prisma.join(each, " OR ")})`, earliest: new Date(now.getTime() - Math.max(...lengths) * 1000) };
}

/** The ids of one page of matched tunnels (`m`) in the order asked for; ties by id. */
async function pageOrder(db: Db, query: CurrentUsersQuery, now: Date, resolution: number): Promise<{ joins: Prisma.Sql; order: Prisma.Sql }> {
  const dir = Prisma.raw(query.order === "asc" ? "ASC" : "DESC");
  const none = { joins: Prisma.empty };
  switch (query.sort) {
    case "user":
      return { joins: Prisma.sql`JOIN "VpnUser" u ON u."id" = m."userId"`, order: Prisma.sql`u."username" ${dir}` };
    case "server":
      return { joins: Prisma.sql`JOIN "VpnServer" v ON v."id" = m."serverId"`, order: Prisma.sql`v."name" ${dir}` };
    case "bytesIn":
      return { ...none, order: Prisma.sql`m."bytesIn" ${dir}` };
    case "bytesOut":
      return { ...none, order: Prisma.sql`m."bytesOut" ${dir}` };
    case "connectedAt":
      return { ...none, order: Prisma.sql`m."connectedAt" ${dir}` };
    case "rate": {
      const since = new Date(now.getTime() - RATE_WINDOW_SECONDS * 1000);
      return {
        joins: Prisma.sql`LEFT JOIN (
          SELECT ts."connectionId", SUM(ts."bytesIn" + ts."bytesOut") AS bytes FROM "TrafficSample" ts
          WHERE ts."resolution" = ${resolution} AND ts."at" >= ${since} AND ts."connectionId" IN (SELECT "id" FROM m)
          GROUP BY ts."connectionId") r ON r."connectionId" = m."id"`,
        order: Prisma.sql`COALESCE(r.bytes, 0) ${dir}`,
      };
    }
    case "window": {
      // How much of its threshold each tunnel moved in its current window; tunnels without a
      // threshold come last either way. The samples are read as one stretch of time (the longest
      // window in use) and each counted in its own tunnel's window.
      const window = await inCurrentWindow(db, now);
      return {
        joins: Prisma.sql`JOIN (${inactivitySettings()}) p ON p."userId" = m."userId"
          LEFT JOIN (
            SELECT w."id", SUM(ts."bytesIn" + ts."bytesOut") AS bytes
            FROM "TrafficSample" ts
              JOIN m w ON w."id" = ts."connectionId"
              JOIN (${inactivitySettings()}) wp ON wp."userId" = w."userId"
            WHERE ts."resolution" = ${resolution} AND ts."at" >= ${window.earliest} AND ${window.condition}
            GROUP BY w."id") wb ON wb."id" = m."id"`,
        order: Prisma.sql`CASE WHEN p."window" > 0 AND p.threshold > 0 THEN 0 ELSE 1 END ASC,
          COALESCE(wb.bytes, 0) * 1.0 / NULLIF(p.threshold, 0) ${dir}`,
      };
    }
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

/** Counts and sums as numbers, whichever type the driver gives them (bigint, numeric text, number). */
const n = (value: unknown) => Number(value ?? 0);

export async function listCurrentUsers(db: Db, query: CurrentUsersQuery, now = new Date()): Promise<CurrentUsersView> {
  const resolution = trafficRetention()[0].resolution;
  const rateSince = new Date(now.getTime() - RATE_WINDOW_SECONDS * 1000);
  const perSecond = (bytes: unknown) => Math.round(n(bytes) / RATE_WINDOW_SECONDS);
  const m = matching(query);
  const { joins, order } = await pageOrder(db, query, now, resolution);

  // Totals and the per-server breakdown are sums in the database (loading the matched tunnels on
  // every 2 s refresh is what made this slow); the row without a server counts distinct users
  // over all servers.
  const [summary, pageIds] = await Promise.all([
    db.$queryRaw<Array<{ server: string | null; connections: unknown; users: unknown; bytes_in: unknown; bytes_out: unknown; rate_in: unknown; rate_out: unknown }>>(Prisma.sql`
      WITH m AS MATERIALIZED (${m}),
      r AS (
        SELECT ts."connectionId", SUM(ts."bytesIn") AS rate_in, SUM(ts."bytesOut") AS rate_out FROM "TrafficSample" ts
        WHERE ts."resolution" = ${resolution} AND ts."at" >= ${rateSince} AND ts."connectionId" IN (SELECT "id" FROM m)
        GROUP BY ts."connectionId")
      SELECT v."name" AS server, x.connections, x.users, x.bytes_in, x.bytes_out, x.rate_in, x.rate_out
      FROM (
        SELECT m."serverId", COUNT(*) AS connections, COUNT(DISTINCT m."userId") AS users,
          SUM(m."bytesIn") AS bytes_in, SUM(m."bytesOut") AS bytes_out, SUM(r.rate_in) AS rate_in, SUM(r.rate_out) AS rate_out
        FROM m LEFT JOIN r ON r."connectionId" = m."id" GROUP BY m."serverId") x
      JOIN "VpnServer" v ON v."id" = x."serverId"
      UNION ALL
      SELECT NULL, 0, COUNT(DISTINCT m."userId"), 0, 0, 0, 0 FROM m`),
    db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      WITH m AS MATERIALIZED (${m})
      SELECT m."id" FROM m ${joins}
      ORDER BY ${order}, m."id" ASC
      LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`),
  ]);
  const ids = pageIds.map((row) => row.id);
  const [pageRows, recentBytes] = await Promise.all([
    db.connection.findMany({
      where: { id: { in: ids } },
      include: {
        server: { select: { name: true } },
        session: { select: { id: true, user: { select: { id: true, username: true, groupId: true, group: { select: { name: true } } } } } },
      },
    }),
    sampleTotals(db, ids, rateSince, now, now),
  ]);
  const byId = new Map(pageRows.map((row) => [row.id, row]));
  const page = ids.flatMap((id) => byId.get(id) ?? []);

  const servers = summary
    .filter((row) => row.server !== null)
    .map(
      (row): ServerBreakdown => ({
        server: row.server as string,
        users: n(row.users),
        connections: n(row.connections),
        bytesIn: n(row.bytes_in),
        bytesOut: n(row.bytes_out),
        rateIn: perSecond(row.rate_in),
        rateOut: perSecond(row.rate_out),
      }),
    );
  const rate = (id: string) => {
    const sum = recentBytes.get(id);
    return { rateIn: perSecond(sum?.bytesIn), rateOut: perSecond(sum?.bytesOut) };
  };
  const sum = (key: "connections" | "bytesIn" | "bytesOut" | "rateIn" | "rateOut") => servers.reduce((total, s) => total + s[key], 0);
  const totals = {
    users: n(summary.find((row) => row.server === null)?.users),
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
      ? await samplesOf(
          db,
          page.map((row) => row.id),
          new Date(now.getTime() - longestWindow * 1000),
          now,
          now,
        )
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
