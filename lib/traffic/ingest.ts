// Traffic reports from VPN servers: cumulative byte counters per connection, many per request.
// Each connection keeps the daemon's last counters and when they were read; a report only counts
// the bytes above that base, so a repeated or late report adds nothing, and a counter that went
// backwards (the daemon restarted its counting) becomes the new base instead of a negative delta.
import type { DatabaseProvider } from "../config";
import { providerOf, type Db, type Tx } from "../db";
import { addSampleBytes, addSampleRow, addSessionBytes, readCounters, writeCounters, type StoredCounters } from "./bulk";
import { trafficRetention } from "./retention";
import { bucketStart, type SampleBytes } from "./samples";

export interface CounterReport {
  /** The connection's id on the VPN server, as the connect hook reported it. */
  connectionId: string;
  bytesIn: bigint;
  bytesOut: bigint;
  /** When the daemon read the counters. */
  at: Date;
}

export interface IngestResult {
  /** Reports that moved a connection's counters forward. */
  applied: number;
  /** Reports no newer than what the connection already has (repeats, late arrivals). */
  stale: number;
  /** Connections whose counter went backwards and was taken as a new base. */
  resets: string[];
  /** Connection ids this server never reported through the connect hook. */
  unknown: string[];
  /** Connections that already ended; their final counters came with the disconnect hook. */
  ended: string[];
}

export interface Counters {
  bytesIn: bigint;
  bytesOut: bigint;
  counterIn: bigint;
  counterOut: bigint;
  countersAt: Date | null;
}

interface ConnectionUpdate {
  id: string;
  sessionId: string;
  /** countersAt as stored when read. */
  before: string | null;
  after: Counters;
  /** Bytes per sample bucket (start time in ms). */
  buckets: Map<number, { bytesIn: bigint; bytesOut: bigint }>;
}

/**
 * Moves `counters` (in place) to the daemon's new cumulative values and returns what they add.
 * A restart loses what moved between the daemon's last report and its restart; counting the new
 * value as fresh bytes could count twice if the "restart" was a reordered report.
 */
export function advance(
  counters: Counters,
  bytesIn: bigint,
  bytesOut: bigint,
  at: Date,
): { deltaIn: bigint; deltaOut: bigint; backwards: boolean } {
  const backwards = bytesIn < counters.counterIn || bytesOut < counters.counterOut;
  const deltaIn = backwards ? 0n : bytesIn - counters.counterIn;
  const deltaOut = backwards ? 0n : bytesOut - counters.counterOut;
  counters.bytesIn += deltaIn;
  counters.bytesOut += deltaOut;
  counters.counterIn = bytesIn;
  counters.counterOut = bytesOut;
  counters.countersAt = at;
  return { deltaIn, deltaOut, backwards };
}

/**
 * Applies one connection's reports (oldest first) to its counters. Pure, so the rules can be read
 * and tested without a database.
 */
export function applyReports(
  start: Counters,
  reports: readonly CounterReport[],
  resolutionSeconds: number,
): { counters: Counters; applied: number; stale: number; reset: boolean; buckets: ConnectionUpdate["buckets"] } {
  const counters = { ...start };
  const buckets: ConnectionUpdate["buckets"] = new Map();
  let applied = 0;
  let stale = 0;
  let reset = false;
  for (const report of reports) {
    if (counters.countersAt && report.at <= counters.countersAt) {
      stale += 1;
      continue;
    }
    const { deltaIn, deltaOut, backwards } = advance(counters, report.bytesIn, report.bytesOut, report.at);
    reset ||= backwards;
    applied += 1;
    if (deltaIn > 0n || deltaOut > 0n) {
      const key = bucketStart(report.at, resolutionSeconds).getTime();
      const bucket = buckets.get(key) ?? { bytesIn: 0n, bytesOut: 0n };
      bucket.bytesIn += deltaIn;
      bucket.bytesOut += deltaOut;
      buckets.set(key, bucket);
    }
  }
  return { counters, applied, stale, reset, buckets };
}

export interface IngestOptions {
  now?: Date;
  /** Resolution of new traffic samples in seconds; the finest retention tier by default. */
  sampleSeconds?: number;
}

/**
 * Applies a server's counter reports: connection and session byte totals and traffic samples.
 * Reports dated in the future (a server clock running ahead) are taken as read now, so they
 * cannot hold back the reports that follow.
 */
export async function ingestCounters(
  db: Db,
  serverId: string,
  reports: readonly CounterReport[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  const now = options.now ?? new Date();
  const resolution = options.sampleSeconds ?? trafficRetention()[0].resolution;
  const byConnection = new Map<string, CounterReport[]>();
  for (const report of reports) {
    const dated = report.at > now ? { ...report, at: now } : report;
    const list = byConnection.get(report.connectionId);
    if (list) list.push(dated);
    else byConnection.set(report.connectionId, [dated]);
  }
  const result: IngestResult = { applied: 0, stale: 0, resets: [], unknown: [], ended: [] };
  const updates: ConnectionUpdate[] = [];
  const provider = providerOf(db);

  const live = new Map<string, StoredCounters>();
  const ended = new Set<string>();
  for (const row of await readCounters(db, provider, serverId, [...byConnection.keys()])) {
    if (row.ended) ended.add(row.externalId);
    else live.set(row.externalId, row);
  }
  for (const [externalId, list] of byConnection) {
    const row = live.get(externalId);
    if (!row) {
      (ended.has(externalId) ? result.ended : result.unknown).push(externalId);
      continue;
    }
    if (list.length > 1) list.sort((a, b) => a.at.getTime() - b.at.getTime());
    const outcome = applyReports(row, list, resolution);
    result.stale += outcome.stale;
    if (outcome.applied === 0) continue;
    result.applied += outcome.applied;
    if (outcome.reset) result.resets.push(externalId);
    updates.push({ id: row.id, sessionId: row.sessionId, before: row.countersAtStored, after: outcome.counters, buckets: outcome.buckets });
  }
  // One order for every writer, so concurrent batches on PostgreSQL cannot deadlock.
  updates.sort((a, b) => (a.id < b.id ? -1 : 1));
  if (updates.length > 0) await writeUpdates(db, provider, updates, resolution);
  return result;
}

async function writeUpdates(db: Db, provider: DatabaseProvider, updates: ConnectionUpdate[], resolution: number): Promise<void> {
  await db.$transaction(
    async (tx) => {
      // Conditional on the counters read above: a concurrent report or disconnect for the same
      // connection wins, and this one is dropped whole (its bytes are in the next cumulative).
      const written = await writeCounters(
        tx,
        provider,
        updates.map((update) => ({ id: update.id, before: update.before, ...update.after, countersAt: update.after.countersAt ?? new Date() })),
      );
      const sessions = new Map<string, { id: string; bytesIn: bigint; bytesOut: bigint }>();
      const samples: SampleBytes[] = [];
      for (const update of updates) {
        if (!written.has(update.id)) continue;
        const session = sessions.get(update.sessionId) ?? { id: update.sessionId, bytesIn: 0n, bytesOut: 0n };
        for (const [at, bytes] of update.buckets) {
          session.bytesIn += bytes.bytesIn;
          session.bytesOut += bytes.bytesOut;
          samples.push({ connectionId: update.id, resolution, at: new Date(at), ...bytes });
        }
        sessions.set(update.sessionId, session);
      }
      await addSessionBytes(tx, provider, [...sessions.values()].sort((a, b) => (a.id < b.id ? -1 : 1)));
      await addSampleBytes(tx, provider, samples);
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/** The disconnect hook's final counters: the connection's last totals and what they add. */
export function finalCounters(
  connection: Counters,
  bytesIn: bigint,
  bytesOut: bigint,
  at: Date,
): { counters: Counters; deltaIn: bigint; deltaOut: bigint } {
  const { bytesIn: totalIn, bytesOut: totalOut, counterIn, counterOut, countersAt } = connection;
  const counters = { bytesIn: totalIn, bytesOut: totalOut, counterIn, counterOut, countersAt };
  const { deltaIn, deltaOut } = advance(counters, bytesIn, bytesOut, at);
  return { counters, deltaIn, deltaOut };
}

/** Adds a connection's final bytes to its traffic samples, so samples and totals agree. */
export async function addFinalSample(tx: Tx, connectionId: string, deltaIn: bigint, deltaOut: bigint, at: Date): Promise<void> {
  if (deltaIn === 0n && deltaOut === 0n) return;
  const resolution = trafficRetention()[0].resolution;
  await addSampleRow(tx, { connectionId, resolution, at: bucketStart(at, resolution), bytesIn: deltaIn, bytesOut: deltaOut });
}
