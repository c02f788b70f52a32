import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor, type Actor } from "../actor";
import { pollOrders } from "../agent-orders";
import { createGroup } from "../groups";
import { agentPollSchema, authHookSchema, connectHookSchema, disconnectHookSchema } from "../hooks/schemas";
import { registerServer, type ServerView } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { authorize, connect, disconnect } from "./authority";
import { disconnectSessions, invalidateSessions, previewDisconnect, previewInvalidate } from "./control";

let t: TestDb;
/** Has an agent polling; `quiet` has none. */
let agented: ServerView;
let quiet: ServerView;
let seq = 0;
const admin: Actor = { type: "admin", id: "a1", name: "alice-admin", role: "admin" };
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  t = await createTestDb();
  agented = (await registerServer(t.db, cliActor(), { name: "ovpn-agent", kind: "openvpn" })).server;
  quiet = (await registerServer(t.db, cliActor(), { name: "ovpn-quiet", kind: "openvpn" })).server;
});
afterAll(async () => {
  await t.drop();
});

async function newUser(group?: string) {
  const username = `ctl${++seq}`;
  await createVpnUser(t.db, cliActor(), { username, password: PASSWORD, group: group ?? null });
  return username;
}

/** Login and tunnel up on `server` from a fresh client endpoint; returns the session, tunnel and token. */
async function connected(username: string, server: ServerView) {
  const port = 40000 + ++seq;
  const ip = "198.51.100.20";
  const decision = await authorize(t.db, server, authHookSchema.parse({ username, password: PASSWORD, client_ip: ip, client_port: String(port) }));
  if (!decision.allow) throw new Error(decision.reason);
  const up = await connect(
    t.db,
    server,
    connectHookSchema.parse({ username, client_ip: ip, client_port: port, vpn_ip: "10.8.0.9", connection_id: `${ip}:${port}` }),
  );
  const token = up.config.find((l) => l.startsWith('push "auth-token '))?.slice('push "auth-token '.length, -1) ?? "";
  return { sessionId: up.sessionId ?? "", connectionId: `${ip}:${port}`, ip, port, token };
}

const markAgentSeen = () => pollOrders(t.db, agented, agentPollSchema.parse({}));

const resume = (username: string, token: string, server: ServerView, ip = "198.51.100.20") =>
  authorize(t.db, server, authHookSchema.parse({ username, password: token, client_ip: ip, client_port: "50000" }));

const snapshot = async () =>
  JSON.stringify(
    {
      sessions: await t.db.session.findMany({ orderBy: { id: "asc" } }),
      orders: await t.db.agentOrder.count(),
      audit: await t.db.auditEvent.count(),
    },
    (_, v) => (typeof v === "bigint" ? v.toString() : v),
  );

describe(`session control (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("previews invalidating a user on every server without changing anything, naming servers without an agent", async () => {
    const username = await newUser();
    const a = await connected(username, agented);
    const b = await connected(username, quiet);
    await markAgentSeen();
    const before = await snapshot();

    const preview = await previewInvalidate(t.db, { kind: "user", username }, "laptop lost");
    expect(await snapshot()).toBe(before);
    expect(preview).toMatchObject({ action: "invalidate", dryRun: true, reason: "laptop lost" });
    expect(preview.sessions.map((s) => [s.id, s.state, s.revoke, s.openTunnels])).toEqual([
      [a.sessionId, "active", true, 1],
      [b.sessionId, "active", true, 1],
    ]);
    expect(preview.servers).toEqual([
      expect.objectContaining({ name: "ovpn-agent", tunnels: 1, agentLive: true }),
      expect.objectContaining({ name: "ovpn-quiet", tunnels: 1, agentLive: false, agentLastSeenAt: null }),
    ]);
    expect(preview.summary).toEqual({
      sessions: 2,
      sessionsRevoked: 2,
      tunnels: 2,
      tunnelsKillQueued: 2,
      tunnelsWithoutId: 0,
      serversReached: ["ovpn-agent"],
      serversWithoutAgent: ["ovpn-quiet"],
    });
  });

  it("invalidates a user: sessions revoked with the reason, kills queued, audited, and the token refused everywhere", async () => {
    const username = await newUser();
    const a = await connected(username, agented);
    const b = await connected(username, quiet);
    await markAgentSeen();

    const done = await invalidateSessions(t.db, admin, { kind: "user", username }, "laptop lost");
    expect(done.dryRun).toBe(false);
    expect(done.summary).toMatchObject({ sessions: 2, sessionsRevoked: 2, tunnelsKillQueued: 2, serversReached: ["ovpn-agent"] });
    for (const id of [a.sessionId, b.sessionId]) {
      const session = await t.db.session.findUniqueOrThrow({ where: { id } });
      expect(session.state).toBe("revoked");
      expect(session.stateReason).toBe("invalidated by alice-admin: laptop lost");
      expect(session.endedAt).not.toBeNull();
    }
    const orders = await t.db.agentOrder.findMany({ where: { connection: { session: { userId: (await t.db.vpnUser.findUniqueOrThrow({ where: { username } })).id } } } });
    expect(orders).toHaveLength(2);
    expect(orders.every((o) => o.state === "pending" && o.reason === "session invalidated by an administrator: laptop lost")).toBe(true);

    // The agent next to the server picks its kill up at its next poll.
    const polled = await markAgentSeen();
    expect(polled.orders.map((o) => o.connection_id)).toContain(a.connectionId);

    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: "session.invalidated", target: username } });
    expect(event).toMatchObject({ actorType: "admin", actor: "alice-admin", targetType: "vpn_user" });
    expect(JSON.parse(event.after ?? "{}")).toMatchObject({ reason: "laptop lost", summary: { sessionsRevoked: 2 } });

    // The tunnel killed by the agent: the client's reconnect with its token is refused on every server.
    await disconnect(t.db, agented, disconnectHookSchema.parse({ connection_id: a.connectionId, bytes_received: "1", bytes_sent: "1", reason: "killed" }));
    for (const [token, server] of [[a.token, agented], [b.token, quiet]] as const) {
      const refused = await resume(username, token, server);
      expect(refused).toEqual({ allow: false, reason: "session was invalidated (invalidated by alice-admin: laptop lost): log in again" });
    }
    // A password login still works: invalidation ends sessions, not the account.
    expect((await authorize(t.db, quiet, authHookSchema.parse({ username, password: PASSWORD, client_ip: "198.51.100.20" }))).allow).toBe(true);
  });

  it("invalidating again only re-queues kills for tunnels still open, and says when there is nothing to do", async () => {
    const username = await newUser();
    const a = await connected(username, quiet);
    await invalidateSessions(t.db, admin, { kind: "session", id: a.sessionId });
    const again = await invalidateSessions(t.db, admin, { kind: "session", id: a.sessionId });
    expect(again.summary).toMatchObject({ sessions: 1, sessionsRevoked: 0, tunnelsKillQueued: 1 });
    expect(await t.db.agentOrder.count({ where: { connection: { sessionId: a.sessionId } } })).toBe(1);

    await disconnect(t.db, quiet, disconnectHookSchema.parse({ connection_id: a.connectionId, bytes_received: "1", bytes_sent: "1", reason: "killed" }));
    const before = await snapshot();
    await expect(invalidateSessions(t.db, admin, { kind: "session", id: a.sessionId })).rejects.toMatchObject({
      code: "conflict",
      message: `nothing to invalidate: session ${a.sessionId} has no usable session and no open tunnel`,
    });
    expect(await snapshot()).toBe(before);
  });

  it("disconnects a session: kills queued, the session stays valid and resumes with its token", async () => {
    const username = await newUser();
    const a = await connected(username, agented);
    const preview = await previewDisconnect(t.db, { kind: "session", id: a.sessionId });
    expect(preview.sessions).toEqual([expect.objectContaining({ id: a.sessionId, revoke: false, openTunnels: 1 })]);
    expect(preview.summary.sessionsRevoked).toBe(0);

    const done = await disconnectSessions(t.db, admin, { kind: "session", id: a.sessionId }, "maintenance");
    expect(done.summary).toMatchObject({ sessions: 1, sessionsRevoked: 0, tunnels: 1, tunnelsKillQueued: 1 });
    expect((await t.db.session.findUniqueOrThrow({ where: { id: a.sessionId } })).state).toBe("active");
    const order = await t.db.agentOrder.findFirstOrThrow({ where: { connection: { sessionId: a.sessionId } } });
    expect(order.reason).toBe("session disconnected by an administrator: maintenance");
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: "session.disconnected", target: a.sessionId } });
    expect(event.targetType).toBe("session");

    await disconnect(t.db, agented, disconnectHookSchema.parse({ connection_id: a.connectionId, bytes_received: "1", bytes_sent: "1", reason: "killed" }));
    expect((await t.db.session.findUniqueOrThrow({ where: { id: a.sessionId } })).state).toBe("dormant");
    expect(await resume(username, a.token, agented)).toMatchObject({ allow: true, sessionId: a.sessionId });

    await expect(disconnectSessions(t.db, admin, { kind: "session", id: a.sessionId })).rejects.toMatchObject({
      code: "conflict",
      message: `nothing to disconnect: session ${a.sessionId} has no open tunnel`,
    });
  });

  it("covers a group's members only, and revokes dormant sessions that have no tunnel to kill", async () => {
    const group = `ctlgroup${++seq}`;
    await createGroup(t.db, cliActor(), { name: group });
    const member = await newUser(group);
    const outsider = await newUser();
    const live = await connected(member, agented);
    const dormant = await connected(member, quiet);
    await disconnect(t.db, quiet, disconnectHookSchema.parse({ connection_id: dormant.connectionId, bytes_received: "1", bytes_sent: "1", reason: "dropped" }));
    const other = await connected(outsider, agented);

    const disconnectPlan = await previewDisconnect(t.db, { kind: "group", name: group });
    expect(disconnectPlan.sessions.map((s) => s.id)).toEqual([live.sessionId]);

    const done = await invalidateSessions(t.db, admin, { kind: "group", name: group });
    expect(done.sessions.map((s) => [s.id, s.state, s.openTunnels])).toEqual([
      [live.sessionId, "active", 1],
      [dormant.sessionId, "dormant", 0],
    ]);
    expect(done.summary).toMatchObject({ sessionsRevoked: 2, tunnels: 1, tunnelsKillQueued: 1, serversWithoutAgent: [] });
    expect((await t.db.session.findUniqueOrThrow({ where: { id: other.sessionId } })).state).toBe("active");
    expect(await t.db.auditEvent.count({ where: { action: "session.invalidated", targetType: "group", target: group } })).toBe(1);
  });

  it("acts on a selection, refuses unknown session ids naming them and changes nothing", async () => {
    const one = await connected(await newUser(), agented);
    const two = await connected(await newUser(), quiet);
    const before = await snapshot();
    await expect(
      invalidateSessions(t.db, admin, { kind: "selection", sessionIds: [one.sessionId, "no-such-session"] }),
    ).rejects.toMatchObject({ code: "not_found", message: "session not found: no-such-session" });
    expect(await snapshot()).toBe(before);

    const done = await disconnectSessions(t.db, admin, { kind: "selection", sessionIds: [one.sessionId, two.sessionId, one.sessionId] });
    expect(done.summary).toMatchObject({ sessions: 2, tunnelsKillQueued: 2 });
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: "session.disconnected", target: `${one.sessionId},${two.sessionId}` } });
    expect(event.targetType).toBe("session");
  });

  it("reports tunnels whose server gave no id as unreachable, and refuses unknown users and groups", async () => {
    const username = await newUser();
    const user = await t.db.vpnUser.findUniqueOrThrow({ where: { username } });
    const session = await t.db.session.create({ data: { userId: user.id, serverId: agented.id, state: "active", clientIp: "198.51.100.30" } });
    await t.db.connection.create({ data: { sessionId: session.id, serverId: agented.id, externalId: null, clientIp: "198.51.100.30" } });
    const done = await invalidateSessions(t.db, admin, { kind: "user", username });
    expect(done.summary).toMatchObject({ sessionsRevoked: 1, tunnels: 1, tunnelsKillQueued: 0, tunnelsWithoutId: 1 });

    await expect(previewInvalidate(t.db, { kind: "user", username: "nobody-here" })).rejects.toMatchObject({ code: "not_found" });
    await expect(previewDisconnect(t.db, { kind: "group", name: "no-group" })).rejects.toMatchObject({ code: "not_found" });
    await expect(previewDisconnect(t.db, { kind: "session", id: "no-session" })).rejects.toMatchObject({ code: "not_found" });
  });
});
