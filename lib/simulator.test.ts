// The simulator against the real hook path (serveHook over HTTP, real database): tunnels come up,
// counters arrive, and dropped tunnels come back with their session token.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "./actor";
import { serveHook } from "./hooks/node";
import { registerServer } from "./servers";
import { Simulator } from "./simulator";
import { createTestDb, type TestDb } from "./testing/test-db";
import { createVpnUser } from "./vpn-users";

let t: TestDb;
let http: Server;
let simulator: Simulator;

/** A seeded generator, so the run is the same every time. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

beforeAll(async () => {
  t = await createTestDb();
  const { token } = await registerServer(t.db, cliActor(), { name: "simulator", kind: "openvpn" });
  const users = [];
  for (let i = 0; i < 12; i++) {
    const username = `sim-${i}`;
    await createVpnUser(t.db, cliActor(), { username, password: "simulated-password" });
    users.push({ username, password: "simulated-password" });
  }
  http = createServer((request, response) => void serveHook(t.db, request, response));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const consoleUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  simulator = new Simulator({ consoleUrl, serverToken: token, users, idleShare: 0.5, random: seeded(7) });
});

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  await t.drop();
});

describe(`simulator (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("brings every client up, reports their counters, and logs them out at the end", async () => {
    const totals = { logins: 0, reconnects: 0, disconnects: 0, refused: 0 };
    let last = { tunnelsUp: 0, trafficReported: 0 };
    for (let i = 0; i < 40; i++) {
      const step = await simulator.step();
      totals.logins += step.logins;
      totals.reconnects += step.reconnects;
      totals.disconnects += step.disconnects;
      totals.refused += step.refused;
      last = step;
    }
    expect(totals.refused).toBe(0);
    expect(totals.logins).toBeGreaterThanOrEqual(12);
    expect(last.trafficReported).toBe(last.tunnelsUp);
    expect(await t.db.connection.count({ where: { disconnectedAt: null } })).toBe(last.tunnelsUp);
    const moved = await t.db.connection.aggregate({ _sum: { bytesIn: true } });
    expect(Number(moved._sum.bytesIn)).toBeGreaterThan(1_000_000);
    // With this seed some tunnels drop and come back with their session token, without a password.
    expect(totals.disconnects).toBeGreaterThan(0);
    expect(totals.reconnects).toBeGreaterThan(0);

    await simulator.stop();
    expect(await t.db.connection.count({ where: { disconnectedAt: null } })).toBe(0);
    expect(await t.db.session.count({ where: { state: "active" } })).toBe(0);
  });
});
