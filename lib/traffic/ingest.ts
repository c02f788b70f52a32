// Traffic reports from VPN servers: cumulative byte counters per connection, many per request.
// Each connection keeps the daemon's last counters and when they were read; a report only counts
// the bytes above that base, so a repeated or late report adds nothing, and a counter that went
// backwards (the daemon restarted its counting) becomes the new base instead of a negative delta.
import type { Db, Tx } from "../db";
import { DatabaseUnavailableError } from "../errors";
import { log } from "../log";
import { observeTrafficWrite, setTrafficPending } from "../metrics";
import { addSamples, readCounters, storedTimestamp, writeCounters, type CounterWrite, type StoredCounters } from "./bulk";
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
  /** Bytes per second between the two latest readings. */
  rateIn: number;
  rateOut: number;
}

/** Bytes per sample bucket (its start in ms). */
type Buckets = Map<number, { bytesIn: bigint; bytesOut: bigint }>;

/**
 * Moves `counters` (in place) to the daemon's new cumulative values and returns what they add.
 * A restart loses what moved between the daemon's last report and its restart; counting the new
 * value as fresh bytes could count twice if the "restart" was a reordered report. The rate is
 * what the reading adds over the time since the one before (none after a restart).
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
  const ms = counters.countersAt ? at.getTime() - counters.countersAt.getTime() : 0;
  counters.rateIn = ms > 0 ? Math.floor((Number(deltaIn) * 1000) / ms) : 0;
  counters.rateOut = ms > 0 ? Math.floor((Number(deltaOut) * 1000) / ms) : 0;
  counters.bytesIn += deltaIn;
  counters.bytesOut += deltaOut;
  counters.counterIn = bytesIn;
  counters.counterOut = bytesOut;
  counters.countersAt = at;
  return { deltaIn, deltaOut, backwards };
}

const CONNECTED_LEEWAY_MS = 1000;

/**
 * Applies one connection's reports (oldest first) to its counters. Pure, so the rules can be read
 * and tested without a database. A reading dated before the tunnel came up is an earlier tunnel's
 * that had the same id on the server (a daemon restarted, a late reading from the agent's buffer):
 * counted here it would bring that tunnel's whole total, so it is stale. A second of leeway takes
 * readings dated in whole seconds; dropping one of this tunnel's own (a server clock behind the
 * console's) loses nothing, as the next reading carries its bytes.
 */
export function applyReports(
  start: Counters,
  reports: readonly CounterReport[],
  resolutionSeconds: number,
  connectedAt?: Date,
): { counters: Counters; applied: number; stale: number; reset: boolean; buckets: Buckets } {
  const counters = { ...start };
  const buckets: Buckets = new Map();
  let applied = 0;
  let stale = 0;
  let reset = false;
  for (const report of reports) {
    if ((counters.countersAt && report.at <= counters.countersAt) || (connectedAt && report.at.getTime() < connectedAt.getTime() - CONNECTED_LEEWAY_MS)) {
      stale += 1;
      continue;
    }
    const { deltaIn, deltaOut, backwards } = advance(counters, report.bytesIn, report.bytesOut, report.at);
    reset ||= backwards;
    applied += 1;
    if (deltaIn > 0n || deltaOut > 0n) {
      const step = resolutionSeconds * 1000;
      const key = Math.floor(report.at.getTime() / step) * step;
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

/** How long applied reports wait in memory before they are written, at most (plus the write). */
export const TRAFFIC_FLUSH_MS = 1000;
/** Reports are written this long after the last one came, when no other follows sooner. */
export const TRAFFIC_QUIET_MS = 25;
/**
 * Connections written per transaction; between two, the event loop serves other requests (a
 * SQLite write holds it for the whole transaction).
 */
const FLUSH_CHUNK = 5000;
/** A connection nobody reported for this long is forgotten (read again on its next report). */
const IDLE_FORGET_MS = 10 * 60_000;

/** What the console knows of one live connection: its counters as stored and as applied. */
interface Tracked {
  id: string;
  serverId: string;
  externalId: string;
  /** countersAt as the database holds it, for the conditional write. */
  storedAt: string | null;
  connectedAt: Date;
  /** The counters with every applied report, stored or not. */
  current: Counters;
  /** Bytes per sample bucket (its start in ms) applied since the last write. */
  pending: Map<number, SampleBytes>;
  touched: number;
}

/**
 * Traffic reports are applied to counters in memory at once and answered, and written to the
 * database in one transaction per few thousand connections when reports pause for
 * TRAFFIC_QUIET_MS, and at least every TRAFFIC_FLUSH_MS while they keep coming: a tunnel reported
 * many times in that time costs one write, and the hook's answer does not wait for the disk. The
 * counters are cumulative, so a crash loses no byte of the totals: the next report brings what
 * was not written yet (its samples land in that report's bucket). Writes are
 * conditional on the counters as stored, so several console instances (or a disconnect) meeting
 * on one connection never count a byte twice: the first write wins, the others read the
 * connection again and apply their latest reading to what it holds.
 */
class TrafficBuffer {
  readonly #db: Db;
  /** The connections known here, by server and the server's id for them. */
  readonly #servers = new Map<string, Map<string, Tracked>>();
  /** The tracked connections with applied reports not written yet. */
  #dirty = new Set<Tracked>();
  #forgotIdleAt = Date.now();
  /** The write after a pause in the reports, and the one due at the latest. */
  #quiet: NodeJS.Timeout | null = null;
  #due: NodeJS.Timeout | null = null;
  #writing: Promise<void> | null = null;
  /** Why the last write failed while the database was unavailable; reports are refused meanwhile. */
  #unavailable: DatabaseUnavailableError | null = null;

  constructor(db: Db) {
    this.#db = db;
  }

  async ingest(serverId: string, reports: readonly CounterReport[], options: IngestOptions): Promise<IngestResult> {
    // Failing closed, as every hook does: the agent keeps its readings and sends them again.
    if (this.#unavailable) throw this.#unavailable;
    return this.#apply(serverId, reports, options);
  }

  async #apply(serverId: string, reports: readonly CounterReport[], options: IngestOptions): Promise<IngestResult> {
    const now = options.now ?? new Date();
    const resolution = options.sampleSeconds ?? trafficRetention()[0].resolution;
    const byConnection = new Map<string, CounterReport[]>();
    for (const report of reports) {
      const dated = report.at > now ? { ...report, at: now } : report;
      const list = byConnection.get(report.connectionId);
      if (list) list.push(dated);
      else byConnection.set(report.connectionId, [dated]);
    }
    let tracked = this.#servers.get(serverId);
    if (!tracked) this.#servers.set(serverId, (tracked = new Map()));
    const ended = new Set<string>();
    const missing: string[] = [];
    for (const externalId of byConnection.keys()) if (!tracked.has(externalId)) missing.push(externalId);
    if (missing.length > 0) {
      for (const row of await readCounters(this.#db, serverId, missing)) {
        if (row.ended) ended.add(row.externalId);
        // A report that came in while this one read keeps what it found.
        else if (!tracked.has(row.externalId)) tracked.set(row.externalId, trackedConnection(serverId, row));
      }
    }
    const result: IngestResult = { applied: 0, stale: 0, resets: [], unknown: [], ended: [] };
    const touched = now.getTime();
    for (const [externalId, list] of byConnection) {
      const entry = tracked.get(externalId);
      if (!entry) {
        (ended.has(externalId) ? result.ended : result.unknown).push(externalId);
        continue;
      }
      entry.touched = touched;
      if (list.length > 1) list.sort((a, b) => a.at.getTime() - b.at.getTime());
      const outcome = applyReports(entry.current, list, resolution, entry.connectedAt);
      result.stale += outcome.stale;
      if (outcome.applied === 0) continue;
      result.applied += outcome.applied;
      if (outcome.reset) result.resets.push(externalId);
      entry.current = outcome.counters;
      for (const [at, bytes] of outcome.buckets) addSample(entry.pending, at, entry.id, resolution, bytes);
      this.#dirty.add(entry);
    }
    if (result.applied > 0) {
      setTrafficPending(this.#dirty.size);
      this.#schedule();
    }
    return result;
  }

  /** Resolves once every report applied before the call is in the database. */
  async flush(): Promise<void> {
    while (this.#writing || this.#dirty.size > 0) {
      if (this.#writing) await this.#writing;
      else await this.#write();
    }
  }

  /** Forgets a connection that ended here, so that its next report answers "ended". */
  forget(serverId: string, externalId: string): void {
    const entry = this.#servers.get(serverId)?.get(externalId);
    if (entry && !this.#dirty.has(entry)) this.#drop(entry);
  }

  /** Whether `entry` is still what this console holds for its connection. */
  #holds(entry: Tracked): boolean {
    return this.#servers.get(entry.serverId)?.get(entry.externalId) === entry;
  }

  #drop(entry: Tracked): void {
    if (this.#holds(entry)) this.#servers.get(entry.serverId)?.delete(entry.externalId);
    this.#dirty.delete(entry);
  }

  /** A write after the next pause in the reports, and within TRAFFIC_FLUSH_MS whatever comes. */
  #schedule(): void {
    if (this.#quiet) this.#quiet.refresh();
    else this.#quiet = this.#timer(TRAFFIC_QUIET_MS);
    this.#due ??= this.#timer(TRAFFIC_FLUSH_MS);
  }

  #timer(ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      for (const pending of [this.#quiet, this.#due]) if (pending) clearTimeout(pending);
      this.#quiet = this.#due = null;
      this.#write().catch((error: unknown) => {
        if (!(error instanceof DatabaseUnavailableError)) log.error("traffic write failed", { error });
      });
    }, ms);
    // Pending traffic never keeps a process alive; the console writes it when it shuts down.
    return timer.unref();
  }

  /** Writes what is pending, a chunk per transaction, one write at a time. */
  #write(): Promise<void> {
    // What is pending after a write (reports that came meanwhile, or all of it after a failure)
    // waits for the next: soon after a write that went through, a while after one that failed.
    const next = (ms: number) => {
      this.#writing = null;
      setTrafficPending(this.#dirty.size);
      if (this.#dirty.size > 0) this.#due ??= this.#timer(ms);
    };
    this.#writing ??= this.#writeChunks().then(
      () => next(TRAFFIC_QUIET_MS),
      (error: unknown) => {
        next(TRAFFIC_FLUSH_MS);
        throw error;
      },
    );
    return this.#writing;
  }

  async #writeChunks(): Promise<void> {
    const dirty = [...this.#dirty];
    this.#dirty = new Set();
    this.#forgetIdle();
    let start = 0;
    try {
      for (; start < dirty.length; start += FLUSH_CHUNK) {
        if (start > 0) await new Promise((resolve) => setImmediate(resolve));
        await this.#writeChunk(dirty.slice(start, start + FLUSH_CHUNK));
      }
    } catch (error) {
      for (const entry of dirty.slice(start + FLUSH_CHUNK)) if (this.#holds(entry)) this.#dirty.add(entry);
      // Whatever failed stays pending and is written again; a write that fails for another reason
      // is logged and tried again with the next report.
      if (error instanceof DatabaseUnavailableError) {
        if (!this.#unavailable) log.error("traffic cannot be written: the database is unavailable; refusing reports until it is back", { error });
        this.#unavailable = error;
      }
      throw error;
    }
    if (this.#unavailable) log.info("traffic is written again");
    this.#unavailable = null;
  }

  async #writeChunk(chunk: Tracked[]): Promise<void> {
    // What each connection holds now; reports applied while the write runs wait for the next one.
    const taken = chunk.map((entry) => {
      const write: CounterWrite = {
        id: entry.id,
        before: entry.storedAt,
        ...entry.current,
        // Only connections with an applied report are written, and those have a read time.
        countersAt: entry.current.countersAt ?? new Date(entry.touched),
        samples: [...entry.pending.values()],
      };
      const pending = entry.pending;
      entry.pending = new Map();
      // Reports that came since the write began are in this chunk's state already.
      this.#dirty.delete(entry);
      return { entry, write, pending };
    });
    let written: Set<string>;
    const started = performance.now();
    try {
      written = await writeCounters(this.#db, taken.map((t) => t.write));
      observeTrafficWrite((performance.now() - started) / 1000, true);
    } catch (error) {
      observeTrafficWrite((performance.now() - started) / 1000, false);
      // Nothing of the chunk was written: it waits for the next write, with what came meanwhile.
      for (const { entry, pending } of taken) {
        for (const [at, sample] of entry.pending) addSample(pending, at, entry.id, sample.resolution, sample);
        entry.pending = pending;
        if (this.#holds(entry)) this.#dirty.add(entry);
      }
      throw error;
    }
    const lost = new Map<string, CounterReport[]>();
    for (const { entry, write } of taken) {
      if (written.has(entry.id)) {
        entry.storedAt = storedTimestamp(write.countersAt);
        continue;
      }
      // Another writer moved the connection, or it ended: what it stored wins.
      this.#drop(entry);
      const { counterIn, counterOut, countersAt } = entry.current;
      const reading = { connectionId: entry.externalId, bytesIn: counterIn, bytesOut: counterOut, at: countersAt ?? new Date(entry.touched) };
      const readings = lost.get(entry.serverId);
      if (readings) readings.push(reading);
      else lost.set(entry.serverId, [reading]);
    }
    // The latest reading of each is applied again to the tunnel as stored now, rather than waiting
    // for the next report (an idle tunnel's may be a minute away): a newer reading stored by
    // another instance makes it stale, an ended tunnel ignores it, and a new tunnel that took the
    // id takes it unless it is dated before that tunnel came up. Their times were taken as read
    // already, so none is in the future.
    for (const [serverId, readings] of lost) await this.#apply(serverId, readings, { now: new Date(Math.max(...readings.map((r) => r.at.getTime()))) });
  }

  /** Once a minute, forgets the connections nobody reported for a while. */
  #forgetIdle(): void {
    const now = Date.now();
    if (now - this.#forgotIdleAt < 60_000) return;
    this.#forgotIdleAt = now;
    for (const tracked of this.#servers.values()) {
      for (const [externalId, entry] of tracked) if (now - entry.touched > IDLE_FORGET_MS && !this.#dirty.has(entry)) tracked.delete(externalId);
    }
  }
}

function trackedConnection(serverId: string, row: StoredCounters): Tracked {
  const { bytesIn, bytesOut, counterIn, counterOut, countersAt } = row;
  return {
    id: row.id,
    serverId,
    externalId: row.externalId,
    storedAt: row.countersAtStored,
    connectedAt: row.connectedAt,
    current: { bytesIn, bytesOut, counterIn, counterOut, countersAt, rateIn: 0, rateOut: 0 },
    pending: new Map(),
    touched: 0,
  };
}

/** Adds bytes to a pending sample; a console writes samples of one resolution, its finest tier's. */
function addSample(into: Map<number, SampleBytes>, at: number, connectionId: string, resolution: number, bytes: { bytesIn: bigint; bytesOut: bigint }): void {
  const held = into.get(at);
  if (held) {
    held.bytesIn += bytes.bytesIn;
    held.bytesOut += bytes.bytesOut;
  } else into.set(at, { connectionId, resolution, at: new Date(at), bytesIn: bytes.bytesIn, bytesOut: bytes.bytesOut });
}

/**
 * One buffer per client for the whole process: server.ts and the Next.js bundle load their own
 * copies of this module (as of lib/db), and two buffers on one client would each hold a part.
 */
const buffers = ((globalThis as unknown as { sessionConsoleTrafficBuffers?: WeakMap<Db, TrafficBuffer> }).sessionConsoleTrafficBuffers ??=
  new WeakMap());
const bufferOf = (db: Db) => {
  let buffer = buffers.get(db);
  if (!buffer) buffers.set(db, (buffer = new TrafficBuffer(db)));
  return buffer;
};

/**
 * Applies a server's counter reports: connection byte totals and traffic samples, written within
 * TRAFFIC_FLUSH_MS (flushTraffic to wait for that). Reports dated in the future (a server clock
 * running ahead) are taken as read now, so they cannot hold back the reports that follow.
 */
export function ingestCounters(db: Db, serverId: string, reports: readonly CounterReport[], options: IngestOptions = {}): Promise<IngestResult> {
  return bufferOf(db).ingest(serverId, reports, options);
}

/** Resolves once every report ingested before the call is in the database. */
export function flushTraffic(db: Db): Promise<void> {
  return buffers.get(db)?.flush() ?? Promise.resolve();
}

/** After a connection's disconnect: its next report answers "ended" rather than applying. */
export function forgetConnection(db: Db, serverId: string, externalId: string): void {
  buffers.get(db)?.forget(serverId, externalId);
}

/** The disconnect hook's final counters: the connection's last totals and what they add. */
export function finalCounters(
  connection: Omit<Counters, "rateIn" | "rateOut">,
  bytesIn: bigint,
  bytesOut: bigint,
  at: Date,
): { counters: Counters; deltaIn: bigint; deltaOut: bigint } {
  const { bytesIn: totalIn, bytesOut: totalOut, counterIn, counterOut, countersAt } = connection;
  const counters = { bytesIn: totalIn, bytesOut: totalOut, counterIn, counterOut, countersAt, rateIn: 0, rateOut: 0 };
  const { deltaIn, deltaOut } = advance(counters, bytesIn, bytesOut, at);
  // An ended tunnel moves nothing any more.
  counters.rateIn = counters.rateOut = 0;
  return { counters, deltaIn, deltaOut };
}

/** Adds a connection's final bytes to its traffic samples, so samples and totals agree. */
export async function addFinalSample(tx: Tx, connectionId: string, deltaIn: bigint, deltaOut: bigint, at: Date): Promise<void> {
  if (deltaIn === 0n && deltaOut === 0n) return;
  const resolution = trafficRetention()[0].resolution;
  await addSamples(tx, [{ connectionId, resolution, at: bucketStart(at, resolution), bytesIn: deltaIn, bytesOut: deltaOut }]);
}
