import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { createGroup } from "../groups";
import { updateScopePolicy } from "../policies";
import { registerServer } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { callHook, openTunnel } from "../testing/tunnels";
import { flushTraffic, ingestCounters } from "../traffic/ingest";
import { createVpnUser } from "../vpn-users";
import { trafficHistory, trafficHistoryQuerySchema } from "./traffic-history";

let t: TestDb;
let token: string;
let serverId: string;
let sessionId: string;
let t0: number;
const at = (seconds: number) => new Date(t0 + seconds * 1000);

async function report(connectionId: string, seconds: number, bytesIn: number, bytesOut: number) {
  await ingestCounters(t.db, serverId, [{ connectionId, bytesIn: BigInt(bytesIn), bytesOut: BigInt(bytesOut), at: at(seconds) }], {
    now: at(seconds),
  });
  await flushTraffic(t.db);
}

beforeAll(async () => {
  t = await createTestDb();
  const registered = await registerServer(t.db, cliActor(), { name: "edge", kind: "openvpn" });
  token = registered.token;
  serverId = registered.server.id;
  await createGroup(t.db, cliActor(), { name: "field" });
  await updateScopePolicy(t.db, cliActor(), { scope: "group", name: "field" }, { inactivityWindow: 60, inactivityBytes: 500 });
  await createVpnUser(t.db, cliActor(), { username: "dan", password: "dan-password", group: "field" });
  await createVpnUser(t.db, cliActor(), { username: "eve", password: "eve-password", group: "field" });
  const dan = await openTunnel(t.db, token, { username: "dan", password: "dan-password", clientIp: "192.0.2.1", clientPort: "7000", vpnIp: "10.0.0.2" });
  const eve = await openTunnel(t.db, token, { username: "eve", password: "eve-password", clientIp: "192.0.2.2", clientPort: "7001", vpnIp: "10.0.0.3" });
  // Aligned to the 20 s points of a 1 h chart, so which point holds which sample is fixed.
  t0 = Math.ceil((Date.now() + 1000) / 20_000) * 20_000;
  // dan: 1,000 B in the first 10 s, 100 B at 70 s, then nothing; eve: 10,000 B at 30 s.
  await report(dan, 5, 600, 400);
  await report(dan, 70, 650, 450);
  await report(eve, 30, 5_000, 5_000);
  await callHook(t.db, token, "disconnect", { connection_id: eve, bytes_received: "5000", bytes_sent: "5000", duration: "40", reason: "killed" });
  const session = await t.db.session.findFirstOrThrow({ where: { user: { username: "dan" } } });
  sessionId = session.id;
});

afterAll(async () => {
  await t.drop();
});

describe(`traffic history (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("a session's traffic per point, its rate, and the inactivity window against the threshold", async () => {
    const history = await trafficHistory(t.db, { session: sessionId }, "1h", at(120));
    expect(history.step).toBe(20);
    expect(history.points).toHaveLength(180);
    expect(history.inactivity).toEqual({ window: 60, threshold: 500 });
    const moved = history.points.filter((p) => p.bytesIn + p.bytesOut > 0);
    expect(moved.map((p) => p.bytesIn + p.bytesOut)).toEqual([1_000, 100]);
    expect(moved[0]?.rateIn).toBeCloseTo(600 / 20);
    // The window (3 points of 20 s) holds the first 1,000 B for three points.
    const windows = history.points.map((p) => p.windowBytes);
    const first = history.points.indexOf(moved[0] as (typeof moved)[number]);
    expect(windows.slice(first, first + 3)).toEqual([1_000, 1_000, 1_000]);
    // The last minute (60 s to 120 s) moved only the 100 B: below the 500 B threshold.
    expect(windows.at(-1)).toBe(100);
    expect(Math.max(...windows.map((w) => w ?? 0))).toBe(1_000);
    expect(history.events.map((e) => e.kind)).toEqual(["connect"]);
  });

  it("a group's traffic sums its members, marks connects and kills, and counts sessions started", async () => {
    const history = await trafficHistory(t.db, { group: "field" }, "24h", at(120));
    expect(history.step).toBe(480);
    expect(history.points.reduce((sum, p) => sum + p.bytesIn + p.bytesOut, 0)).toBe(11_100);
    expect(history.inactivity).toBeNull();
    expect(history.events.map((e) => e.kind)).toEqual(["connect", "connect", "kill"]);
    expect(history.sessionsStarted?.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it("a user's traffic is theirs only; unknown targets and ranges are refused clearly", async () => {
    const eve = await trafficHistory(t.db, { user: "eve" }, "7d", at(120));
    expect(eve.points.reduce((sum, p) => sum + p.bytesIn + p.bytesOut, 0)).toBe(10_000);
    await expect(trafficHistory(t.db, { user: "nobody" }, "1h")).rejects.toThrow('VPN user "nobody" not found');
    await expect(trafficHistory(t.db, { group: "nothing" }, "1h")).rejects.toThrow('group "nothing" not found');
    await expect(trafficHistory(t.db, { session: "no-such-session" }, "1h")).rejects.toThrow("not found");
    expect(() => trafficHistoryQuerySchema.parse({ range: "2y" })).toThrow("range must be one of 1h, 24h, 7d");
  });
});
