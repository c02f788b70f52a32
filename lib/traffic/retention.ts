// Traffic sample retention: fine-grained samples for recent traffic, coarser ones further back,
// nothing past the last tier, so the database stays bounded however long the console runs.
// TRAFFIC_RETENTION lists the tiers as resolution:keep pairs, finest first.
import type { Db } from "../db";
import type { Logger } from "../log";
import { parseDuration } from "../policy/duration";
import { startBackgroundJob } from "../periodic";
import { addSamples } from "./bulk";
import { bucketStart, type SampleBytes } from "./samples";

export interface SampleTier {
  /** Seconds each sample of this tier covers. */
  resolution: number;
  /** Samples of this tier older than this many seconds move to the next tier (or are deleted). */
  keep: number;
}

export const DEFAULT_TRAFFIC_RETENTION = "10s:1d, 5min:7d, 1h:90d";

/** Parses "10s:1d, 5min:7d, 1h:90d"; each tier coarser and kept longer than the one before. */
export function parseRetention(spec: string): SampleTier[] {
  const tiers: SampleTier[] = [];
  for (const part of spec.split(",")) {
    const [resolutionText, keepText, ...rest] = part.split(":");
    if (resolutionText === undefined || keepText === undefined || rest.length > 0) {
      throw new Error(`"${part.trim()}" must be resolution:keep, e.g. 10s:1d`);
    }
    const resolution = parseDuration(resolutionText);
    const keep = parseDuration(keepText);
    if (!resolution.ok) throw new Error(`resolution "${resolutionText.trim()}": ${resolution.error}`);
    if (!keep.ok) throw new Error(`keep "${keepText.trim()}": ${keep.error}`);
    if (resolution.value < 1) throw new Error(`resolution "${resolutionText.trim()}" must be at least 1 s`);
    if (keep.value < resolution.value) throw new Error(`"${part.trim()}" keeps samples for less than one resolution`);
    const previous = tiers.at(-1);
    if (previous && (resolution.value <= previous.resolution || resolution.value % previous.resolution !== 0)) {
      throw new Error(`resolution "${resolutionText.trim()}" must be a multiple of the previous tier's and coarser`);
    }
    if (previous && keep.value <= previous.keep) {
      throw new Error(`"${part.trim()}" must keep samples longer than the previous tier`);
    }
    tiers.push({ resolution: resolution.value, keep: keep.value });
  }
  return tiers;
}

/** The retention tiers from TRAFFIC_RETENTION; a bad setting stops the console at start. */
export function trafficRetention(env: Record<string, string | undefined> = process.env): [SampleTier, ...SampleTier[]] {
  const spec = env.TRAFFIC_RETENTION?.trim() || DEFAULT_TRAFFIC_RETENTION;
  let tiers: SampleTier[];
  try {
    tiers = parseRetention(spec);
  } catch (error) {
    throw new Error(`TRAFFIC_RETENTION: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [first, ...rest] = tiers;
  if (!first) throw new Error("TRAFFIC_RETENTION must list at least one tier");
  return [first, ...rest];
}

export interface CompactResult {
  /** Samples merged into a coarser tier. */
  rolledUp: number;
  /** Samples deleted past the last tier. */
  deleted: number;
}

/** Samples moved per transaction, so one run never holds the database for long. */
const ROLLUP_BATCH = 2000;

/**
 * Moves samples past their tier's keep into the next tier (summed per coarser bucket) and
 * deletes samples past the last tier. Safe on several console instances at once: a batch deletes
 * its samples first and gives up if another instance already took any of them.
 */
export async function compactTrafficSamples(
  db: Db,
  tiers: readonly SampleTier[],
  now = new Date(),
): Promise<CompactResult> {
  const result: CompactResult = { rolledUp: 0, deleted: 0 };
  for (const [index, tier] of tiers.entries()) {
    const cutoff = new Date(now.getTime() - tier.keep * 1000);
    const next = tiers[index + 1];
    if (!next) {
      const deleted = await db.trafficSample.deleteMany({ where: { resolution: tier.resolution, at: { lt: cutoff } } });
      result.deleted += deleted.count;
      continue;
    }
    for (;;) {
      const moved = await rollUpBatch(db, tier.resolution, next.resolution, cutoff);
      result.rolledUp += moved;
      if (moved < ROLLUP_BATCH) break;
    }
  }
  return result;
}

async function rollUpBatch(db: Db, from: number, to: number, cutoff: Date): Promise<number> {
  // The oldest samples of the tier in key order, so that the batch is one range of the key.
  const samples = await db.trafficSample.findMany({
    where: { resolution: from, at: { lt: cutoff } },
    orderBy: [{ at: "asc" }, { connectionId: "asc" }],
    take: ROLLUP_BATCH,
  });
  const last = samples.at(-1);
  if (!last) return 0;
  const merged = new Map<string, SampleBytes>();
  for (const sample of samples) {
    const at = bucketStart(sample.at, to);
    const key = `${sample.connectionId} ${at.getTime()}`;
    const bucket = merged.get(key) ?? { connectionId: sample.connectionId, resolution: to, at, bytesIn: 0n, bytesOut: 0n };
    bucket.bytesIn += sample.bytesIn;
    bucket.bytesOut += sample.bytesOut;
    merged.set(key, bucket);
  }
  const taken = await db.$transaction(
    async (tx) => {
      const deleted = await tx.trafficSample.deleteMany({
        where: { resolution: from, OR: [{ at: { lt: last.at } }, { at: last.at, connectionId: { lte: last.connectionId } }] },
      });
      // Another instance rolled up some of these first: leave the whole batch to it.
      if (deleted.count !== samples.length) throw new RolledUpElsewhere();
      await addSamples(tx, [...merged.values()]);
      return samples.length;
    },
    { timeout: 60_000, maxWait: 10_000 },
  ).catch((error: unknown) => {
    if (error instanceof RolledUpElsewhere) return 0;
    throw error;
  });
  return taken;
}

class RolledUpElsewhere extends Error {}

/** Compacts traffic samples every `intervalMs` (a minute by default) until stopped. */
export function startTrafficCompactor(
  db: Db,
  tiers: readonly SampleTier[] = trafficRetention(),
  intervalMs = 60_000,
  logger?: Logger,
): () => Promise<void> {
  return startBackgroundJob(
    db,
    "traffic-compaction",
    "traffic samples compacted",
    intervalMs,
    async () => {
      const result = await compactTrafficSamples(db, tiers);
      return result.rolledUp + result.deleted > 0 ? { rolled_up: result.rolledUp, deleted: result.deleted } : null;
    },
    logger,
  );
}
