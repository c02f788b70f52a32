// Traffic over time for a session, a user or a group, from the recorded samples: in/out rate per
// point, the traffic of the inactivity window ending at each point (to draw against the
// threshold), and the tunnels' connect and disconnect events for the time axis.
import { z } from "zod";
import type { Db } from "../db";
import { notFound } from "../errors";
import { effectivePolicyFor } from "../policies";
import { samplesOf } from "../traffic/read";
import { TRAFFIC_RANGE_KEYS, TRAFFIC_RANGES, type TrafficRange } from "./traffic-ranges";

export const trafficHistoryQuerySchema = z.object({
  range: z.enum(TRAFFIC_RANGE_KEYS, { error: `range must be one of ${TRAFFIC_RANGE_KEYS.join(", ")}` }).default("1h"),
});

/** Points per chart: enough to see shape, few enough to send every 2 s. */
const MAX_POINTS = 180;

export type TrafficScope = { session: string } | { user: string } | { group: string };

export interface TrafficPoint {
  /** Start of the point's interval (ms since the epoch). */
  t: number;
  bytesIn: number;
  bytesOut: number;
  /** Bytes per second over the point's interval. */
  rateIn: number;
  rateOut: number;
  /** Bytes (in + out) over the inactivity window ending at this point; only for a session with a threshold. */
  windowBytes?: number;
}

export interface TrafficEvent {
  t: number;
  kind: "connect" | "disconnect" | "kill";
  connectionId: string;
  detail: string | null;
}

export interface TrafficHistory {
  from: number;
  to: number;
  /** Seconds each point covers. */
  step: number;
  points: TrafficPoint[];
  events: TrafficEvent[];
  /** A session's inactivity threshold, when its policy sets one. */
  inactivity: { window: number; threshold: number } | null;
  /** Sessions that started in the range, per point (users and groups only). */
  sessionsStarted?: number[];
}

async function connectionsOf(db: Db, scope: TrafficScope) {
  const select = { id: true, connectedAt: true, disconnectedAt: true, endReason: true } as const;
  if ("session" in scope) {
    const session = await db.session.findUnique({
      where: { id: scope.session },
      select: { user: { select: { id: true, username: true, groupId: true, group: { select: { name: true } } } }, connections: { select } },
    });
    if (!session) throw notFound(`session "${scope.session}"`);
    return { connections: session.connections, policyUser: session.user, sessionStarts: null };
  }
  const where = "user" in scope ? { user: { username: scope.user } } : { user: { group: { name: scope.group } } };
  if ("user" in scope && !(await db.vpnUser.findUnique({ where: { username: scope.user }, select: { id: true } }))) {
    throw notFound(`VPN user "${scope.user}"`);
  }
  if ("group" in scope && !(await db.group.findUnique({ where: { name: scope.group }, select: { id: true } }))) {
    throw notFound(`group "${scope.group}"`);
  }
  const sessions = await db.session.findMany({ where, select: { authenticatedAt: true, connections: { select } } });
  return {
    connections: sessions.flatMap((s) => s.connections),
    policyUser: null,
    sessionStarts: sessions.map((s) => s.authenticatedAt.getTime()),
  };
}

export async function trafficHistory(db: Db, scope: TrafficScope, range: TrafficRange, now = new Date()): Promise<TrafficHistory> {
  const span = TRAFFIC_RANGES[range];
  const to = now.getTime();
  const from = to - span * 1000;
  const step = Math.max(10, Math.ceil(span / MAX_POINTS / 10) * 10);
  const { connections, policyUser, sessionStarts } = await connectionsOf(db, scope);
  const ids = connections.map((c) => c.id);

  const count = Math.ceil(span / step);
  const points: TrafficPoint[] = Array.from({ length: count }, (_, i) => ({
    t: from + i * step * 1000,
    bytesIn: 0,
    bytesOut: 0,
    rateIn: 0,
    rateOut: 0,
  }));
  const indexOf = (t: number) => Math.min(count - 1, Math.max(0, Math.floor((t - from) / (step * 1000))));

  // Samples of every resolution: older traffic survives only in the coarser tiers.
  const samples = await samplesOf(db, ids, new Date(from), now, now);
  for (const sample of samples) {
    const point = points[indexOf(sample.at.getTime())];
    if (!point) continue;
    point.bytesIn += Number(sample.bytesIn);
    point.bytesOut += Number(sample.bytesOut);
  }
  for (const point of points) {
    point.rateIn = point.bytesIn / step;
    point.rateOut = point.bytesOut / step;
  }

  let inactivity: TrafficHistory["inactivity"] = null;
  if (policyUser) {
    const policy = await effectivePolicyFor(db, policyUser);
    if (policy.inactivityWindow > 0 && policy.inactivityBytes > 0) {
      inactivity = { window: policy.inactivityWindow, threshold: policy.inactivityBytes };
      // Each point's window total: the points whose intervals end within W before its end.
      const span = Math.max(1, Math.round(policy.inactivityWindow / step));
      let running = 0;
      points.forEach((point, i) => {
        running += point.bytesIn + point.bytesOut;
        const leaving = points[i - span];
        if (leaving) running -= leaving.bytesIn + leaving.bytesOut;
        point.windowBytes = running;
      });
    }
  }

  const events: TrafficEvent[] = [];
  for (const connection of connections) {
    if (connection.connectedAt.getTime() >= from) {
      events.push({ t: connection.connectedAt.getTime(), kind: "connect", connectionId: connection.id, detail: null });
    }
    if (connection.disconnectedAt && connection.disconnectedAt.getTime() >= from) {
      events.push({
        t: connection.disconnectedAt.getTime(),
        kind: connection.endReason === "killed" ? "kill" : "disconnect",
        connectionId: connection.id,
        detail: connection.endReason,
      });
    }
  }
  events.sort((a, b) => a.t - b.t);

  const history: TrafficHistory = { from, to, step, points, events, inactivity };
  if (sessionStarts) {
    const started = new Array<number>(count).fill(0);
    for (const t of sessionStarts) if (t >= from && t <= to) started[indexOf(t)] = (started[indexOf(t)] ?? 0) + 1;
    history.sessionsStarted = started;
  }
  return history;
}
