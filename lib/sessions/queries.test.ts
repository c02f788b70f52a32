import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { authHookSchema, connectHookSchema, disconnectHookSchema } from "../hooks/schemas";
import { registerServer, type ServerView } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { authorize, connect, disconnect } from "./authority";
import { getSession, listSessions, sessionListSchema } from "./queries";

let t: TestDb;
let edge: ServerView;
let other: ServerView;
let port = 50_000;

beforeAll(async () => {
  t = await createTestDb();
  edge = (await registerServer(t.db, cliActor(), { name: "list-edge", kind: "openvpn" })).server;
  other = (await registerServer(t.db, cliActor(), { name: "list-other", kind: "openvpn" })).server;
  for (const username of ["carol", "dave"]) await createVpnUser(t.db, cliActor(), { username, password: "pw-list-sessions" });
});
afterAll(async () => {
  await t.drop();
});

/** Login and tunnel up; then, if `end` is given, the tunnel ends that way. */
async function session(username: string, server: ServerView, end?: "graceful" | "dropped") {
  const endpoint = { username, client_ip: "192.0.2.9", client_port: String(++port) };
  const decision = await authorize(t.db, server, authHookSchema.parse({ ...endpoint, password: "pw-list-sessions" }));
  if (!decision.allow) throw new Error(decision.reason);
  await connect(t.db, server, connectHookSchema.parse({ ...endpoint, vpn_ip: "10.8.0.9", connection_id: `c-${port}` }));
  if (end) {
    const counters = { connection_id: `c-${port}`, bytes_received: "100", bytes_sent: "300", reason: end };
    await disconnect(t.db, server, disconnectHookSchema.parse(counters));
  }
  return decision.sessionId;
}

const list = (query: Record<string, string>) => listSessions(t.db, sessionListSchema.parse(query));

describe(`sessions list and detail (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("lists sessions by state with their reasons, filtered by user and server, one page at a time", async () => {
    const dormant = await session("carol", edge, "dropped");
    const ended = await session("carol", other, "graceful");
    const active = [await session("dave", edge), await session("dave", edge), await session("dave", other)];

    const all = await list({});
    expect(all.total).toBe(5);
    expect(all.counts).toEqual({ pending: 0, active: 3, dormant: 1, expired: 0, revoked: 0, ended: 1 });

    const dormantOnly = await list({ state: "dormant" });
    expect(dormantOnly.sessions).toEqual([
      expect.objectContaining({ id: dormant, username: "carol", server: "list-edge", state: "dormant", stateReason: "tunnel dropped" }),
    ]);
    expect((await list({ state: "ended" })).sessions).toEqual([
      expect.objectContaining({ id: ended, stateReason: "client disconnected", hasToken: true, openConnections: 0 }),
    ]);

    expect((await list({ user: "CAROL", state: "active" })).counts).toEqual({ pending: 0, active: 0, dormant: 1, expired: 0, revoked: 0, ended: 1 });
    const daveOnEdge = await list({ user: "dav", server: "list-edge" });
    expect(daveOnEdge.sessions.map((row) => row.id).sort()).toEqual(active.slice(0, 2).sort());

    const first = await list({ user: "dave", pageSize: "2" });
    const second = await list({ user: "dave", pageSize: "2", page: "2" });
    expect(first).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(first.sessions).toHaveLength(2);
    expect(second.sessions).toHaveLength(1);
    expect([...first.sessions, ...second.sessions].map((row) => row.id).sort()).toEqual([...active].sort());
  });

  it("gives a session the bytes of all its connections, in the list and in the detail", async () => {
    await createVpnUser(t.db, cliActor(), { username: "erin", password: "pw-list-sessions" });
    const endpoint = { username: "erin", client_ip: "192.0.2.10", client_port: String(++port) };
    const decision = await authorize(t.db, edge, authHookSchema.parse({ ...endpoint, password: "pw-list-sessions" }));
    if (!decision.allow) throw new Error(decision.reason);
    for (const [id, received, sent] of [["erin-1", "100", "300"], ["erin-2", "1000", "5"]] as const) {
      await connect(t.db, edge, connectHookSchema.parse({ ...endpoint, connection_id: id }));
      await disconnect(t.db, edge, disconnectHookSchema.parse({ connection_id: id, bytes_received: received, bytes_sent: sent, reason: "dropped" }));
    }
    const [row] = (await list({ user: "erin" })).sessions;
    expect(row).toMatchObject({ id: decision.sessionId, bytesIn: 1100, bytesOut: 305 });
    expect(await getSession(t.db, decision.sessionId)).toMatchObject({ bytesIn: 1100, bytesOut: 305, connectionCount: 2 });
  });

  it("refuses a bad filter by naming it", () => {
    expect(() => sessionListSchema.parse({ state: "sleeping" })).toThrow(/state must be one of pending, active/);
  });

  it("shows one session with its connections, newest first", async () => {
    const first = { username: "carol", client_ip: "192.0.2.9", client_port: String(++port) };
    const login = await authorize(t.db, edge, authHookSchema.parse({ ...first, password: "pw-list-sessions" }));
    if (!login.allow) throw new Error(login.reason);
    const tunnel = await connect(t.db, edge, connectHookSchema.parse({ ...first, vpn_ip: "10.8.0.9", connection_id: `c-${port}` }));
    const token = tunnel.config.find((line) => line.startsWith('push "auth-token '))?.slice('push "auth-token '.length, -1) ?? "";
    const counters = { connection_id: `c-${port}`, bytes_received: "100", bytes_sent: "300", reason: "dropped" };
    await disconnect(t.db, edge, disconnectHookSchema.parse(counters));
    const dormant = await getSession(t.db, login.sessionId);

    // The client comes back from another port with its token.
    const second = { ...first, client_port: String(++port) };
    expect(await authorize(t.db, edge, authHookSchema.parse({ ...second, password: token }))).toMatchObject({ allow: true });
    await connect(t.db, edge, connectHookSchema.parse({ ...second, connection_id: `c-${port}` }));

    const after = await getSession(t.db, login.sessionId);
    expect(dormant).toMatchObject({ state: "dormant", connectionCount: 1 });
    expect(after).toMatchObject({ state: "active", openConnections: 1, connectionCount: 2 });
    expect(after.connections).toEqual([
      expect.objectContaining({ server: "list-edge", externalId: `c-${port}`, disconnectedAt: null, endReason: null }),
      expect.objectContaining({
        externalId: `c-${port - 1}`,
        clientIp: "192.0.2.9",
        vpnIp: "10.8.0.9",
        endReason: "dropped",
        bytesIn: 100,
        bytesOut: 300,
      }),
    ]);
  });

  it("answers an unknown session id with not found", async () => {
    await expect(getSession(t.db, "00000000-0000-0000-0000-000000000000")).rejects.toMatchObject({ code: "not_found" });
  });
});
