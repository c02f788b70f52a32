// Current Users over real tunnels: logins and connects through the hook API, counters through the
// traffic ingest, policies through the policy layer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { createGroup } from "../groups";
import { updateScopePolicy } from "../policies";
import { registerServer } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { callHook, openTunnel } from "../testing/tunnels";
import { flushTraffic, ingestCounters } from "../traffic/ingest";
import { createVpnUser } from "../vpn-users";
import { currentUsersQuerySchema, listCurrentUsers } from "./current-users";

let t: TestDb;
const tokens: Record<string, string> = {};
const serverIds: Record<string, string> = {};
let t0: number;

const hook = async (server: string, action: string, fields: Record<string, string>) => {
  const answer = await callHook(t.db, tokens[server] as string, action, fields);
  expect(answer.status, answer.body).toBe(200);
};

const tunnel = (server: string, username: string, clientIp: string, clientPort: string, vpnIp: string) =>
  openTunnel(t.db, tokens[server] as string, { username, password: `${username}-password`, clientIp, clientPort, vpnIp });

/** Cumulative counters of one tunnel, `seconds` after t0. */
async function report(server: string, connectionId: string, seconds: number, bytesIn: number, bytesOut: number) {
  await ingestCounters(t.db, serverIds[server] as string, [
    { connectionId, bytesIn: BigInt(bytesIn), bytesOut: BigInt(bytesOut), at: new Date(t0 + seconds * 1000) },
  ], { now: new Date(t0 + seconds * 1000) });
  await flushTraffic(t.db);
}

const query = (input: Record<string, unknown> = {}) => currentUsersQuerySchema.parse(input);
const at = (seconds: number) => new Date(t0 + seconds * 1000);

beforeAll(async () => {
  t = await createTestDb();
  for (const name of ["edge-a", "edge-b"]) {
    const registered = await registerServer(t.db, cliActor(), { name, kind: "openvpn" });
    tokens[name] = registered.token;
    serverIds[name] = registered.server.id;
  }
  await createGroup(t.db, cliActor(), { name: "staff" });
  await createVpnUser(t.db, cliActor(), { username: "alice", password: "alice-password", group: "staff" });
  await createVpnUser(t.db, cliActor(), { username: "bob", password: "bob-password" });
  await updateScopePolicy(t.db, cliActor(), { scope: "group", name: "staff" }, { inactivityWindow: 60, inactivityBytes: 1000 });
  await tunnel("edge-a", "alice", "198.51.100.1", "1001", "10.8.0.2");
  await tunnel("edge-b", "alice", "198.51.100.2", "1002", "10.9.0.2");
  await tunnel("edge-a", "bob", "198.51.100.3", "1003", "10.8.0.3");
  t0 = Date.now() + 1000;
  // alice on edge-a: busy then quiet; alice on edge-b: a trickle; bob: steady.
  await report("edge-a", "198.51.100.1:1001", 10, 50_000, 20_000);
  await report("edge-a", "198.51.100.1:1001", 70, 50_300, 20_200);
  await report("edge-b", "198.51.100.2:1002", 70, 100, 50);
  await report("edge-a", "198.51.100.3:1003", 50, 3_000, 3_000);
  await report("edge-a", "198.51.100.3:1003", 80, 6_000, 9_000);
});

afterAll(async () => {
  await t.drop();
});

describe(`Current Users (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("lists every tunnel up, with totals over the filtered set and a per-server breakdown", async () => {
    const view = await listCurrentUsers(t.db, query(), at(90));
    expect(view.total).toBe(3);
    expect(view.rows.map((row) => row.username).sort()).toEqual(["alice", "alice", "bob"]);
    expect(view.totals).toMatchObject({ users: 2, connections: 3, bytesIn: 50_300 + 100 + 6_000, bytesOut: 20_200 + 50 + 9_000 });
    expect(view.servers.map((s) => [s.server, s.users, s.connections])).toEqual([
      ["edge-a", 2, 2],
      ["edge-b", 1, 1],
    ]);
  });

  it("gives the current rate between a tunnel's two latest readings while the later is recent", async () => {
    const view = await listCurrentUsers(t.db, query({ q: "bob" }), at(90));
    const bob = view.rows[0];
    // bob's readings at 50 s and 80 s are 3,000 in and 6,000 out apart.
    expect(bob).toMatchObject({ username: "bob", group: null, server: "edge-a", vpnIp: "10.8.0.3" });
    expect(bob?.rateIn).toBe(100);
    expect(bob?.rateOut).toBe(200);
    expect(view.totals).toMatchObject({ rateIn: 100, rateOut: 200 });
    // 40 s after its latest reading, nothing is known of what the tunnel moves now.
    const later = await listCurrentUsers(t.db, query({ q: "bob" }), at(120));
    expect(later.rows[0]).toMatchObject({ rateIn: 0, rateOut: 0 });
    expect(later.totals).toMatchObject({ rateIn: 0, rateOut: 0 });
  });

  it("shows the inactivity window's traffic against the user's threshold, and none without a threshold", async () => {
    const view = await listCurrentUsers(t.db, query({ q: "alice", sort: "server", order: "asc" }), at(100));
    const [onA, onB] = view.rows;
    // In the last 60 s (from 40 s): edge-a moved 300 + 200 at 70 s; edge-b 150 at 70 s.
    expect(onA?.inactivity).toEqual({ window: 60, threshold: 1000, bytes: 500, windowComplete: true, enforced: false });
    expect(onB?.inactivity).toMatchObject({ bytes: 150, threshold: 1000 });
    const bob = (await listCurrentUsers(t.db, query({ q: "bob" }), at(100))).rows[0];
    expect(bob?.inactivity).toBeNull();
  });

  it("filters by server, group and search, sorts and pages on the server side", async () => {
    expect((await listCurrentUsers(t.db, query({ server: "edge-b" }), at(90))).rows.map((r) => r.clientIp)).toEqual(["198.51.100.2"]);
    expect((await listCurrentUsers(t.db, query({ group: "staff" }), at(90))).total).toBe(2);
    expect((await listCurrentUsers(t.db, query({ q: "10.9.0" }), at(90))).total).toBe(1);
    expect((await listCurrentUsers(t.db, query({ q: "ALICE" }), at(90))).total).toBe(2);
    const byBytes = await listCurrentUsers(t.db, query({ sort: "bytesIn", order: "desc" }), at(90));
    expect(byBytes.rows.map((r) => r.bytesIn)).toEqual([50_300, 6_000, 100]);
    const second = await listCurrentUsers(t.db, query({ sort: "bytesIn", order: "desc", pageSize: 1, page: 2 }), at(90));
    expect(second).toMatchObject({ total: 3, page: 2, pageSize: 1 });
    expect(second.rows.map((r) => r.bytesIn)).toEqual([6_000]);
    // Totals cover the filtered set, not the page.
    expect(second.totals.connections).toBe(3);
  });

  it("sorts by the current rate (in + out) on the server side", async () => {
    const ips = async (order: "asc" | "desc", extra: Record<string, unknown> = {}) =>
      (await listCurrentUsers(t.db, query({ sort: "rate", order, ...extra }), at(90))).rows.map((r) => r.clientIp);
    // bob 300 bytes/s, alice on edge-a 500 bytes in 60 s, alice on edge-b one reading (no rate yet).
    expect(await ips("desc")).toEqual(["198.51.100.3", "198.51.100.1", "198.51.100.2"]);
    expect(await ips("asc")).toEqual(["198.51.100.2", "198.51.100.1", "198.51.100.3"]);
    expect(await ips("desc", { pageSize: 1, page: 2 })).toEqual(["198.51.100.1"]);
  });

  it("sorts by how much of its threshold each tunnel moved in its window, tunnels without one last", async () => {
    const view = async (order: "asc" | "desc") => (await listCurrentUsers(t.db, query({ sort: "window", order }), at(100))).rows;
    // alice's window (60 s from 40 s): 500 of 1,000 on edge-a, 150 on edge-b; bob has no threshold.
    const ascending = await view("asc");
    expect(ascending.map((r) => r.clientIp)).toEqual(["198.51.100.2", "198.51.100.1", "198.51.100.3"]);
    expect(ascending.map((r) => r.inactivity?.bytes ?? null)).toEqual([150, 500, null]);
    expect((await view("desc")).map((r) => r.clientIp)).toEqual(["198.51.100.1", "198.51.100.2", "198.51.100.3"]);
  });

  it("takes % and _ in a search literally", async () => {
    expect((await listCurrentUsers(t.db, query({ q: "%" }), at(90))).total).toBe(0);
    expect((await listCurrentUsers(t.db, query({ q: "_" }), at(90))).total).toBe(0);
    expect((await listCurrentUsers(t.db, query({ q: "198.51.100._" }), at(90))).total).toBe(0);
  });

  it("drops a tunnel once its disconnect arrives", async () => {
    await hook("edge-b", "disconnect", { connection_id: "198.51.100.2:1002", bytes_received: "100", bytes_sent: "50", duration: "90", reason: "dropped" });
    const view = await listCurrentUsers(t.db, query(), at(95));
    expect(view.total).toBe(2);
    expect(view.servers.map((s) => s.server)).toEqual(["edge-a"]);
  });

  it("refuses an unknown sort with a message naming it", () => {
    expect(() => query({ sort: "password" })).toThrow(/sort must be one of user, server, connectedAt, bytesIn, bytesOut, rate, window/);
  });
});
