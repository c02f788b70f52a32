import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { createGroup } from "../groups";
import { handleHook } from "../hooks/handler";
import { getScopePolicy, updateScopePolicy } from "../policies";
import { registerServer } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { bucketStart } from "./samples";
import { observedTraffic, splitIdleActive, windowTotals } from "./windows";

describe("window totals", () => {
  it("cuts a tunnel's samples into whole windows from when it came up, dropping the unfinished one", () => {
    const samples = [
      { at: 5_000, bytes: 100 },
      { at: 59_000, bytes: 50 },
      { at: 61_000, bytes: 7 },
      { at: 130_000, bytes: 1_000 },
    ];
    expect(windowTotals(0, 150_000, samples, 60)).toEqual([150, 7]);
    expect(windowTotals(0, 59_000, samples, 60)).toEqual([]);
    // A bucket that started before the tunnel came up holds bytes moved after it did.
    expect(windowTotals(4_000, 70_000, [{ at: 0, bytes: 120 }, { at: 10_000, bytes: 5 }], 60)).toEqual([125]);
  });

  it("splits idle from working windows at a wide jump, and refuses to guess without one", () => {
    const idle = Array.from({ length: 12 }, (_, i) => 100 + i);
    const busy = Array.from({ length: 8 }, (_, i) => 50_000 + i);
    expect(splitIdleActive([...idle, ...busy])).toEqual({ idle, active: busy });
    expect(splitIdleActive(Array.from({ length: 20 }, (_, i) => 1_000 + i * 200))).toBeNull();
    expect(splitIdleActive([1, 1_000_000])).toBeNull();
  });
});

describe(`policy advice from recorded traffic (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  let t: TestDb;

  beforeAll(async () => {
    t = await createTestDb();
    const { token } = await registerServer(t.db, cliActor(), { name: "edge", kind: "openvpn" });
    await createGroup(t.db, cliActor(), { name: "kiosks" });
    const now = Date.now();
    // Twenty minutes of one-minute windows: four idle tunnels (~200 B a minute), two busy ones.
    for (let i = 0; i < 6; i++) {
      const username = `kiosk-${i}`;
      await createVpnUser(t.db, cliActor(), { username, password: "kiosk-password", group: "kiosks" });
      const endpoint = { username, client_ip: `192.0.2.${i + 1}`, client_port: "4000" };
      for (const [action, extra] of [
        ["auth", { password: "kiosk-password" }],
        ["connect", { connection_id: `192.0.2.${i + 1}:4000` }],
      ] as const) {
        const answer = await handleHook(t.db, {
          method: "POST",
          path: `/api/hooks/v1/${action}`,
          authorization: `Bearer ${token}`,
          contentType: "application/x-www-form-urlencoded",
          accept: "text/plain",
          body: new URLSearchParams({ ...endpoint, ...extra }).toString(),
        });
        expect(answer.status, answer.body).toBe(200);
      }
      const connection = await t.db.connection.findFirstOrThrow({ where: { externalId: `192.0.2.${i + 1}:4000` } });
      const connectedAt = new Date(now - 20 * 60_000);
      await t.db.connection.update({ where: { id: connection.id }, data: { connectedAt } });
      await t.db.trafficSample.createMany({
        data: Array.from({ length: 20 }, (_, minute) => ({
          connectionId: connection.id,
          resolution: 10,
          at: bucketStart(new Date(connectedAt.getTime() + minute * 60_000 + 10_000), 10),
          bytesIn: BigInt(i < 4 ? 100 + i : 400_000),
          bytesOut: BigInt(i < 4 ? 100 : 100_000),
        })),
      });
    }
  });

  afterAll(async () => {
    await t.drop();
  });

  it("reads idle and active traffic per window for the scope's users", async () => {
    const users = (await t.db.vpnUser.findMany({ select: { id: true } })).map((u) => u.id);
    expect(await observedTraffic(t.db, users, 60)).toEqual({ idleBytesPerWindowP95: 203, activeBytesPerWindowP5: 500_000 });
    expect(await observedTraffic(t.db, users.slice(0, 1), 60)).toBeUndefined();
  });

  it("warns when a threshold sits at idle traffic or above what working tunnels move", async () => {
    const kiosks = { scope: "group", name: "kiosks" } as const;
    const low = await updateScopePolicy(t.db, cliActor(), kiosks, { inactivityWindow: 60, inactivityBytes: 150 });
    expect(low.warnings.map((w) => w.code)).toContain("inactivity-threshold-below-idle-traffic");
    const high = await updateScopePolicy(t.db, cliActor(), kiosks, { inactivityBytes: 600_000 });
    expect(high.warnings.map((w) => w.code)).toContain("inactivity-threshold-above-active-traffic");
    const right = await updateScopePolicy(t.db, cliActor(), kiosks, { inactivityBytes: 1_000 });
    expect(right.warnings.map((w) => w.code)).not.toContain("inactivity-threshold-below-idle-traffic");
    expect((await getScopePolicy(t.db, kiosks)).warnings.map((w) => w.code)).not.toContain("inactivity-threshold-above-active-traffic");
  });
});
