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

/** A tunnel's rate between its two latest readings is its current rate while the later is this recent. */
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
  /** Bytes per second between the tunnel's two latest readings; 0 when the later is older than RATE_WINDOW_SECONDS. */
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
function matching(query: CurrentUsersQuery, rateSince: Date): Prisma.Sql {
  const filters = [Prisma.sql`c."disconnectedAt" IS NULL`];
  if (query.server) filters.push(Prisma.sql`v."name" = ${query.server}`);
  if (query.group) filters.push(Prisma.sql`g."name" = ${query.group}`);
  if (query.q) {
    const columns = ['u."username"', 'g."name"', 'v."name"', 'c."clientIp"', 'c."vpnIp"'];
    filters.push(Prisma.sql`(${Prisma.join(columns.map((column) => contains(column, query.q as string)), " OR ")})`);
  }
  const byUser = Boolean(query.q || query.group);
  const byServer = Boolean(query.q || query.server);
  // A rate stands while its reading is recent; a tunnel nobody reported for a while moves nothing known.
  const rate = (column: string) => Prisma.sql`CASE WHEN c."countersAt" >= ${rateSince} THEN c.${Prisma.raw(column)} ELSE 0 END`;
  return Prisma.sql`
    SELECT c."id", c."serverId", s."userId", c."connectedAt", c."bytesIn", c."bytesOut",
      ${rate('"rateIn"')} AS "rateIn", ${rate('"rateOut"')} AS "rateOut"
    FROM "Connection" c
      JOIN "Session" s ON s."id" = c."sessionId"
      ${byUser ? Prisma.sql`JOIN "VpnUser" u ON u."id" = s."userId" LEFT JOIN "Group" g ON g."id" = u."groupId"` : Prisma.empty}
      ${byServer ? Prisma.sql`JOIN "VpnServer" v ON v."id" = c."serverId"` : Prisma.empty}
    WHERE ${Prisma.join(filters, " AND ")}`;
}

/**
 * The inactivity window W and threshold B of each matched tunnel's user, for sorting by the
 * window's traffic: the nearest scope that sets each (user, group, DEFAULT, built-in), as
 * resolvePolicy takes them for the rows shown. Each tunnel's user and scopes are looked up by key.
 */
function inactivitySettings(): Prisma.Sql {
  const nearest = (column: string, builtin: number) =>
    Prisma.sql`COALESCE(up.${Prisma.raw(column)}, gp.${Prisma.raw(column)}, dp.${Prisma.raw(column)}, ${builtin})`;
  return Prisma.sql`
    SELECT m."id", ${nearest('"inactivityWindow"', BUILTIN_POLICY.inactivityWindow)} AS "window",
      ${nearest('"inactivityBytes"', BUILTIN_POLICY.inactivityBytes)} AS threshold
    FROM m JOIN "VpnUser" u ON u."id" = m."userId"
      LEFT JOIN "Policy" up ON up."scopeKey" = ${userScopeKey("")} || u."id"
      LEFT JOIN "Policy" gp ON gp."scopeKey" = ${groupScopeKey("")} || u."groupId"
      LEFT JOIN "Policy" dp ON dp."scopeKey" = ${DEFAULT_SCOPE_KEY}`;
}

/** Bucket lookups above which the window order sums one stretch of every tunnel's samples instead. */
const WINDOW_LOOKUPS = 20_000;

/** The window lengths in use, by any scope or the built-in policy, that can judge a tunnel. */
async function windowLengths(db: Db): Promise<number[]> {
  const set = await db.policy.findMany({ where: { inactivityWindow: { gt: 0 } }, select: { inactivityWindow: true } });
  return [...new Set([BUILTIN_POLICY.inactivityWindow, ...set.map((row) => row.inactivityWindow ?? 0)])].filter((seconds) => seconds > 0);
}

/**
 * The ids of one page of matched tunnels ordered by how much of its threshold each moved in its
 * current window; tunnels without a threshold last, ties by id. Ranked here from two reads that
 * need no join the database could plan badly: each tunnel's window and threshold, and the
 * traffic per tunnel over each window length in use (one stretch of the samples' key).
 */
async function pageByWindow(db: Db, query: CurrentUsersQuery, m: Prisma.Sql, now: Date, resolution: number): Promise<string[]> {
  const [lengths, tunnels] = await Promise.all([
    windowLengths(db),
    db.$queryRaw<Array<{ id: string; window: unknown; threshold: unknown }>>(Prisma.sql`
      WITH m AS MATERIALIZED (${m})
      ${inactivitySettings()}`),
  ]);
  const moved = await windowTraffic(db, tunnels.map((tunnel) => tunnel.id), lengths, now, resolution);
  const ranked = tunnels.map((tunnel) => {
    const window = n(tunnel.window);
    const threshold = n(tunnel.threshold);
    const judged = window > 0 && threshold > 0;
    const bytes = judged ? (moved.get(tunnel.id)?.[lengths.indexOf(window)] ?? 0) : 0;
    return { id: tunnel.id, judged, share: judged ? bytes / threshold : 0 };
  });
  const direction = query.order === "asc" ? 1 : -1;
  ranked.sort((a, b) => {
    if (a.judged !== b.judged) return a.judged ? -1 : 1;
    if (a.share !== b.share) return (a.share - b.share) * direction;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  const first = (query.page - 1) * query.pageSize;
  return ranked.slice(first, first + query.pageSize).map((tunnel) => tunnel.id);
}

/**
 * Bytes (in + out) each of the tunnels moved over each window length, ending now. A few tunnels
 * (a search) by their named buckets; many by one stretch of the samples, summed per tunnel there.
 */
async function windowTraffic(db: Db, ids: string[], lengths: number[], now: Date, resolution: number): Promise<Map<string, number[]>> {
  if (lengths.length === 0 || ids.length === 0) return new Map();
  const longest = Math.max(...lengths);
  const since = (seconds: number) => now.getTime() - seconds * 1000;
  if ((ids.length * longest) / resolution <= WINDOW_LOOKUPS) {
    const perLength = await Promise.all(lengths.map((seconds) => sampleTotals(db, ids, new Date(since(seconds)), now, now)));
    return new Map(ids.map((id) => [id, perLength.map((totals) => n(totals.get(id)?.bytesIn) + n(totals.get(id)?.bytesOut))]));
  }
  const sums = lengths.map(
    (seconds, i) => Prisma.sql`SUM(CASE WHEN ts."at" >= ${new Date(since(seconds))} THEN ts."bytesIn" + ts."bytesOut" ELSE 0 END) AS ${Prisma.raw(`"w${i}"`)}`,
  );
  const rows = await db.$queryRaw<Array<Record<string, unknown> & { id: string }>>(Prisma.sql`
    SELECT ts."connectionId" AS id, ${Prisma.join(sums)}
    FROM "TrafficSample" ts
    WHERE ts."resolution" = ${resolution} AND ts."at" >= ${new Date(since(longest))}
    GROUP BY ts."connectionId"`);
  return new Map(rows.map((row) => [row.id, lengths.map((_, i) => n(row[`w${i}`]))]));
}

type ColumnSort = Exclude<CurrentUsersQuery["sort"], "window">;

function pageOrder(sort: ColumnSort, order: CurrentUsersQuery["order"]): { joins: Prisma.Sql; order: Prisma.Sql } {
  const dir = Prisma.raw(order === "asc" ? "ASC" : "DESC");
  const none = { joins: Prisma.empty };
  switch (sort) {
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
    case "rate":
      return { ...none, order: Prisma.sql`m."rateIn" + m."rateOut" ${dir}` };
  }
}

/** What a row of the page shows of its tunnel, its user and its server. */
interface PageRow {
  id: string;
  sessionId: string;
  userId: string;
  username: string;
  groupId: string | null;
  groupName: string | null;
  server: string;
  clientIp: string;
  vpnIp: string | null;
  connectedAt: Date | string;
  bytesIn: unknown;
  bytesOut: unknown;
  rateIn: unknown;
  rateOut: unknown;
  countersAt: Date | string | null;
}

/** The rows of a page in one statement (the client's relation loading took one per table). */
async function pageRows(db: Db, ids: string[]): Promise<PageRow[]> {
  if (ids.length === 0) return [];
  return db.$queryRaw<PageRow[]>(Prisma.sql`
    SELECT c."id", c."sessionId", s."userId", u."username", u."groupId", g."name" AS "groupName", v."name" AS server,
      c."clientIp", c."vpnIp", c."connectedAt", c."bytesIn", c."bytesOut", c."rateIn", c."rateOut", c."countersAt"
    FROM "Connection" c
      JOIN "Session" s ON s."id" = c."sessionId"
      JOIN "VpnUser" u ON u."id" = s."userId"
      LEFT JOIN "Group" g ON g."id" = u."groupId"
      JOIN "VpnServer" v ON v."id" = c."serverId"
    WHERE c."id" IN (${Prisma.join(ids)})`);
}

/** A row of the statement that sums the matched tunnels and, for a column's order, names a page. */
interface SummaryRow {
  kind: "server" | "all" | "page";
  server: string | null;
  connections: unknown;
  users: unknown;
  bytes_in: unknown;
  bytes_out: unknown;
  rate_in: unknown;
  rate_out: unknown;
  id: string | null;
  ord: unknown;
}

/**
 * Totals and the per-server breakdown as sums in the database (loading the matched tunnels on
 * every 2 s refresh is what made this slow); the row of kind "all" counts distinct users over all
 * servers. `page` adds the page's ids in order, so the tunnels are matched once for both.
 */
function summary(m: Prisma.Sql, page: Prisma.Sql = Prisma.empty): Prisma.Sql {
  return Prisma.sql`
    WITH m AS MATERIALIZED (${m})
    SELECT 'server' AS kind, v."name" AS server, x.connections, x.users, x.bytes_in, x.bytes_out, x.rate_in, x.rate_out, NULL AS id, 0 AS ord
    FROM (
      SELECT m."serverId", COUNT(*) AS connections, COUNT(DISTINCT m."userId") AS users,
        SUM(m."bytesIn") AS bytes_in, SUM(m."bytesOut") AS bytes_out, SUM(m."rateIn") AS rate_in, SUM(m."rateOut") AS rate_out
      FROM m GROUP BY m."serverId") x
    JOIN "VpnServer" v ON v."id" = x."serverId"
    UNION ALL
    SELECT 'all', NULL, 0, COUNT(DISTINCT m."userId"), 0, 0, 0, 0, NULL, 0 FROM m
    ${page}`;
}

/** The page of matched tunnels in a column's order (ties by id), as rows of the summary. */
function pageInOrder(query: CurrentUsersQuery, sort: ColumnSort): Prisma.Sql {
  const { joins, order } = pageOrder(sort, query.order);
  const first = (query.page - 1) * query.pageSize;
  return Prisma.sql`
    UNION ALL
    SELECT 'page', NULL, 0, 0, 0, 0, 0, 0, r."id", r.ord
    FROM (SELECT m."id", ROW_NUMBER() OVER (ORDER BY ${order}, m."id" ASC) AS ord FROM m ${joins}) r
    WHERE r.ord > ${first} AND r.ord <= ${first + query.pageSize}`;
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
  const m = matching(query, rateSince);

  let sums: SummaryRow[];
  let pageIds: string[];
  if (query.sort === "window") {
    [sums, pageIds] = await Promise.all([db.$queryRaw<SummaryRow[]>(summary(m)), pageByWindow(db, query, m, now, resolution)]);
  } else {
    sums = await db.$queryRaw<SummaryRow[]>(summary(m, pageInOrder(query, query.sort)));
    pageIds = sums
      .filter((row) => row.kind === "page")
      .sort((a, b) => n(a.ord) - n(b.ord))
      .map((row) => row.id as string);
  }
  const byId = new Map((await pageRows(db, pageIds)).map((row) => [row.id, row]));
  const page = pageIds.flatMap((id) => byId.get(id) ?? []);

  const servers = sums
    .filter((row) => row.kind === "server")
    .map(
      (row): ServerBreakdown => ({
        server: row.server as string,
        users: n(row.users),
        connections: n(row.connections),
        bytesIn: n(row.bytes_in),
        bytesOut: n(row.bytes_out),
        rateIn: n(row.rate_in),
        rateOut: n(row.rate_out),
      }),
    );
  const recent = (row: PageRow) => row.countersAt !== null && new Date(row.countersAt) >= rateSince;
  const sum = (key: "connections" | "bytesIn" | "bytesOut" | "rateIn" | "rateOut") => servers.reduce((total, s) => total + s[key], 0);
  const totals = {
    users: n(sums.find((row) => row.kind === "all")?.users),
    connections: sum("connections"),
    bytesIn: sum("bytesIn"),
    bytesOut: sum("bytesOut"),
    rateIn: sum("rateIn"),
    rateOut: sum("rateOut"),
  };

  const pageUsers = [
    ...new Map(
      page.map((row): [string, PolicySubject] => [
        row.userId,
        { id: row.userId, username: row.username, groupId: row.groupId, group: row.groupName === null ? null : { name: row.groupName } },
      ]),
    ).values(),
  ];
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
    const policy = policies.get(row.userId);
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
        windowComplete: new Date(row.connectedAt).getTime() <= since,
        enforced: policy.enforced,
      };
    }
    return {
      connectionId: row.id,
      sessionId: row.sessionId,
      username: row.username,
      group: row.groupName,
      server: row.server,
      clientIp: row.clientIp,
      vpnIp: row.vpnIp,
      connectedAt: new Date(row.connectedAt).toISOString(),
      bytesIn: n(row.bytesIn),
      bytesOut: n(row.bytesOut),
      rateIn: recent(row) ? n(row.rateIn) : 0,
      rateOut: recent(row) ? n(row.rateOut) : 0,
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
