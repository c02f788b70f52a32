// The traffic writes in bulk: one SQL statement per few hundred connections instead of one
// Prisma call each, because a report carries thousands of connections and arrives every few
// seconds from every server. Written for both SQLite (3.35+: UPDATE ... FROM, RETURNING) and
// PostgreSQL; values pass as bound parameters.
import { randomUUID } from "node:crypto";
import type { DatabaseProvider } from "../config";
import type { Tx } from "../db";
import { Prisma } from "../generated/sqlite/client";
import type { SampleBytes } from "./samples";

/** Rows per statement: at most 7 parameters each, well under both databases' limits. */
const ROWS_PER_STATEMENT = 500;

export interface CounterWrite {
  id: string;
  /** countersAt as read; the write only lands if it is unchanged. */
  before: Date | null;
  bytesIn: bigint;
  bytesOut: bigint;
  counterIn: bigint;
  counterOut: bigint;
  countersAt: Date;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) out.push(items.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

/** PostgreSQL types the columns of a VALUES list from its parameters, so they are cast. */
function typed(provider: DatabaseProvider, value: bigint | Date | null, type: "BIGINT" | "TIMESTAMP(3)"): Prisma.Sql {
  return provider === "postgresql" ? Prisma.sql`CAST(${value} AS ${Prisma.raw(type)})` : Prisma.sql`${value}`;
}

/**
 * Writes new counters where the connection is still up and no other report moved it since it was
 * read; returns the ids that were written.
 */
export async function writeCounters(tx: Tx, provider: DatabaseProvider, writes: readonly CounterWrite[]): Promise<Set<string>> {
  const written = new Set<string>();
  for (const chunk of chunks(writes)) {
    const rows = chunk.map(
      (w) =>
        Prisma.sql`(${w.id}, ${typed(provider, w.before, "TIMESTAMP(3)")}, ${typed(provider, w.bytesIn, "BIGINT")}, ${typed(provider, w.bytesOut, "BIGINT")}, ${typed(provider, w.counterIn, "BIGINT")}, ${typed(provider, w.counterOut, "BIGINT")}, ${typed(provider, w.countersAt, "TIMESTAMP(3)")})`,
    );
    const updated = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      WITH v(id, before, bytes_in, bytes_out, counter_in, counter_out, counters_at) AS (VALUES ${Prisma.join(rows)})
      UPDATE "Connection" SET
        "bytesIn" = v.bytes_in, "bytesOut" = v.bytes_out,
        "counterIn" = v.counter_in, "counterOut" = v.counter_out, "countersAt" = v.counters_at
      FROM v
      WHERE "Connection"."id" = v.id AND "Connection"."disconnectedAt" IS NULL
        AND "Connection"."countersAt" IS NOT DISTINCT FROM v.before
      RETURNING "Connection"."id" AS id`);
    for (const row of updated) written.add(row.id);
  }
  return written;
}

/** Adds bytes to sessions' totals. */
export async function addSessionBytes(
  tx: Tx,
  provider: DatabaseProvider,
  sessions: ReadonlyArray<{ id: string; bytesIn: bigint; bytesOut: bigint }>,
): Promise<void> {
  for (const chunk of chunks(sessions)) {
    const rows = chunk.map((s) => Prisma.sql`(${s.id}, ${typed(provider, s.bytesIn, "BIGINT")}, ${typed(provider, s.bytesOut, "BIGINT")})`);
    await tx.$executeRaw(Prisma.sql`
      WITH v(id, bytes_in, bytes_out) AS (VALUES ${Prisma.join(rows)})
      UPDATE "Session" SET "bytesIn" = "Session"."bytesIn" + v.bytes_in, "bytesOut" = "Session"."bytesOut" + v.bytes_out
      FROM v WHERE "Session"."id" = v.id`);
  }
}

/** Adds bytes to traffic samples, creating the ones that do not exist yet. */
export async function addSampleBytes(tx: Tx, samples: readonly SampleBytes[]): Promise<void> {
  for (const chunk of chunks(samples)) {
    const rows = chunk.map(
      (s) => Prisma.sql`(${randomUUID()}, ${s.connectionId}, ${s.resolution}, ${s.at}, ${s.bytesIn}, ${s.bytesOut})`,
    );
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO "TrafficSample" ("id", "connectionId", "resolution", "at", "bytesIn", "bytesOut")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("connectionId", "resolution", "at") DO UPDATE SET
        "bytesIn" = "TrafficSample"."bytesIn" + excluded."bytesIn",
        "bytesOut" = "TrafficSample"."bytesOut" + excluded."bytesOut"`);
  }
}
