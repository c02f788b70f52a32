// Reading the traffic samples of some connections over a time range. The samples are kept in time
// order (key: resolution, bucket, connection), so a range of time is one stretch of the key for
// every connection at once, and the samples of a few connections are found by naming their
// buckets: each named bucket is one lookup. Whichever visits fewer rows is used, tier by tier
// (each tier holds its own stretch of time, lib/traffic/retention.ts).
import type { Db, Tx } from "../db";
import type { Prisma } from "../generated/sqlite/client";
import { trafficRetention, type SampleTier } from "./retention";

/**
 * Lookups by named bucket above which a read takes the whole stretch of time instead: that visits
 * every connection's samples of the stretch, which costs less than this many lookups unless
 * thousands of tunnels are up.
 */
const MAX_LOOKUPS = 50_000;
/** Connections per statement, well within the bound values of either database. */
const IDS_PER_READ = 1000;
/** How far behind its keep a tier may still hold samples that compaction has not moved yet. */
const COMPACTION_LAG_MS = 3600_000;

export interface SampleRead {
  connectionId: string;
  at: Date;
  bytesIn: bigint;
  bytesOut: bigint;
}

/** The stretch of time each tier can hold samples of, now. */
function tierSpans(tiers: readonly SampleTier[], now: number): { resolution: number; from: number; to: number }[] {
  return tiers.map((tier, index) => {
    const finer = tiers[index - 1];
    return {
      resolution: tier.resolution,
      from: now - tier.keep * 1000 - tier.resolution * 1000 - COMPACTION_LAG_MS,
      // A coarser tier only holds what its finer tier moved on, which was older than its keep.
      to: finer ? now - finer.keep * 1000 : Number.POSITIVE_INFINITY,
    };
  });
}

/**
 * The filters that find the samples of `connectionIds` dated from `from` to `to` (both included),
 * one per tier and group of connections.
 */
export function sampleFilters(
  connectionIds: readonly string[],
  from: Date,
  to: Date,
  tiers: readonly SampleTier[] = trafficRetention(),
  now = new Date(),
): Prisma.TrafficSampleWhereInput[] {
  const filters: Prisma.TrafficSampleWhereInput[] = [];
  for (let start = 0; start < connectionIds.length; start += IDS_PER_READ) {
    const ids = connectionIds.slice(start, start + IDS_PER_READ);
    for (const span of tierSpans(tiers, now.getTime())) {
      const step = span.resolution * 1000;
      const first = Math.ceil(Math.max(from.getTime(), span.from) / step) * step;
      const last = Math.floor(Math.min(to.getTime(), span.to) / step) * step;
      if (last < first) continue;
      const buckets = (last - first) / step + 1;
      filters.push(
        buckets * ids.length <= MAX_LOOKUPS
          ? { resolution: span.resolution, at: { in: Array.from({ length: buckets }, (_, i) => new Date(first + i * step)) }, connectionId: { in: ids } }
          : { resolution: span.resolution, at: { gte: new Date(first), lte: new Date(last) }, connectionId: { in: ids } },
      );
    }
  }
  return filters;
}

/** Every sample of the connections dated from `from` to `to`, whichever tier holds it. */
export async function samplesOf(db: Db | Tx, connectionIds: readonly string[], from: Date, to: Date, now = new Date()): Promise<SampleRead[]> {
  const reads = await Promise.all(
    sampleFilters(connectionIds, from, to, trafficRetention(), now).map((where) =>
      db.trafficSample.findMany({ where, select: { connectionId: true, at: true, bytesIn: true, bytesOut: true } }),
    ),
  );
  return reads.flat();
}

/** Bytes (in, out) per connection over its samples dated from `from` to `to`, summed by the database. */
export async function sampleTotals(
  db: Db | Tx,
  connectionIds: readonly string[],
  from: Date,
  to: Date,
  now = new Date(),
): Promise<Map<string, { bytesIn: bigint; bytesOut: bigint }>> {
  const totals = new Map<string, { bytesIn: bigint; bytesOut: bigint }>();
  const sums = await Promise.all(
    sampleFilters(connectionIds, from, to, trafficRetention(), now).map((where) =>
      db.trafficSample.groupBy({ by: ["connectionId"], where, _sum: { bytesIn: true, bytesOut: true } }),
    ),
  );
  for (const row of sums.flat()) {
    const total = totals.get(row.connectionId) ?? { bytesIn: 0n, bytesOut: 0n };
    total.bytesIn += row._sum.bytesIn ?? 0n;
    total.bytesOut += row._sum.bytesOut ?? 0n;
    totals.set(row.connectionId, total);
  }
  return totals;
}
