import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { registerServer } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { flushTraffic, ingestCounters } from "./ingest";
import { compactTrafficSamples, DEFAULT_TRAFFIC_RETENTION, parseRetention, trafficRetention } from "./retention";

describe("parseRetention", () => {
  it("reads the default tiers", () => {
    expect(parseRetention(DEFAULT_TRAFFIC_RETENTION)).toEqual([
      { resolution: 10, keep: 86400 },
      { resolution: 300, keep: 7 * 86400 },
      { resolution: 3600, keep: 90 * 86400 },
    ]);
    expect(trafficRetention({})).toEqual(parseRetention(DEFAULT_TRAFFIC_RETENTION));
    expect(trafficRetention({ TRAFFIC_RETENTION: "30s:2h" })).toEqual([{ resolution: 30, keep: 7200 }]);
  });

  it.each([
    ["10s", "must be resolution:keep"],
    ["10s:1d,7s:7d", "must be a multiple of the previous tier's and coarser"],
    ["10s:1d,1min:1h", "must keep samples longer than the previous tier"],
    ["1h:10min", "keeps samples for less than one resolution"],
    ["ten:1d", 'resolution "ten"'],
    ["0s:1d", "must be at least 1 s"],
  ])("refuses %s", (spec, message) => {
    expect(() => parseRetention(spec)).toThrow(message);
    expect(() => trafficRetention({ TRAFFIC_RETENTION: spec })).toThrow("TRAFFIC_RETENTION");
  });
});

describe(`compactTrafficSamples (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  let t: TestDb;
  let connectionId: string;
  const tiers = parseRetention("10s:1h, 1min:1d, 10min:7d");
  const HOUR = 3600_000;
  const start = Date.UTC(2030, 0, 1);
  const at = (ms: number) => new Date(start + ms);

  beforeAll(async () => {
    t = await createTestDb();
    const server = (await registerServer(t.db, cliActor(), { name: "oc-retention", kind: "ocserv" })).server;
    const user = await createVpnUser(t.db, cliActor(), { username: "retained", password: "long enough password" });
    const session = await t.db.session.create({ data: { userId: user.id, serverId: server.id, state: "active", clientIp: "198.51.100.40" } });
    const connection = await t.db.connection.create({ data: { sessionId: session.id, serverId: server.id, externalId: "w-1", clientIp: "198.51.100.40" } });
    connectionId = connection.id;
    // Two hours of reports every 10 s, 100 bytes in and 10 out each time.
    const reports = Array.from({ length: 720 }, (_, i) => ({
      connectionId: "w-1",
      bytesIn: BigInt((i + 1) * 100),
      bytesOut: BigInt((i + 1) * 10),
      at: at(i * 10_000 + 5000),
    }));
    await ingestCounters(t.db, server.id, reports, { now: at(2 * HOUR), sampleSeconds: 10 });
    await flushTraffic(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  async function byResolution() {
    const samples = await t.db.trafficSample.findMany({ where: { connectionId } });
    const out: Record<number, { count: number; bytesIn: bigint; bytesOut: bigint; oldest: number }> = {};
    for (const sample of samples) {
      const entry = (out[sample.resolution] ??= { count: 0, bytesIn: 0n, bytesOut: 0n, oldest: Infinity });
      entry.count += 1;
      entry.bytesIn += sample.bytesIn;
      entry.bytesOut += sample.bytesOut;
      entry.oldest = Math.min(entry.oldest, sample.at.getTime() - start);
    }
    return out;
  }

  it("keeps recent samples fine, rolls older ones into coarser buckets and keeps every byte", async () => {
    expect(await byResolution()).toEqual({ 10: { count: 720, bytesIn: 72000n, bytesOut: 7200n, oldest: 0 } });
    const result = await compactTrafficSamples(t.db, tiers, at(2 * HOUR));
    expect(result).toEqual({ rolledUp: 360, deleted: 0 });
    expect(await byResolution()).toEqual({
      10: { count: 360, bytesIn: 36000n, bytesOut: 3600n, oldest: HOUR },
      60: { count: 60, bytesIn: 36000n, bytesOut: 3600n, oldest: 0 },
    });
    expect(await compactTrafficSamples(t.db, tiers, at(2 * HOUR))).toEqual({ rolledUp: 0, deleted: 0 });
  });

  it("moves samples down tier by tier as the clock advances, then deletes them past the last", async () => {
    await compactTrafficSamples(t.db, tiers, at(26 * HOUR));
    expect(await byResolution()).toEqual({ 600: { count: 12, bytesIn: 72000n, bytesOut: 7200n, oldest: 0 } });
    await compactTrafficSamples(t.db, tiers, at(7 * 24 * HOUR + HOUR));
    expect(await byResolution()).toEqual({ 600: { count: 6, bytesIn: 36000n, bytesOut: 3600n, oldest: HOUR } });
    expect(await compactTrafficSamples(t.db, tiers, at(8 * 24 * HOUR))).toEqual({ rolledUp: 0, deleted: 6 });
    expect(await byResolution()).toEqual({});
  });
});
