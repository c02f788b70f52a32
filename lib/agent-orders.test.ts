import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "./actor";
import { ORDER_TTL_SECONDS, pollOrders, queueKill } from "./agent-orders";
import { handleHook } from "./hooks/handler";
import { agentPollSchema } from "./hooks/schemas";
import { registerServer, type ServerView } from "./servers";
import { createTestDb, type TestDb } from "./testing/test-db";
import { createVpnUser } from "./vpn-users";

let t: TestDb;
let server: ServerView;
let serverToken: string;
let other: ServerView;
let userId: string;
let seq = 0;

beforeAll(async () => {
  t = await createTestDb();
  const registered = await registerServer(t.db, cliActor(), { name: "ovpn-orders", kind: "openvpn" });
  server = registered.server;
  serverToken = registered.token;
  other = (await registerServer(t.db, cliActor(), { name: "ovpn-elsewhere", kind: "openvpn" })).server;
  userId = (await createVpnUser(t.db, cliActor(), { username: "carol", password: "long enough password" })).id;
});
afterAll(async () => {
  await t.drop();
});

async function liveConnection(srv = server, externalId: string | null = `198.51.100.50:${40000 + ++seq}`) {
  const session = await t.db.session.create({ data: { userId, serverId: srv.id, state: "active", clientIp: "198.51.100.50" } });
  return t.db.connection.create({ data: { sessionId: session.id, serverId: srv.id, externalId, clientIp: "198.51.100.50" } });
}

const poll = (acks: unknown[] = [], now = new Date(), srv = server) => pollOrders(t.db, srv, agentPollSchema.parse({ acks }), now);

describe(`agent orders (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("hands a queued kill to the server's agent until it is acknowledged, and marks the agent seen", async () => {
    const connection = await liveConnection();
    const queued = await queueKill(t.db, connection.id, "invalidated by an admin");
    expect(queued).toMatchObject({ serverId: server.id, alreadyQueued: false });
    expect(await queueKill(t.db, connection.id, "again")).toEqual({ ...queued, alreadyQueued: true });

    const expected = { id: queued.orderId, action: "kill", connection_id: connection.externalId, reason: "invalidated by an admin" };
    expect((await poll()).orders).toEqual([expected]);
    expect((await poll()).orders).toEqual([expected]);
    expect((await poll([], new Date(), other)).orders).toEqual([]);
    expect((await t.db.vpnServer.findUniqueOrThrow({ where: { id: server.id } })).agentLastSeenAt).not.toBeNull();

    const acked = await poll([{ id: queued.orderId, ok: true, detail: "client-kill 3: SUCCESS" }]);
    expect(acked).toEqual({ acknowledged: 1, orders: [] });
    const order = await t.db.agentOrder.findUniqueOrThrow({ where: { id: queued.orderId } });
    expect(order).toMatchObject({ state: "done", result: "client-kill 3: SUCCESS" });
    expect(order.deliveredAt).not.toBeNull();
    expect((await poll([{ id: queued.orderId, ok: false }])).acknowledged).toBe(0);
  });

  it("records a failed kill with the agent's reason", async () => {
    const connection = await liveConnection();
    const { orderId } = await queueKill(t.db, connection.id, "test");
    await poll([{ id: orderId, ok: false, detail: "no client with that address" }]);
    expect(await t.db.agentOrder.findUniqueOrThrow({ where: { id: orderId } })).toMatchObject({ state: "failed", result: "no client with that address" });
  });

  it("ignores another server's acknowledgement", async () => {
    const connection = await liveConnection();
    const { orderId } = await queueKill(t.db, connection.id, "test");
    expect((await poll([{ id: orderId, ok: true }], new Date(), other)).acknowledged).toBe(0);
    expect((await poll()).orders.map((o) => o.id)).toContain(orderId);
    await poll([{ id: orderId, ok: true }]);
  });

  it("retires orders for connections that ended and orders no agent took in time", async () => {
    const ended = await liveConnection();
    const stale = await liveConnection();
    const endedOrder = await queueKill(t.db, ended.id, "test");
    const staleOrder = await queueKill(t.db, stale.id, "test", new Date(Date.now() - (ORDER_TTL_SECONDS + 1) * 1000));
    await t.db.connection.update({ where: { id: ended.id }, data: { disconnectedAt: new Date() } });
    expect((await poll()).orders).toEqual([]);
    expect(await t.db.agentOrder.findUniqueOrThrow({ where: { id: endedOrder.orderId } })).toMatchObject({ state: "done", result: "connection already ended" });
    expect(await t.db.agentOrder.findUniqueOrThrow({ where: { id: staleOrder.orderId } })).toMatchObject({ state: "failed" });
  });

  it.each([
    ["an unknown connection", async () => "no-such-connection", "not found"],
    [
      "an ended connection",
      async () => {
        const connection = await liveConnection();
        await t.db.connection.update({ where: { id: connection.id }, data: { disconnectedAt: new Date() } });
        return connection.id;
      },
      "already ended",
    ],
    ["a connection its server never named", async () => (await liveConnection(server, null)).id, "has no id on its server"],
  ])("refuses to queue a kill for %s", async (_, connectionId, message) => {
    await expect(queueKill(t.db, await connectionId(), "test")).rejects.toThrow(message);
  });

  it("serves POST /api/hooks/v1/agent/orders with the server token, in JSON and plain text", async () => {
    const connection = await liveConnection();
    const { orderId } = await queueKill(t.db, connection.id, "test");
    const request = {
      method: "POST",
      path: "/api/hooks/v1/agent/orders",
      authorization: `Bearer ${serverToken}`,
      contentType: "application/json",
      body: "{}",
    };
    const json = await handleHook(t.db, { ...request, accept: "application/json" });
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body).orders).toContainEqual(expect.objectContaining({ id: orderId, connection_id: connection.externalId }));
    const text = await handleHook(t.db, { ...request, accept: "text/plain" });
    expect(text.body).toContain(`kill ${orderId} ${connection.externalId}\n`);
    const bad = await handleHook(t.db, { ...request, accept: "application/json", body: JSON.stringify({ acks: [{ id: orderId }] }) });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain("acks[].ok must be true or false");
    expect((await handleHook(t.db, { ...request, accept: "application/json", authorization: undefined })).status).toBe(401);
  });
});
