// The traffic reads and writes in bulk: one SQL statement per table for a whole report, its rows
// passed as one JSON parameter (SQLite json_each, PostgreSQL jsonb_array_elements) and read back
// as one JSON value. A report carries thousands of connections and arrives every few seconds
// from every server; per row, the Prisma client's query compiler, its parameter mapping and its
// result decoding cost far more than the SQL itself (npm run bench:traffic --profile).
// Written for both SQLite (3.38+: ->>, UPDATE ... FROM, RETURNING) and PostgreSQL.
import { randomUUID } from "node:crypto";
import type { DatabaseProvider } from "../config";
import type { Db, Tx } from "../db";
import { Prisma } from "../generated/sqlite/client";
import type { SampleBytes } from "./samples";

/** A connection's counters as stored, for computing what a report adds. */
export interface StoredCounters {
  id: string;
  externalId: string;
  sessionId: string;
  ended: boolean;
  bytesIn: bigint;
  bytesOut: bigint;
  counterIn: bigint;
  counterOut: bigint;
  countersAt: Date | null;
  /** countersAt exactly as stored, so a conditional write can compare it without rounding. */
  countersAtStored: string | null;
}

export interface CounterWrite {
  id: string;
  /** countersAt as read (StoredCounters.countersAtStored); the write only lands if it is unchanged. */
  before: string | null;
  bytesIn: bigint;
  bytesOut: bigint;
  counterIn: bigint;
  counterOut: bigint;
  countersAt: Date;
}

const str = JSON.stringify;

/** The rows of a JSON array parameter, each as `v.value`. */
function jsonRows(provider: DatabaseProvider, json: string): Prisma.Sql {
  return provider === "postgresql"
    ? Prisma.sql`jsonb_array_elements(CAST(${json} AS JSONB)) AS v(value)`
    : Prisma.sql`json_each(${json}) AS v`;
}

/** Element `index` of the row `v.value`, as a column value of `type`. */
function field(provider: DatabaseProvider, index: number, type: "TEXT" | "BIGINT" | "INTEGER" | "TIMESTAMP(3)"): Prisma.Sql {
  const text = Prisma.raw(`(v.value ->> ${index})`);
  if (type === "TEXT") return text;
  // SQLite keeps Prisma's DateTime as ISO text, which is what the row carries already.
  if (type === "TIMESTAMP(3)" && provider === "sqlite") return text;
  return Prisma.sql`CAST(${text} AS ${Prisma.raw(type)})`;
}

/**
 * Timestamps as the rows carry them (for SQLite exactly as Prisma stores a DateTime), remembered
 * for one statement: the reports of a batch share a handful of read times and sample buckets.
 */
function timestamps(provider: DatabaseProvider): (at: Date) => string {
  const texts = new Map<number, string>();
  return (at) => {
    const ms = at.getTime();
    let text = texts.get(ms);
    if (text === undefined) {
      const iso = at.toISOString();
      text = str(provider === "sqlite" ? iso.replace("Z", "+00:00") : iso);
      texts.set(ms, text);
    }
    return text;
  };
}

const ADD_TO_EXISTING_SAMPLE = Prisma.raw(`ON CONFLICT ("connectionId", "resolution", "at") DO UPDATE SET
      "bytesIn" = "TrafficSample"."bytesIn" + excluded."bytesIn",
      "bytesOut" = "TrafficSample"."bytesOut" + excluded."bytesOut"`);

/**
 * The live and ended connections of a server among `externalIds`, with their counters. The rows
 * come back as one JSON text: decoding thousands of rows through the Prisma client costs more
 * than reading them.
 */
export async function readCounters(db: Db, provider: DatabaseProvider, serverId: string, externalIds: readonly string[]): Promise<StoredCounters[]> {
  const ids = str(externalIds);
  const [result] =
    provider === "postgresql"
      ? await db.$queryRaw<Array<{ rows: string }>>(Prisma.sql`
          SELECT CAST(COALESCE(json_agg(json_build_array(c."id", c."externalId", c."sessionId",
            CASE WHEN c."disconnectedAt" IS NULL THEN 0 ELSE 1 END,
            CAST(c."bytesIn" AS TEXT), CAST(c."bytesOut" AS TEXT), CAST(c."counterIn" AS TEXT), CAST(c."counterOut" AS TEXT),
            to_char(c."countersAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))), '[]') AS TEXT) AS rows
          FROM "Connection" c
          WHERE c."serverId" = ${serverId} AND c."externalId" IN (SELECT jsonb_array_elements_text(CAST(${ids} AS JSONB)))`)
      : await db.$queryRaw<Array<{ rows: string }>>(Prisma.sql`
          SELECT json_group_array(json_array(c."id", c."externalId", c."sessionId",
            CASE WHEN c."disconnectedAt" IS NULL THEN 0 ELSE 1 END,
            CAST(c."bytesIn" AS TEXT), CAST(c."bytesOut" AS TEXT), CAST(c."counterIn" AS TEXT), CAST(c."counterOut" AS TEXT),
            c."countersAt")) AS rows
          FROM "Connection" c
          WHERE c."serverId" = ${serverId} AND c."externalId" IN (SELECT value FROM json_each(${ids}))`);
  const rows = JSON.parse(result?.rows ?? "[]") as Array<[string, string, string, 0 | 1, string, string, string, string, string | null]>;
  return rows.map(([id, externalId, sessionId, ended, bytesIn, bytesOut, counterIn, counterOut, countersAt]) => ({
    id,
    externalId,
    sessionId,
    ended: ended === 1,
    bytesIn: BigInt(bytesIn),
    bytesOut: BigInt(bytesOut),
    counterIn: BigInt(counterIn),
    counterOut: BigInt(counterOut),
    countersAt: countersAt === null ? null : new Date(countersAt),
    countersAtStored: countersAt,
  }));
}

/**
 * Writes new counters where the connection is still up and no other report moved it since it was
 * read; returns the ids that were written.
 */
export async function writeCounters(tx: Tx, provider: DatabaseProvider, writes: readonly CounterWrite[]): Promise<Set<string>> {
  if (writes.length === 0) return new Set();
  const timestamp = timestamps(provider);
  const json = `[${writes
    .map((w) => `[${str(w.id)},${w.before === null ? "null" : str(w.before)},${w.bytesIn},${w.bytesOut},${w.counterIn},${w.counterOut},${timestamp(w.countersAt)}]`)
    .join(",")}]`;
  const before = field(provider, 1, "TIMESTAMP(3)");
  // The unary + keeps SQLite from walking the disconnectedAt index over every live connection
  // (and the JSON rows for each) instead of looking the reported ones up by id.
  const live = provider === "postgresql" ? Prisma.sql`"Connection"."disconnectedAt" IS NULL` : Prisma.sql`+"Connection"."disconnectedAt" IS NULL`;
  const updated = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    UPDATE "Connection" SET
      "bytesIn" = ${field(provider, 2, "BIGINT")}, "bytesOut" = ${field(provider, 3, "BIGINT")},
      "counterIn" = ${field(provider, 4, "BIGINT")}, "counterOut" = ${field(provider, 5, "BIGINT")},
      "countersAt" = ${field(provider, 6, "TIMESTAMP(3)")}
    FROM ${jsonRows(provider, json)}
    WHERE "Connection"."id" = ${field(provider, 0, "TEXT")} AND ${live}
      AND ${provider === "postgresql" ? Prisma.sql`"Connection"."countersAt" IS NOT DISTINCT FROM ${before}` : Prisma.sql`"Connection"."countersAt" IS ${before}`}
    RETURNING "Connection"."id" AS id`);
  return new Set(updated.map((row) => row.id));
}

/** Adds bytes to sessions' totals. */
export async function addSessionBytes(
  tx: Tx,
  provider: DatabaseProvider,
  sessions: ReadonlyArray<{ id: string; bytesIn: bigint; bytesOut: bigint }>,
): Promise<void> {
  if (sessions.length === 0) return;
  const json = `[${sessions.map((s) => `[${str(s.id)},${s.bytesIn},${s.bytesOut}]`).join(",")}]`;
  await tx.$executeRaw(Prisma.sql`
    UPDATE "Session" SET
      "bytesIn" = "Session"."bytesIn" + ${field(provider, 1, "BIGINT")},
      "bytesOut" = "Session"."bytesOut" + ${field(provider, 2, "BIGINT")}
    FROM ${jsonRows(provider, json)}
    WHERE "Session"."id" = ${field(provider, 0, "TEXT")}`);
}

/** Adds bytes to traffic samples, creating the ones that do not exist yet. */
export async function addSampleBytes(tx: Tx, provider: DatabaseProvider, samples: readonly SampleBytes[]): Promise<void> {
  if (samples.length === 0) return;
  const timestamp = timestamps(provider);
  const json = `[${samples
    .map((s) => `[${str(randomUUID())},${str(s.connectionId)},${s.resolution},${timestamp(s.at)},${s.bytesIn},${s.bytesOut}]`)
    .join(",")}]`;
  // "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to a join.
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO "TrafficSample" ("id", "connectionId", "resolution", "at", "bytesIn", "bytesOut")
    SELECT ${field(provider, 0, "TEXT")}, ${field(provider, 1, "TEXT")}, ${field(provider, 2, "INTEGER")},
      ${field(provider, 3, "TIMESTAMP(3)")}, ${field(provider, 4, "BIGINT")}, ${field(provider, 5, "BIGINT")}
    FROM ${jsonRows(provider, json)} WHERE true
    ${ADD_TO_EXISTING_SAMPLE}`);
}

/**
 * Adds one sample's bytes, on either database without knowing which (the disconnect hook's
 * transaction): PostgreSQL types the bound values from the columns they go into.
 */
export async function addSampleRow(tx: Tx, s: SampleBytes): Promise<void> {
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO "TrafficSample" ("id", "connectionId", "resolution", "at", "bytesIn", "bytesOut")
    VALUES (${randomUUID()}, ${s.connectionId}, ${s.resolution}, ${s.at}, ${s.bytesIn}, ${s.bytesOut})
    ${ADD_TO_EXISTING_SAMPLE}`);
}
