import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { createGroup } from "../groups";
import { updateScopePolicy } from "../policies";
import { registerServer } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { openTunnel } from "../testing/tunnels";
import { flushTraffic, ingestCounters } from "../traffic/ingest";
import { createVpnUser } from "../vpn-users";
import { suggestThreshold, tuneInactivity, tuningQuerySchema } from "./tuning";

describe("threshold suggestion", () => {
  it("finds the idle cluster below a wide gap and suggests twice its top, saying why", () => {
    const idle = Array.from({ length: 60 }, (_, i) => 400 + (i % 5) * 20);
    const busy = Array.from({ length: 40 }, (_, i) => 200_000 + i * 1_000);
    const suggestion = suggestThreshold([...idle, ...busy].sort((a, b) => a - b), 300);
    expect(suggestion?.threshold).toBe(960);
    expect(suggestion?.explanation).toMatch(/^60% of the 5 min windows moved at most 480 B \(idle tunnels: keepalives only\)/);
  });

  it("falls back to a cautious value when no gap separates idle from busy, and says so", () => {
    const smooth = Array.from({ length: 50 }, (_, i) => 1_000 + i * 100).sort((a, b) => a - b);
    const suggestion = suggestThreshold(smooth, 60);
    expect(suggestion?.threshold).toBe(2 * 1_500);
    expect(suggestion?.explanation).toMatch(/^No clear gap/);
    expect(suggestThreshold([1, 2, 3], 60)).toBeNull();
  });
});

describe(`tuning from recorded traffic (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  let t: TestDb;
  let now: Date;

  beforeAll(async () => {
    t = await createTestDb();
    const { token, server } = await registerServer(t.db, cliActor(), { name: "edge", kind: "openvpn" });
    await createGroup(t.db, cliActor(), { name: "night-shift" });
    await updateScopePolicy(t.db, cliActor(), { scope: "group", name: "night-shift" }, { inactivityWindow: 60, inactivityBytes: 100 });
    const tunnels: string[] = [];
    for (const [i, name] of ["idle-ian", "idle-ivy", "busy-bea"].entries()) {
      await createVpnUser(t.db, cliActor(), { username: name, password: `${name}-password`, group: "night-shift" });
      tunnels.push(
        await openTunnel(t.db, token, { username: name, password: `${name}-password`, clientIp: `192.0.2.${i + 1}`, clientPort: "9000", vpnIp: `10.1.0.${i + 1}` }),
      );
    }
    // Ten minutes of traffic: idle tunnels move ~300 B a minute (keepalives), the busy one ~1 MB.
    const start = (await t.db.connection.findFirstOrThrow({ orderBy: { connectedAt: "desc" } })).connectedAt.getTime();
    const cumulative = [0, 0, 0];
    for (let minute = 0; minute < 10; minute++) {
      const at = new Date(start + minute * 60_000 + 30_000);
      cumulative[0] = (cumulative[0] ?? 0) + 300;
      cumulative[1] = (cumulative[1] ?? 0) + 280 + minute;
      cumulative[2] = (cumulative[2] ?? 0) + 1_000_000;
      await ingestCounters(
        t.db,
        server.id,
        tunnels.map((connectionId, i) => ({ connectionId, bytesIn: BigInt(cumulative[i] ?? 0), bytesOut: 0n, at })),
        { now: at },
      );
      await flushTraffic(t.db);
    }
    now = new Date(start + 10 * 60_000 + 5_000);
  });

  afterAll(async () => {
    await t.drop();
  });

  it("shows the distribution per window, the current threshold, and a suggestion just above idle traffic", async () => {
    const view = await tuneInactivity(t.db, tuningQuerySchema.parse({ scope: "group:night-shift" }), now);
    expect(view).toMatchObject({ window: 60, currentThreshold: 100, tunnels: 3 });
    expect(view.windows).toBeGreaterThanOrEqual(27);
    expect(view.suggestion?.threshold).toBeGreaterThanOrEqual(2 * 289);
    expect(view.suggestion?.threshold).toBeLessThan(1_000);
    expect(view.histogram.find((bin) => bin.from === 100)?.windows).toBeGreaterThan(15);
    expect(view.histogram.find((bin) => bin.from === 1_000_000)?.windows).toBeGreaterThan(8);
  });

  it("answers what if: which users a threshold would have cut", async () => {
    const view = await tuneInactivity(t.db, tuningQuerySchema.parse({ scope: "group:night-shift", threshold: 5_000 }), now);
    const at5k = view.whatIf.find((w) => w.threshold === 5_000);
    expect(at5k).toMatchObject({ tunnelsCut: 2, tunnels: 3 });
    expect(at5k?.users.map((u) => u.username)).toEqual(["idle-ian", "idle-ivy"]);
    const current = view.whatIf.find((w) => w.threshold === 100);
    expect(current?.tunnelsCut).toBe(0);
  });

  it("tries another window, and refuses unknown scopes and bad values by name", async () => {
    const wide = await tuneInactivity(t.db, tuningQuerySchema.parse({ scope: "group:night-shift", window: 300 }), now);
    expect(wide.window).toBe(300);
    expect(wide.windows).toBeLessThan(10);
    await expect(tuneInactivity(t.db, tuningQuerySchema.parse({ scope: "group:nope" }), now)).rejects.toThrow('group "nope" not found');
    expect(() => tuningQuerySchema.parse({ scope: "everyone" })).toThrow(/scope must be \\"default\\", \\"group:NAME\\" or \\"user:NAME\\"/);
    expect(() => tuningQuerySchema.parse({ scope: "default", window: 5 })).toThrow("window must be at least 10 s");
  });
});
