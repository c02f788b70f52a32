// Recorded traffic cut into inactivity windows: how many bytes each tunnel moved per window of W
// seconds, and where idle tunnels (keepalives only) end and working ones begin. Used by the
// policy advice (is the threshold above idle traffic and below active traffic?) and by the
// threshold tuning view.
import type { Db, Tx } from "../db";
import type { ObservedTraffic } from "../policy/advice";
import { samplesOf } from "./read";

/** Bytes per whole window of one tunnel, from its samples; windows start when the tunnel came up. */
export function windowTotals(
  connectedAt: number,
  endedAt: number,
  samples: readonly { at: number; bytes: number }[],
  window: number,
): number[] {
  const count = Math.floor((endedAt - connectedAt) / (window * 1000));
  if (count < 1) return [];
  const totals = new Array<number>(count).fill(0);
  for (const sample of samples) {
    // A sample is dated by the start of its bucket, which can lie before the tunnel came up;
    // its bytes moved after that, so they belong to the first window.
    const index = Math.floor((Math.max(sample.at, connectedAt) - connectedAt) / (window * 1000));
    if (index >= 0 && index < count) totals[index] = (totals[index] ?? 0) + sample.bytes;
  }
  return totals;
}

/** Only a jump by at least this factor between neighbouring totals separates idle from working. */
const GAP_RATIO = 8;

/**
 * Splits sorted window totals at the widest jump (by ratio) in their lower 90 %: below it, idle
 * windows (keepalives); above it, working ones. null when there are too few windows or no jump
 * wide enough to tell the two apart.
 */
export function splitIdleActive(sorted: readonly number[]): { idle: number[]; active: number[] } | null {
  if (sorted.length < 10) return null;
  const limit = Math.max(1, Math.floor(sorted.length * 0.9));
  let gapAt = -1;
  let gapRatio = 1;
  for (let i = 0; i + 1 < limit; i++) {
    const ratio = (sorted[i + 1] ?? 0) / Math.max(1, sorted[i] ?? 0);
    if (ratio > gapRatio) {
      gapRatio = ratio;
      gapAt = i;
    }
  }
  if (gapAt < 0 || gapRatio < GAP_RATIO) return null;
  return { idle: sorted.slice(0, gapAt + 1), active: sorted.slice(gapAt + 1) };
}

export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

export interface TunnelWindows {
  username: string;
  totals: number[];
}

/**
 * Window totals of the tunnels of `userIds` (every user when null) up at any time since `since`.
 * `limit` bounds the work: the most recent tunnels are read first.
 */
export async function recordedWindows(
  db: Db | Tx,
  userIds: readonly string[] | null,
  window: number,
  since: Date,
  now: Date,
  limit?: number,
): Promise<TunnelWindows[]> {
  const connections = await db.connection.findMany({
    where: {
      ...(userIds ? { session: { userId: { in: [...userIds] } } } : {}),
      OR: [{ disconnectedAt: null }, { disconnectedAt: { gte: since } }],
    },
    orderBy: { connectedAt: "desc" },
    ...(limit ? { take: limit } : {}),
    select: {
      id: true,
      connectedAt: true,
      disconnectedAt: true,
      session: { select: { user: { select: { username: true } } } },
    },
  });
  const byConnection = new Map<string, { at: number; bytes: number }[]>();
  for (const sample of await samplesOf(db, connections.map((c) => c.id), since, now, now)) {
    const list = byConnection.get(sample.connectionId) ?? [];
    list.push({ at: sample.at.getTime(), bytes: Number(sample.bytesIn) + Number(sample.bytesOut) });
    byConnection.set(sample.connectionId, list);
  }
  return connections.map((connection) => {
    const start = Math.max(connection.connectedAt.getTime(), since.getTime());
    const end = (connection.disconnectedAt ?? now).getTime();
    return { username: connection.session.user.username, totals: windowTotals(start, end, byConnection.get(connection.id) ?? [], window) };
  });
}

/** What the policy advice needs to know of recent traffic; recent enough to be cheap to read. */
const ADVICE_LOOKBACK_SECONDS = 2 * 3600;
const ADVICE_TUNNELS = 200;

export async function observedTraffic(db: Db | Tx, userIds: readonly string[] | null, window: number, now = new Date()): Promise<ObservedTraffic | undefined> {
  if (window <= 0) return undefined;
  const since = new Date(now.getTime() - Math.max(ADVICE_LOOKBACK_SECONDS, window * 4) * 1000);
  const tunnels = await recordedWindows(db, userIds, window, since, now, ADVICE_TUNNELS);
  const split = splitIdleActive(tunnels.flatMap((t) => t.totals).sort((a, b) => a - b));
  if (!split) return undefined;
  return { idleBytesPerWindowP95: percentile(split.idle, 0.95), activeBytesPerWindowP5: percentile(split.active, 0.05) };
}
