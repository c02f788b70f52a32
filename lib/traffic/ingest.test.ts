import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cliActor } from "../actor";
import { createDb, withDirectDriver, type Db } from "../db";
import { DatabaseUnavailableError } from "../errors";
import { connectHookSchema, disconnectHookSchema } from "../hooks/schemas";
import { registerServer, type ServerView } from "../servers";
import { connect, disconnect } from "../sessions/authority";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { getSession } from "../sessions/queries";
import { applyReports, flushTraffic, ingestCounters, TRAFFIC_FLUSH_MS, type CounterReport } from "./ingest";

let t: TestDb;
let server: ServerView;
let other: ServerView;
let seq = 0;

beforeAll(async () => {
  t = await createTestDb();
  server = (await registerServer(t.db, cliActor(), { name: "oc-traffic", kind: "ocserv" })).server;
  other = (await registerServer(t.db, cliActor(), { name: "oc-other", kind: "ocserv" })).server;
});
afterAll(async () => {
  await t.drop();
});

const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1) + seconds * 1000);
const NOW = at(3600);

/** A live tunnel on the ocserv server (ocserv starts the session at its first connect). */
async function tunnel(srv = server): Promise<{ externalId: string; connectionId: string; sessionId: string }> {
  const n = ++seq;
  const username = `traffic${n}`;
  await createVpnUser(t.db, cliActor(), { username, password: "long enough password" });
  const externalId = `worker-${n}`;
  const result = await connect(
    t.db,
    srv,
    connectHookSchema.parse({ username, client_ip: "198.51.100.20", client_port: String(20000 + n), connection_id: externalId }),
    at(0),
  );
  if (!result.allow || !result.connectionId || !result.sessionId) throw new Error(`connect refused: ${result.reason}`);
  return { externalId, connectionId: result.connectionId, sessionId: result.sessionId };
}

/** Another tunnel of the same user, on the ocserv server, with the server's id `externalId`. */
async function anotherTunnel(of: { sessionId: string }, externalId: string, seconds: number): Promise<{ externalId: string; connectionId: string; sessionId: string }> {
  const username = (await t.db.session.findUniqueOrThrow({ where: { id: of.sessionId }, include: { user: true } })).user.username;
  const result = await connect(
    t.db,
    server,
    connectHookSchema.parse({ username, client_ip: "198.51.100.20", client_port: String(30000 + ++seq), connection_id: externalId }),
    at(seconds),
  );
  if (!result.allow || !result.connectionId || !result.sessionId) throw new Error(`connect refused: ${result.reason}`);
  return { externalId, connectionId: result.connectionId, sessionId: result.sessionId };
}

const report = (connectionId: string, bytesIn: number, bytesOut: number, seconds: number): CounterReport => ({
  connectionId,
  bytesIn: BigInt(bytesIn),
  bytesOut: BigInt(bytesOut),
  at: at(seconds),
});

/** Ingests and waits until it is in the database. */
async function ingest(reports: CounterReport[], srv = server) {
  const result = await ingestCounters(t.db, srv.id, reports, { now: NOW, sampleSeconds: 10 });
  await flushTraffic(t.db);
  return result;
}

async function totals(ids: { connectionId: string; sessionId: string }) {
  const connection = await t.db.connection.findUniqueOrThrow({ where: { id: ids.connectionId } });
  const session = await getSession(t.db, ids.sessionId);
  const samples = await t.db.trafficSample.findMany({ where: { connectionId: ids.connectionId }, orderBy: { at: "asc" } });
  return {
    connection: [connection.bytesIn, connection.bytesOut],
    session: [BigInt(session.bytesIn), BigInt(session.bytesOut)],
    samples: samples.map((s) => ({ at: s.at.getTime(), resolution: s.resolution, bytes: [s.bytesIn, s.bytesOut] })),
  };
}

describe("applyReports", () => {
  const start = { bytesIn: 0n, bytesOut: 0n, counterIn: 0n, counterOut: 0n, countersAt: null, rateIn: 0, rateOut: 0 };

  it("counts only what each report adds above the previous one", () => {
    const out = applyReports(start, [report("c", 100, 10, 1), report("c", 250, 30, 12)], 10);
    expect(out.counters).toMatchObject({ bytesIn: 250n, bytesOut: 30n, counterIn: 250n, countersAt: at(12) });
    expect([...out.buckets]).toEqual([
      [at(0).getTime(), { bytesIn: 100n, bytesOut: 10n }],
      [at(10).getTime(), { bytesIn: 150n, bytesOut: 20n }],
    ]);
    expect(out).toMatchObject({ applied: 2, stale: 0, reset: false });
  });

  it("takes the rate from what a reading adds since the one before, and none across a restart", () => {
    const first = applyReports(start, [report("c", 1000, 100, 10)], 10).counters;
    expect(first).toMatchObject({ rateIn: 0, rateOut: 0 });
    const second = applyReports(first, [report("c", 6000, 600, 15)], 10).counters;
    expect(second).toMatchObject({ rateIn: 1000, rateOut: 100 });
    expect(applyReports(second, [report("c", 10, 1, 20)], 10).counters).toMatchObject({ rateIn: 0, rateOut: 0 });
  });

  it("takes a reading dated before the tunnel came up as stale: it is an earlier tunnel's", () => {
    const out = applyReports(start, [report("c", 9000, 900, 50), report("c", 300, 30, 110)], 10, at(100));
    expect(out).toMatchObject({ applied: 1, stale: 1, reset: false });
    expect(out.counters).toMatchObject({ bytesIn: 300n, bytesOut: 30n, countersAt: at(110) });
  });

  it("ignores a report no newer than the last one applied", () => {
    const after = applyReports(start, [report("c", 100, 10, 5)], 10).counters;
    const again = applyReports(after, [report("c", 100, 10, 5), report("c", 90, 5, 4)], 10);
    expect(again).toMatchObject({ applied: 0, stale: 2, counters: after });
  });

  it("takes a counter that went backwards as the new base, without a negative or doubled delta", () => {
    const before = applyReports(start, [report("c", 5000, 500, 5)], 10).counters;
    const restarted = applyReports(before, [report("c", 40, 4, 15), report("c", 140, 24, 25)], 10);
    expect(restarted.reset).toBe(true);
    expect(restarted.counters).toMatchObject({ bytesIn: 5100n, bytesOut: 520n, counterIn: 140n, counterOut: 24n });
  });
});

describe(`ingestCounters (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("adds the bytes to the connection, its session and a traffic sample", async () => {
    const ids = await tunnel();
    const result = await ingest([report(ids.externalId, 1000, 200, 5), report(ids.externalId, 1500, 300, 25)]);
    expect(result).toEqual({ applied: 2, stale: 0, resets: [], unknown: [], ended: [] });
    expect(await totals(ids)).toEqual({
      connection: [1500n, 300n],
      session: [1500n, 300n],
      samples: [
        { at: at(0).getTime(), resolution: 10, bytes: [1000n, 200n] },
        { at: at(20).getTime(), resolution: 10, bytes: [500n, 100n] },
      ],
    });
  });

  it("never double-counts a repeated or out-of-order report", async () => {
    const ids = await tunnel();
    await ingest([report(ids.externalId, 1000, 100, 10)]);
    await ingest([report(ids.externalId, 3000, 300, 30)]);
    const late = await ingest([report(ids.externalId, 1000, 100, 10), report(ids.externalId, 2000, 200, 20)]);
    const repeat = await ingest([report(ids.externalId, 3000, 300, 30)]);
    expect(late).toMatchObject({ applied: 0, stale: 2 });
    expect(repeat).toMatchObject({ applied: 0, stale: 1 });
    const after = await totals(ids);
    expect(after.connection).toEqual([3000n, 300n]);
    expect(after.session).toEqual([3000n, 300n]);
    expect(after.samples.reduce((sum, s) => sum + (s.bytes[0] ?? 0n), 0n)).toBe(3000n);
  });

  it("orders several reports for one connection within a batch by their time", async () => {
    const ids = await tunnel();
    const result = await ingest([report(ids.externalId, 900, 90, 40), report(ids.externalId, 400, 40, 20)]);
    expect(result).toMatchObject({ applied: 2, resets: [] });
    expect((await totals(ids)).connection).toEqual([900n, 90n]);
  });

  it("survives a daemon restart: the lower counter is the new base", async () => {
    const ids = await tunnel();
    await ingest([report(ids.externalId, 8000, 800, 10)]);
    const restarted = await ingest([report(ids.externalId, 100, 10, 20)]);
    await ingest([report(ids.externalId, 600, 60, 30)]);
    expect(restarted.resets).toEqual([ids.externalId]);
    const after = await totals(ids);
    expect(after.connection).toEqual([8500n, 850n]);
    expect(after.session).toEqual([8500n, 850n]);
  });

  it("a late reading of an earlier tunnel with the same id counts nothing against the tunnel that took the id", async () => {
    const earlier = await tunnel();
    // The daemon restarted and gave the id to a new tunnel; the earlier one's disconnect never came.
    const later = await anotherTunnel(earlier, earlier.externalId, 100);
    const late = await ingest([report(earlier.externalId, 9000, 900, 50)]);
    const fresh = await ingest([report(earlier.externalId, 300, 30, 110)]);
    expect(late).toMatchObject({ applied: 0, stale: 1 });
    expect(fresh).toMatchObject({ applied: 1, stale: 0, resets: [] });
    expect((await totals(later)).connection).toEqual([300n, 30n]);
    expect((await totals(earlier)).connection).toEqual([0n, 0n]);
  });

  it("counts the disconnect hook's final counters above the last report, restart included", async () => {
    const ids = await tunnel();
    await ingest([report(ids.externalId, 8000, 800, 10), report(ids.externalId, 100, 10, 20)]);
    await disconnect(
      t.db,
      server,
      disconnectHookSchema.parse({ connection_id: ids.externalId, bytes_received: "300", bytes_sent: "30", reason: "dropped" }),
      at(35),
    );
    const after = await totals(ids);
    expect(after.connection).toEqual([8200n, 820n]);
    expect(after.session).toEqual([8200n, 820n]);
    expect(after.samples.reduce((sum, s) => sum + (s.bytes[0] ?? 0n), 0n)).toBe(8200n);
    expect(after.samples.at(-1)).toEqual({ at: at(30).getTime(), resolution: 10, bytes: [200n, 20n] });
  });

  it("adds the tunnels of one session together", async () => {
    const first = await tunnel();
    const second = await anotherTunnel(first, "second-tunnel", 1);
    expect(second.sessionId).toBe(first.sessionId);
    await ingest([report(first.externalId, 100, 1, 5), report("second-tunnel", 50, 2, 5)]);
    expect((await totals(first)).session).toEqual([150n, 3n]);
  });

  it("reports unknown and ended connections back instead of failing the batch", async () => {
    const live = await tunnel();
    const ended = await tunnel();
    await disconnect(t.db, server, disconnectHookSchema.parse({ connection_id: ended.externalId, bytes_received: "70", reason: "dropped" }), at(2));
    const foreign = await tunnel(other);
    const result = await ingest([
      report(live.externalId, 10, 1, 5),
      report("no-such-worker", 10, 1, 5),
      report(ended.externalId, 999, 9, 5),
      report(foreign.externalId, 10, 1, 5),
    ]);
    expect(result).toEqual({ applied: 1, stale: 0, resets: [], unknown: ["no-such-worker", foreign.externalId], ended: [ended.externalId] });
    expect((await totals(ended)).connection).toEqual([70n, 0n]);
    expect((await totals(foreign)).connection).toEqual([0n, 0n]);
  });

  it("takes a report dated in the future as read now", async () => {
    const ids = await tunnel();
    await ingest([report(ids.externalId, 100, 10, 999_999)]);
    const next = await ingestCounters(t.db, server.id, [{ ...report(ids.externalId, 200, 20, 0), at: new Date(NOW.getTime() + 1000) }], {
      now: new Date(NOW.getTime() + 1000),
      sampleSeconds: 10,
    });
    expect(next.applied).toBe(1);
    await flushTraffic(t.db);
    expect((await totals(ids)).connection).toEqual([200n, 20n]);
  });

  it("takes thousands of connections in one report", async () => {
    const count = 1500;
    const user = await createVpnUser(t.db, cliActor(), { username: "bulk", password: "long enough password" });
    const session = await t.db.session.create({ data: { userId: user.id, serverId: server.id, state: "active", clientIp: "198.51.100.30" } });
    await t.db.connection.createMany({
      data: Array.from({ length: count }, (_, i) => ({ sessionId: session.id, serverId: server.id, externalId: `bulk-${i}`, clientIp: "198.51.100.30" })),
    });
    const reports = Array.from({ length: count }, (_, i) => report(`bulk-${i}`, i + 1, 1, 5));
    expect((await ingest(reports)).applied).toBe(count);
    expect(await ingest(reports)).toMatchObject({ applied: 0, stale: count });
    expect((await getSession(t.db, session.id)).bytesIn).toBe((count * (count + 1)) / 2);
    const ids = (await t.db.connection.findMany({ where: { sessionId: session.id }, select: { id: true } })).map((c) => c.id);
    expect(await t.db.trafficSample.count({ where: { connectionId: { in: ids } } })).toBe(count);
  });
});

describe(`traffic written behind the answers (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  const apply = (db: Db, reports: CounterReport[], now = NOW) => ingestCounters(db, server.id, reports, { now, sampleSeconds: 10 });
  const sampleSum = (samples: { bytes: bigint[] }[]) => samples.reduce((sum, s) => sum + (s.bytes[0] ?? 0n), 0n);

  it("answers at once and writes within the flush interval, many reports of a tunnel as one write", async () => {
    const ids = await tunnel();
    for (let i = 1; i <= 5; i++) expect(await apply(t.db, [report(ids.externalId, i * 100, i, i)])).toMatchObject({ applied: 1 });
    expect((await totals(ids)).connection).toEqual([0n, 0n]);
    await new Promise((resolve) => setTimeout(resolve, TRAFFIC_FLUSH_MS + 500));
    expect(await totals(ids)).toEqual({
      connection: [500n, 5n],
      session: [500n, 5n],
      samples: [{ at: at(0).getTime(), resolution: 10, bytes: [500n, 5n] }],
    });
  });

  it("writes reports applied while a slow write runs with the next write, with no further report", async () => {
    const [first, second] = [await tunnel(), await tunnel()];
    const slowly = async <T>(work: () => Promise<T>) => {
      await new Promise((resolve) => setTimeout(resolve, TRAFFIC_FLUSH_MS * 3));
      return work();
    };
    const slow = withDirectDriver(t.db, (driver) => ({
      ...driver,
      runAll: (steps) => slowly(() => driver.runAll(steps)),
      rows: (statement, values) => (/INSERT INTO "TrafficSample"/.test(statement.sql) ? slowly(() => driver.rows(statement, values)) : driver.rows(statement, values)),
    }));
    await apply(slow, [report(first.externalId, 100, 1, 5)]);
    // The first write starts after the flush interval and takes three; the second report comes
    // during it, and its own timer fires while the first write still runs.
    await new Promise((resolve) => setTimeout(resolve, TRAFFIC_FLUSH_MS * 1.5));
    await apply(slow, [report(second.externalId, 200, 2, 5)]);
    await new Promise((resolve) => setTimeout(resolve, TRAFFIC_FLUSH_MS * 10));
    expect((await totals(first)).connection).toEqual([100n, 1n]);
    expect((await totals(second)).connection).toEqual([200n, 2n]);
  });

  it("answers a repeat of a report not yet written as stale", async () => {
    const ids = await tunnel();
    await apply(t.db, [report(ids.externalId, 100, 1, 5)]);
    expect(await apply(t.db, [report(ids.externalId, 100, 1, 5)])).toMatchObject({ applied: 0, stale: 1 });
    await flushTraffic(t.db);
    expect((await totals(ids)).connection).toEqual([100n, 1n]);
  });

  it("two console instances on one tunnel never count a byte twice: the one that lost reads the tunnel again and applies its reading to it", async () => {
    const ids = await tunnel();
    const second = createDb(t.url);
    try {
      await apply(t.db, [report(ids.externalId, 1000, 10, 10)]);
      await flushTraffic(t.db);
      await apply(second, [report(ids.externalId, 3000, 30, 20)]);
      await flushTraffic(second);
      // This instance still holds the tunnel as of its own report: its write loses to the other's,
      // and its reading then counts what it adds to the other's.
      await apply(t.db, [report(ids.externalId, 4000, 40, 30)]);
      await flushTraffic(t.db);
      expect((await totals(ids)).connection).toEqual([4000n, 40n]);
      expect(await apply(t.db, [report(ids.externalId, 5000, 50, 40)])).toMatchObject({ applied: 1 });
      await flushTraffic(t.db);
      const after = await totals(ids);
      expect(after.connection).toEqual([5000n, 50n]);
      expect(sampleSum(after.samples)).toBe(5000n);
    } finally {
      await second.$disconnect();
    }
  });

  it("a reading whose write lost to a new tunnel with the same id counts for that tunnel at once, without another report", async () => {
    const earlier = await tunnel();
    await apply(t.db, [report(earlier.externalId, 1000, 10, 10)]);
    await flushTraffic(t.db);
    // The daemon restarted and gave the id to a new tunnel, while this console still holds the earlier one.
    const later = await anotherTunnel(earlier, earlier.externalId, 100);
    await apply(t.db, [report(earlier.externalId, 300, 30, 110)]);
    await flushTraffic(t.db);
    expect((await totals(later)).connection).toEqual([300n, 30n]);
    expect((await totals(earlier)).connection).toEqual([1000n, 10n]);
  });

  it("a disconnect while reports wait to be written counts each byte once, and later reports answer ended", async () => {
    const ids = await tunnel();
    await apply(t.db, [report(ids.externalId, 1000, 10, 10)]);
    await flushTraffic(t.db);
    await apply(t.db, [report(ids.externalId, 2500, 25, 20)]);
    await disconnect(
      t.db,
      server,
      disconnectHookSchema.parse({ connection_id: ids.externalId, bytes_received: "3000", bytes_sent: "30", reason: "dropped" }),
      at(25),
    );
    await flushTraffic(t.db);
    const after = await totals(ids);
    expect(after.connection).toEqual([3000n, 30n]);
    expect(sampleSum(after.samples)).toBe(3000n);
    expect(await apply(t.db, [report(ids.externalId, 3500, 35, 30)])).toMatchObject({ applied: 0, ended: [ids.externalId] });
  });

  it.runIf(process.env.TEST_DATABASE === "postgresql")(
    "a disconnect meeting another instance's traffic write in flight counts from what that write commits",
    async () => {
      const ids = await tunnel();
      await ingest([report(ids.externalId, 1000, 10, 10)]);
      const other = new pg.Client({ connectionString: t.url });
      await other.connect();
      try {
        // Another instance writes 1000 -> 4000 (and its sample) and has not committed yet.
        await other.query("BEGIN");
        await other.query(`UPDATE "Connection" SET "bytesIn" = 4000, "counterIn" = 4000, "countersAt" = $2 WHERE "id" = $1`, [ids.connectionId, at(20)]);
        await other.query(`INSERT INTO "TrafficSample" ("resolution", "at", "connectionId", "bytesIn", "bytesOut") VALUES (10, $1, $2, 3000, 0)`, [
          at(20),
          ids.connectionId,
        ]);
        const ended = disconnect(
          t.db,
          server,
          disconnectHookSchema.parse({ connection_id: ids.externalId, bytes_received: "5000", bytes_sent: "10", reason: "dropped" }),
          at(35),
        );
        // The disconnect has come as far as the row the other write holds.
        await vi.waitFor(async () => expect((await other.query(`SELECT 1 FROM pg_locks WHERE NOT "granted"`)).rowCount).toBeGreaterThan(0), {
          timeout: 5000,
          interval: 20,
        });
        await other.query("COMMIT");
        await ended;
      } finally {
        await other.end();
      }
      const after = await totals(ids);
      expect(after.connection).toEqual([5000n, 10n]);
      expect(sampleSum(after.samples)).toBe(5000n);
    },
  );

  it("refuses reports while the database cannot take the writes, keeps what it holds, and writes it once the database is back", async () => {
    const ids = await tunnel();
    let down = true;
    const flaky = withDirectDriver(t.db, (driver) => ({
      ...driver,
      runAll: async (steps) => {
        if (down) throw new DatabaseUnavailableError(new Error("connect ECONNREFUSED"));
        return driver.runAll(steps);
      },
      rows: async (statement, values) => {
        if (down && /INSERT INTO "TrafficSample"/.test(statement.sql)) throw new DatabaseUnavailableError(new Error("connect ECONNREFUSED"));
        return driver.rows(statement, values);
      },
    }));
    const errors = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      await apply(flaky, [report(ids.externalId, 700, 7, 5)]);
      await expect(flushTraffic(flaky)).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(apply(flaky, [report(ids.externalId, 800, 8, 6)])).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(errors.mock.calls.flat().join("")).toContain("traffic cannot be written: the database is unavailable");
    } finally {
      errors.mockRestore();
    }
    down = false;
    await flushTraffic(flaky);
    expect((await totals(ids)).connection).toEqual([700n, 7n]);
    expect(await apply(flaky, [report(ids.externalId, 800, 8, 6)])).toMatchObject({ applied: 1 });
    await flushTraffic(flaky);
    expect((await totals(ids)).connection).toEqual([800n, 8n]);
  });
});
