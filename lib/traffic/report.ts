// The traffic hook's answer: counters in from the hook's fields, a summary out for the server.
import type { Db } from "../db";
import type { TrafficHookInput } from "../hooks/schemas";
import type { ServerView } from "../servers";
import { ingestCounters, type IngestResult } from "./ingest";

export function reportTraffic(db: Db, server: ServerView, input: TrafficHookInput, now = new Date()): Promise<IngestResult> {
  // An agent reads all its counters at once: a report's entries share a few read times.
  const times = new Map<number, Date>();
  const readAt = (seconds: number) => {
    let at = times.get(seconds);
    if (!at) times.set(seconds, (at = new Date(Math.round(seconds * 1000))));
    return at;
  };
  return ingestCounters(
    db,
    server.id,
    input.connections.map((entry) => ({
      connectionId: entry.connection_id,
      bytesIn: BigInt(entry.bytes_received),
      bytesOut: BigInt(entry.bytes_sent),
      at: entry.at === undefined ? now : readAt(entry.at),
    })),
    { now },
  );
}

/** Plain-text form: "ok applied=N stale=N", then one "unknown ID" / "ended ID" line each. */
export function trafficSummaryText(result: IngestResult): string {
  return [
    `ok applied=${result.applied} stale=${result.stale} resets=${result.resets.length}`,
    ...result.unknown.map((id) => `unknown ${id}`),
    ...result.ended.map((id) => `ended ${id}`),
  ].join("\n");
}
