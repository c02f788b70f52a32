// The traffic reads and writes in bulk: one SQL statement per table for a whole report, its rows
// passed as one JSON parameter (SQLite json_each, PostgreSQL jsonb_array_elements) and read back
// as one JSON value, run on the database driver beside the Prisma client (lib/db.ts direct
// statements). A report carries thousands of connections and arrives every few seconds from every
// server; per row, the Prisma client's query compiler, its parameter mapping and its result
// decoding cost far more than the SQL itself (npm run bench:traffic --profile).
// Written for SQLite (3.38+: ->>, UPDATE ... FROM) and PostgreSQL.
import { directDriverOf, directStatement, type Db, type DirectDriver, type Tx } from "../db";
import { Prisma } from "../generated/sqlite/client";
import type { SampleBytes } from "./samples";

/** A connection's counters as stored, for computing what a report adds. */
export interface StoredCounters {
  id: string;
  externalId: string;
  ended: boolean;
  bytesIn: bigint;
  bytesOut: bigint;
  counterIn: bigint;
  counterOut: bigint;
  countersAt: Date | null;
  /** countersAt exactly as stored, so a conditional write can compare it without rounding. */
  countersAtStored: string | null;
  /** When the tunnel came up: readings dated before it belong to an earlier tunnel with its id. */
  connectedAt: Date;
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
  rateIn: number;
  rateOut: number;
  /** What the report adds to the connection's traffic samples. */
  samples: readonly SampleBytes[];
}

const str = JSON.stringify;

function driver(db: Db): DirectDriver {
  const direct = directDriverOf(db);
  if (!direct) throw new Error("the traffic statements need the client from createDb, not a transaction");
  return direct;
}

/** A DateTime as Prisma stores it on SQLite (and as the traffic statements write it on both). */
export const storedTimestamp = (at: Date) => at.toISOString().replace("Z", "+00:00");

/**
 * Timestamps as the rows carry them: for SQLite exactly as Prisma stores a DateTime (ISO text with
 * +00:00), for PostgreSQL ISO text that a TIMESTAMP(3) cast reads as UTC. Remembered for one
 * report: its readings share a handful of read times and sample buckets.
 */
function timestamps(): (at: Date) => string {
  const texts = new Map<number, string>();
  return (at) => {
    const ms = at.getTime();
    let text = texts.get(ms);
    if (text === undefined) {
      text = str(storedTimestamp(at));
      texts.set(ms, text);
    }
    return text;
  };
}

/**
 * The live and ended connections of a server among the external ids (a JSON array), with their
 * counters, as one JSON text: decoding thousands of rows one by one costs more than reading them.
 * Counters go out as text, so no precision is lost.
 */
const READ_COUNTERS = directStatement(
  `SELECT json_group_array(json_array(c."id", c."externalId",
     CASE WHEN c."disconnectedAt" IS NULL THEN 0 ELSE 1 END,
     CAST(c."bytesIn" AS TEXT), CAST(c."bytesOut" AS TEXT), CAST(c."counterIn" AS TEXT), CAST(c."counterOut" AS TEXT),
     c."countersAt", c."connectedAt")) AS "rows"
   FROM "Connection" c
   WHERE c."serverId" = ? AND c."externalId" IN (SELECT "value" FROM json_each(?))`,
  `SELECT CAST(COALESCE(json_agg(json_build_array(c."id", c."externalId",
     CASE WHEN c."disconnectedAt" IS NULL THEN 0 ELSE 1 END,
     CAST(c."bytesIn" AS TEXT), CAST(c."bytesOut" AS TEXT), CAST(c."counterIn" AS TEXT), CAST(c."counterOut" AS TEXT),
     to_char(c."countersAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"+00:00"'),
     to_char(c."connectedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"+00:00"'))), '[]') AS TEXT) AS "rows"
   FROM "Connection" c
   WHERE c."serverId" = ? AND c."externalId" IN (SELECT jsonb_array_elements_text(CAST(? AS JSONB)))`,
);

export async function readCounters(db: Db, serverId: string, externalIds: readonly string[]): Promise<StoredCounters[]> {
  const [result] = await driver(db).rows(READ_COUNTERS, [serverId, str(externalIds)]);
  const rows = JSON.parse(String(result?.rows ?? "[]")) as Array<[string, string, 0 | 1, string, string, string, string, string | null, string | number]>;
  return rows.map(([id, externalId, ended, bytesIn, bytesOut, counterIn, counterOut, countersAt, connectedAt]) => ({
    id,
    externalId,
    ended: ended === 1,
    bytesIn: BigInt(bytesIn),
    bytesOut: BigInt(bytesOut),
    counterIn: BigInt(counterIn),
    counterOut: BigInt(counterOut),
    countersAt: countersAt === null ? null : new Date(countersAt),
    countersAtStored: countersAt,
    connectedAt: new Date(connectedAt),
  }));
}

// The write's JSON: [id, before, bytesIn, bytesOut, counterIn, counterOut, countersAt, samples,
// rateIn, rateOut]
// per connection, its samples as [resolution, at, bytesIn, bytesOut]. The samples travel inside
// their connection's element, so each statement takes them from the connections it writes
// without matching the two lists against each other.

/** Adds bytes to a sample, creating it when it does not exist yet. */
const ADD_TO_EXISTING_SAMPLE = `ON CONFLICT ("resolution", "at", "connectionId") DO UPDATE SET
    "bytesIn" = "TrafficSample"."bytesIn" + excluded."bytesIn",
    "bytesOut" = "TrafficSample"."bytesOut" + excluded."bytesOut"`;

/**
 * SQLite runs the two statements of a write in one transaction that nothing can interleave with
 * (lib/db.ts), so each checks the same condition on the same rows: the samples land exactly where
 * the counters do. The samples go first, while the connections still hold the counters read.
 * "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to a join; the
 * unary + keeps it from walking the disconnectedAt index over every live connection.
 */
const SQLITE_ADD_SAMPLES = directStatement(
  `INSERT INTO "TrafficSample" ("resolution", "at", "connectionId", "bytesIn", "bytesOut")
   SELECT s.value ->> 0, s.value ->> 1, c."id", s.value ->> 2, s.value ->> 3
   FROM json_each(?) AS v JOIN "Connection" c ON c."id" = v.value ->> 0 JOIN json_each(v.value -> 7) AS s
   WHERE +c."disconnectedAt" IS NULL AND c."countersAt" IS v.value ->> 1
   ${ADD_TO_EXISTING_SAMPLE}`,
);
const SQLITE_WRITE_COUNTERS = directStatement(
  `UPDATE "Connection" SET
     "bytesIn" = v.value ->> 2, "bytesOut" = v.value ->> 3, "counterIn" = v.value ->> 4, "counterOut" = v.value ->> 5,
     "countersAt" = v.value ->> 6, "rateIn" = v.value ->> 8, "rateOut" = v.value ->> 9
   FROM json_each(?) AS v
   WHERE "Connection"."id" = v.value ->> 0 AND +"Connection"."disconnectedAt" IS NULL AND "Connection"."countersAt" IS v.value ->> 1
   RETURNING "Connection"."id" AS "id"`,
);

/**
 * On PostgreSQL one statement: the counters are written where they are unchanged (rows locked, the
 * condition checked again after waiting for a concurrent writer), and the samples of exactly the
 * connections written.
 */
const POSTGRES_WRITE = directStatement(
  `WITH "written" AS (
     UPDATE "Connection" SET
       "bytesIn" = CAST(v.value ->> 2 AS BIGINT), "bytesOut" = CAST(v.value ->> 3 AS BIGINT),
       "counterIn" = CAST(v.value ->> 4 AS BIGINT), "counterOut" = CAST(v.value ->> 5 AS BIGINT),
       "countersAt" = CAST(v.value ->> 6 AS TIMESTAMP(3)),
       "rateIn" = CAST(v.value ->> 8 AS BIGINT), "rateOut" = CAST(v.value ->> 9 AS BIGINT)
     FROM jsonb_array_elements(CAST(? AS JSONB)) AS v(value)
     WHERE "Connection"."id" = v.value ->> 0 AND "Connection"."disconnectedAt" IS NULL
       AND "Connection"."countersAt" IS NOT DISTINCT FROM CAST(v.value ->> 1 AS TIMESTAMP(3))
     RETURNING "Connection"."id", v.value -> 7 AS "samples"),
   "added" AS (
     INSERT INTO "TrafficSample" ("resolution", "at", "connectionId", "bytesIn", "bytesOut")
     SELECT CAST(s.value ->> 0 AS INTEGER), CAST(s.value ->> 1 AS TIMESTAMP(3)), w."id",
       CAST(s.value ->> 2 AS BIGINT), CAST(s.value ->> 3 AS BIGINT)
     FROM "written" w CROSS JOIN LATERAL jsonb_array_elements(w."samples") AS s(value)
     ${ADD_TO_EXISTING_SAMPLE})
   SELECT "id" FROM "written"`,
);

/**
 * Writes new counters and their samples where the connection is still up and no other writer
 * moved it since it was read, and returns the ids written. A connection moved meanwhile keeps what
 * the other writer wrote (its bytes are in the next cumulative report).
 */
export async function writeCounters(db: Db, writes: readonly CounterWrite[]): Promise<Set<string>> {
  if (writes.length === 0) return new Set();
  const timestamp = timestamps();
  const json = `[${writes
    .map(
      (w) =>
        `[${str(w.id)},${w.before === null ? "null" : str(w.before)},${w.bytesIn},${w.bytesOut},${w.counterIn},${w.counterOut},${timestamp(w.countersAt)},` +
        `[${w.samples.map((s) => `[${s.resolution},${timestamp(s.at)},${s.bytesIn},${s.bytesOut}]`).join(",")}],${w.rateIn},${w.rateOut}]`,
    )
    .join(",")}]`;
  const direct = driver(db);
  const written =
    direct.provider === "postgresql"
      ? await direct.rows(POSTGRES_WRITE, [json])
      : ((await direct.runAll([[SQLITE_ADD_SAMPLES, [json]], [SQLITE_WRITE_COUNTERS, [json]]]))[1]?.rows ?? []);
  return new Set(written.map((row) => String(row.id)));
}

/**
 * Adds bytes to samples inside a Prisma transaction (the disconnect hook's, the compaction's), on
 * either database without knowing which: PostgreSQL types the bound values from the columns they
 * go into. At most a few thousand samples at once (one row is five bound values).
 */
export async function addSamples(tx: Tx, samples: readonly SampleBytes[]): Promise<void> {
  if (samples.length === 0) return;
  const rows = samples.map((s) => Prisma.sql`(${s.resolution}, ${s.at}, ${s.connectionId}, ${s.bytesIn}, ${s.bytesOut})`);
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO "TrafficSample" ("resolution", "at", "connectionId", "bytesIn", "bytesOut")
    VALUES ${Prisma.join(rows)}
    ${Prisma.raw(ADD_TO_EXISTING_SAMPLE)}`);
}
