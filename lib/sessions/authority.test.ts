import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { hashToken } from "../crypto";
import { withDirectDriver } from "../db";
import { createGroup } from "../groups";
import { queueKill } from "../agent-orders";
import { authHookSchema, connectHookSchema, disconnectHookSchema, disconnectReasonHookSchema } from "../hooks/schemas";
import { groupScopeKey, userScopeKey } from "../policies";
import type { PolicyOverrides } from "../policy/fields";
import { registerServer, type ServerView } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { authorize, connect, disconnect, reportDisconnectReason } from "./authority";
import { sweepExpiredSessions } from "./expiry";
import { getSession } from "./queries";

let t: TestDb;
let server: ServerView;
let ocserv: ServerView;
let seq = 0;

beforeAll(async () => {
  t = await createTestDb();
  server = (await registerServer(t.db, cliActor(), { name: "ovpn-1", kind: "openvpn" })).server;
  ocserv = (await registerServer(t.db, cliActor(), { name: "oc-1", kind: "ocserv" })).server;
});
afterAll(async () => {
  await t.drop();
});

const PASSWORD = "correct horse";
const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1) + seconds * 1000);

async function newUser(policy: PolicyOverrides = {}, group?: string) {
  const username = `user${++seq}`;
  const user = await createVpnUser(t.db, cliActor(), { username, password: PASSWORD, group: group ?? null });
  if (Object.keys(policy).length > 0) {
    await t.db.policy.create({ data: { scopeKey: userScopeKey(user.id), userId: user.id, ...policy } });
  }
  return username;
}

const auth = (username: string, password: string, ip = "198.51.100.7", port = 40000, now = at(0), extra = {}) =>
  authorize(t.db, server, authHookSchema.parse({ username, password, client_ip: ip, client_port: String(port), ...extra }), now);

const up = (username: string, ip = "198.51.100.7", port = 40000, now = at(1), srv = server) =>
  connect(
    t.db,
    srv,
    connectHookSchema.parse({ username, client_ip: ip, client_port: port, vpn_ip: "10.8.0.2", connection_id: `${ip}:${port}` }),
    now,
  );

const down = (ip = "198.51.100.7", port = 40000, reason = "dropped", now = at(60), srv = server) =>
  disconnect(
    t.db,
    srv,
    disconnectHookSchema.parse({ connection_id: `${ip}:${port}`, bytes_received: "1500", bytes_sent: "3000", reason }),
    now,
  );

/** The agent's report of how the tunnel from ip:port ended. */
const reported = (port: number, reason: string, now = at(60), ip = "198.51.100.7") =>
  reportDisconnectReason(t.db, server, disconnectReasonHookSchema.parse({ connection_id: `${ip}:${port}`, reason }), now);

function tokenFrom(config: string[]): string {
  const line = config.find((l) => l.startsWith('push "auth-token '));
  const token = line?.slice('push "auth-token '.length, -1);
  if (!token) throw new Error(`no auth-token in ${JSON.stringify(config)}`);
  return token;
}

/** Login, tunnel up, tunnel dropped: the session is dormant and its token in hand. */
async function dormantSession(username: string) {
  expect((await auth(username, PASSWORD)).allow).toBe(true);
  const connected = await up(username);
  const token = tokenFrom(connected.config);
  await down();
  return token;
}

describe(`session authority (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("allows a first login with the password and creates a pending session", async () => {
    const username = await newUser();
    const decision = await auth(username, PASSWORD);
    expect(decision).toMatchObject({ allow: true });
    const session = await t.db.session.findFirstOrThrow({ where: { user: { username } } });
    expect(session.state).toBe("pending");
    expect(session.clientIp).toBe("198.51.100.7");
    expect(session.expiresAt?.toISOString()).toBe(at(86400).toISOString());
  });

  it("denies a wrong password and an unknown user with the same reason, creating nothing", async () => {
    const username = await newUser();
    const wrong = await auth(username, "not the password");
    const unknown = await auth("nobody-here", PASSWORD);
    expect(wrong).toEqual({ allow: false, reason: "unknown user or wrong password" });
    expect(unknown).toEqual(wrong);
    expect(await t.db.session.count({ where: { user: { username } } })).toBe(0);
  });

  it("denies a disabled user", async () => {
    const username = await newUser();
    await t.db.vpnUser.update({ where: { username }, data: { enabled: false } });
    expect(await auth(username, PASSWORD)).toEqual({ allow: false, reason: "user is disabled" });
  });

  it("answers connect with a new 128-bit token, keepalive, and the lifetime remaining", async () => {
    const username = await newUser({ inactivityWindow: 300, inactivityBytes: 100000 });
    await auth(username, PASSWORD, "198.51.100.7", 40000, at(0));
    const result = await up(username, "198.51.100.7", 40000, at(100));
    expect(result.allow).toBe(true);
    const token = tokenFrom(result.config);
    expect(Buffer.from(token, "base64")).toHaveLength(16);
    expect(result.config).toEqual([
      `push "auth-token ${token}"`,
      'push "inactive 300 100000"',
      'push "ping 10"',
      'push "ping-restart 60"',
      'push "session-timeout 86300"',
    ]);
    const session = await t.db.session.findFirstOrThrow({ where: { user: { username } } });
    expect(session.state).toBe("active");
    expect(session.tokenHash).toBe(hashToken(token));
  });

  it("refuses a connect that no auth call allowed", async () => {
    const username = await newUser();
    const result = await up(username, "198.51.100.9", 41000);
    expect(result.allow).toBe(false);
    expect(result.reason).toContain("auth hook must allow it first");
  });

  it("lets a dropped client resume with its token, without the password", async () => {
    const username = await newUser();
    const token = await dormantSession(username);
    const session = await t.db.session.findFirstOrThrow({ where: { user: { username } } });
    expect(session.state).toBe("dormant");
    expect(session.idleExpiresAt?.toISOString()).toBe(at(60 + 300).toISOString());
    const resumed = await auth(username, token, "198.51.100.7", 40001, at(120));
    expect(resumed).toMatchObject({ allow: true, sessionId: session.id });
    const again = await up(username, "198.51.100.7", 40001, at(121));
    expect(again.allow).toBe(true);
    // The client keeps its token: none is pushed on a resumed session.
    expect(again.config.some((l) => l.includes("auth-token"))).toBe(false);
    expect(await t.db.session.count({ where: { user: { username } } })).toBe(1);
  });

  it("refuses the token from another client IP under IP lock, and accepts it with IP lock off", async () => {
    const locked = await newUser();
    const lockedToken = await dormantSession(locked);
    const refused = await auth(locked, lockedToken, "203.0.113.50", 40001, at(120));
    expect(refused).toEqual({
      allow: false,
      reason: "token presented from 203.0.113.50, but the session is locked to 198.51.100.7",
    });
    const free = await newUser({ ipLock: false });
    const freeToken = await dormantSession(free);
    expect(await auth(free, freeToken, "203.0.113.50", 40001, at(120))).toMatchObject({ allow: true });
  });

  it("refuses the token after the idle expiry and after the lifetime", async () => {
    const idle = await newUser({ idleTokenExpiry: 60 });
    const idleToken = await dormantSession(idle);
    const late = await auth(idle, idleToken, "198.51.100.7", 40001, at(60 + 61));
    expect(late.allow).toBe(false);
    expect(late.reason).toContain("idle expiry of 1 min");
    expect((await t.db.session.findFirstOrThrow({ where: { user: { username: idle } } })).state).toBe("expired");

    const short = await newUser({ sessionLifetime: 100 });
    const shortToken = await dormantSession(short);
    const over = await auth(short, shortToken, "198.51.100.7", 40001, at(100));
    expect(over.allow).toBe(false);
    expect(over.reason).toContain("session lifetime of 1 min 40 s reached");
  });

  it("ends the session at once on a graceful disconnect", async () => {
    const username = await newUser();
    await auth(username, PASSWORD);
    const token = tokenFrom((await up(username)).config);
    const result = await down("198.51.100.7", 40000, "graceful");
    expect(result.sessionState).toBe("ended");
    const denied = await auth(username, token, "198.51.100.7", 40001, at(61));
    expect(denied.allow).toBe(false);
    expect(denied.reason).toContain("session ended");
  });

  describe("the agent's report of how a tunnel ended, reconciled with the hook's disconnect", () => {
    /** A session with one tunnel up from port `port`, and its token. */
    async function tunnelUp(port: number) {
      const username = await newUser();
      await auth(username, PASSWORD, "198.51.100.7", port);
      const token = tokenFrom((await up(username, "198.51.100.7", port)).config);
      return { username, token };
    }
    const stateOf = async (username: string) => (await t.db.session.findFirstOrThrow({ where: { user: { username } } })).state;
    const endReasonOf = async (username: string) =>
      (await t.db.connection.findFirstOrThrow({ where: { session: { user: { username } } } })).endReason;

    it("ends the session when a graceful exit is reported before the disconnect", async () => {
      const { username, token } = await tunnelUp(41001);
      expect(await reported(41001, "graceful", at(55))).toMatchObject({ sessionState: "active", outcome: "recorded for the tunnel's disconnect" });
      expect(await down("198.51.100.7", 41001, "unknown")).toMatchObject({ sessionState: "ended" });
      expect(await endReasonOf(username)).toBe("graceful");
      const denied = await auth(username, token, "198.51.100.7", 41002, at(61));
      expect(denied).toMatchObject({ allow: false, reason: "session ended when the client disconnected: log in again" });
    });

    it("ends the dormant session when a graceful exit is reported after the disconnect", async () => {
      const { username, token } = await tunnelUp(41011);
      expect(await down("198.51.100.7", 41011, "unknown")).toMatchObject({ sessionState: "dormant" });
      expect(await reported(41011, "graceful", at(61))).toMatchObject({ sessionState: "ended", outcome: "session ended: the client disconnected" });
      expect(await endReasonOf(username)).toBe("graceful");
      expect((await auth(username, token, "198.51.100.7", 41012, at(62))).allow).toBe(false);
    });

    it("keeps the session dormant, token usable, for a dropped tunnel in either order", async () => {
      const before = await tunnelUp(41021);
      await reported(41021, "dropped", at(55));
      expect(await down("198.51.100.7", 41021, "unknown")).toMatchObject({ sessionState: "dormant" });
      expect(await endReasonOf(before.username)).toBe("dropped");
      expect((await auth(before.username, before.token, "198.51.100.7", 41022, at(61))).allow).toBe(true);

      const after = await tunnelUp(41031);
      await down("198.51.100.7", 41031, "unknown");
      expect(await reported(41031, "dropped", at(61))).toMatchObject({ sessionState: "dormant", outcome: "tunnel end recorded as dropped" });
      expect(await endReasonOf(after.username)).toBe("dropped");
    });

    it("never ends a session whose tunnel the console killed, whichever report comes first", async () => {
      const before = await tunnelUp(41041);
      const connection = await t.db.connection.findFirstOrThrow({ where: { session: { user: { username: before.username } } } });
      await queueKill(t.db, connection.id, "disconnected by an admin", at(50));
      await reported(41041, "graceful", at(55));
      expect(await down("198.51.100.7", 41041, "unknown")).toMatchObject({ sessionState: "dormant" });
      expect(await endReasonOf(before.username)).toBe("killed");

      const after = await tunnelUp(41051);
      const second = await t.db.connection.findFirstOrThrow({ where: { session: { user: { username: after.username } } } });
      await queueKill(t.db, second.id, "disconnected by an admin", at(50));
      await down("198.51.100.7", 41051, "unknown");
      expect(await reported(41051, "graceful", at(61))).toMatchObject({
        sessionState: "dormant",
        outcome: "unchanged: the tunnel already ended as killed",
      });
      expect(await stateOf(after.username)).toBe("dormant");
    });

    it("leaves a session alone that resumed before a late graceful report, and refuses an unknown tunnel", async () => {
      const { username, token } = await tunnelUp(41061);
      await down("198.51.100.7", 41061, "unknown");
      expect((await auth(username, token, "198.51.100.7", 41062, at(61))).allow).toBe(true);
      await up(username, "198.51.100.7", 41062, at(62));
      expect(await reported(41061, "graceful", at(63))).toMatchObject({ sessionState: "active" });
      expect(await stateOf(username)).toBe("active");
      await expect(reported(1, "graceful")).rejects.toMatchObject({ code: "not_found" });
    });
  });

  it("keeps counters and refuses a replayed or unknown disconnect without changing anything", async () => {
    const username = await newUser();
    await auth(username, PASSWORD);
    await up(username);
    await down();
    await expect(down()).rejects.toMatchObject({ code: "conflict" });
    await expect(down("192.0.2.1", 1)).rejects.toMatchObject({ code: "not_found" });
    const session = await t.db.session.findFirstOrThrow({ where: { user: { username } } });
    expect(await getSession(t.db, session.id)).toMatchObject({ bytesIn: 1500, bytesOut: 3000 });
  });

  it("denies a second login at max concurrent sessions 1 (deny)", async () => {
    const username = await newUser({ maxSessions: 1 });
    await auth(username, PASSWORD, "198.51.100.7", 40000);
    await up(username, "198.51.100.7", 40000);
    const second = await auth(username, PASSWORD, "198.51.100.8", 40000, at(5));
    expect(second).toEqual({ allow: false, reason: "max concurrent sessions (1) reached" });
  });

  it("replaces the oldest session at max concurrent sessions 1 (replace_oldest)", async () => {
    const username = await newUser({ maxSessions: 1, maxSessionsAction: "replace_oldest" });
    await auth(username, PASSWORD, "198.51.100.7", 40000);
    const first = tokenFrom((await up(username, "198.51.100.7", 40000)).config);
    expect((await auth(username, PASSWORD, "198.51.100.8", 40000, at(5))).allow).toBe(true);
    const old = await auth(username, first, "198.51.100.7", 40002, at(6));
    expect(old.allow).toBe(false);
    expect(old.reason).toContain("session was invalidated (replaced by a newer login");
    // The old tunnel is queued for its server's agent to kill, in the same transaction.
    const orders = await t.db.agentOrder.findMany({ where: { connection: { externalId: "198.51.100.7:40000", session: { user: { username } } } } });
    expect(orders).toMatchObject([{ action: "kill", state: "pending", reason: "session replaced by a newer login (max concurrent sessions)" }]);
  });

  it("leaves exactly the allowed number when logins race under replace_oldest, killing every replaced tunnel once", async () => {
    const username = await newUser({ maxSessions: 1, maxSessionsAction: "replace_oldest" });
    await auth(username, PASSWORD, "198.51.100.7", 40000);
    await up(username, "198.51.100.7", 40000);
    // Three at once: the guessing limits (lib/lockout.ts) count a password check while it runs.
    const results = await Promise.all([1, 2, 3].map((n) => auth(username, PASSWORD, `198.51.100.${10 + n}`, 40000, at(n))));
    expect(results.every((r) => r.allow)).toBe(true);
    const sessions = await t.db.session.findMany({ where: { user: { username } } });
    expect(sessions.filter((s) => s.state === "pending" || s.state === "active")).toHaveLength(1);
    expect(sessions.filter((s) => s.state === "revoked")).toHaveLength(3);
    const first = sessions.find((s) => s.clientIp === "198.51.100.7");
    expect(first?.state).toBe("revoked");
    expect(await t.db.agentOrder.count({ where: { connection: { sessionId: first?.id } } })).toBe(1);
  });

  it("leaves exactly the allowed number of sessions when logins race", async () => {
    const username = await newUser({ maxSessions: 1 });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => auth(username, PASSWORD, `198.51.100.${n}`, 40000, at(n))),
    );
    expect(results.filter((r) => r.allow)).toHaveLength(1);
    expect(await t.db.session.count({ where: { user: { username }, state: { in: ["pending", "active"] } } })).toBe(1);
  });

  it("applies a policy change to the next decision", async () => {
    const group = `grp${++seq}`;
    const created = await createGroup(t.db, cliActor(), { name: group });
    const username = await newUser({}, group);
    const token = await dormantSession(username);
    await t.db.policy.create({ data: { scopeKey: groupScopeKey(created.id), groupId: created.id, reconnectTokens: false } });
    const refused = await auth(username, token, "198.51.100.7", 40001, at(70));
    expect(refused).toEqual({ allow: false, reason: "reconnect tokens are off for this user: log in with the password" });
  });

  it("decides OpenVPN auth-gen-token reconnects from its record of the session_id", async () => {
    const username = await newUser();
    const initial = await auth(username, PASSWORD, "198.51.100.7", 40000, at(0), { session_id: "sid-1", session_state: "Initial" });
    expect(initial.allow).toBe(true);
    const connected = await connect(
      t.db,
      server,
      connectHookSchema.parse({ username, client_ip: "198.51.100.7", client_port: 40000, connection_id: "c1", session_id: "sid-1" }),
      at(1),
    );
    expect(connected.config.some((l) => l.includes("auth-token"))).toBe(false);
    const reconnect = await auth(username, "", "198.51.100.7", 40001, at(30), { session_id: "sid-1", session_state: "Authenticated" });
    expect(reconnect).toMatchObject({ allow: true, sessionId: initial.allow ? initial.sessionId : "" });
    const unknown = await auth(username, "", "198.51.100.7", 40001, at(30), { session_id: "sid-x", session_state: "Authenticated" });
    expect(unknown).toEqual({ allow: false, reason: "unknown session: log in again" });
    const expired = await auth(username, "", "198.51.100.7", 40001, at(30), { session_id: "sid-1", session_state: "Expired" });
    expect(expired.allow).toBe(false);
  });

  it("resumes an ocserv cookie reconnect, and refuses it once the console ended the session", async () => {
    const username = await newUser();
    const first = await up(username, "198.51.100.20", 50000, at(0), ocserv);
    expect(first).toMatchObject({ allow: true, config: [] });
    await down("198.51.100.20", 50000, "dropped", at(10), ocserv);
    const cookie = await up(username, "198.51.100.20", 50001, at(20), ocserv);
    expect(cookie.sessionId).toBe(first.sessionId);
    await t.db.session.update({ where: { id: cookie.sessionId }, data: { state: "revoked", endedAt: at(21) } });
    const refused = await up(username, "198.51.100.20", 50002, at(30), ocserv);
    expect(refused.allow).toBe(false);
    expect(refused.reason).toContain("session was invalidated");
    // ocserv checked the password itself: after the idle token expiry a tunnel is a new login.
    const later = await up(username, "198.51.100.20", 50003, at(322), ocserv);
    expect(later.allow).toBe(true);
    expect(later.sessionId).not.toBe(first.sessionId);
  });

  describe("ocserv with logins through the console (PAM and the auth hook)", () => {
    // What hooks/ocserv/auth.sh and connect.sh send: no client port; the connection id is the worker.
    const ocAuth = (username: string, ip: string, now: Date, password = PASSWORD) =>
      authorize(t.db, ocserv, authHookSchema.parse({ username, password, client_ip: ip }), now);
    const ocUp = (username: string, ip: string, worker: string, now: Date) =>
      connect(t.db, ocserv, connectHookSchema.parse({ username, client_ip: ip, vpn_ip: "10.9.1.5", connection_id: worker }), now);
    const ocDown = (worker: string, now: Date) =>
      disconnect(t.db, ocserv, disconnectHookSchema.parse({ connection_id: worker, reason: "unknown" }), now);

    it("keeps refusing the cookie of an ended session, and lets a fresh login in at once", async () => {
      const username = await newUser({ idleTokenExpiry: 60 });
      const ip = "198.51.100.40";
      expect((await ocAuth(username, ip, at(0))).allow).toBe(true);
      const first = await ocUp(username, ip, "w40-1", at(1));
      expect(first.allow).toBe(true);
      await ocDown("w40-1", at(10));
      const cookie = await ocUp(username, ip, "w40-2", at(20));
      expect(cookie).toMatchObject({ allow: true, sessionId: first.sessionId });
      await ocDown("w40-2", at(25));
      await t.db.session.update({ where: { id: first.sessionId }, data: { state: "revoked", stateReason: "by test", endedAt: at(26) } });

      for (const when of [at(30), at(26 + 600)]) {
        const refused = await ocUp(username, ip, `w40-${when.getTime()}`, when);
        expect(refused).toMatchObject({ allow: false, reason: "session was invalidated (by test): log in again" });
      }
      expect((await ocAuth(username, ip, at(40))).allow).toBe(true);
      const fresh = await ocUp(username, ip, "w40-3", at(41));
      expect(fresh.allow).toBe(true);
      expect(fresh.sessionId).not.toBe(first.sessionId);
    });

    it("resumes a cookie presented from another client IP only without IP lock", async () => {
      for (const ipLock of [true, false]) {
        const username = await newUser({ ipLock });
        expect((await ocAuth(username, "198.51.100.50", at(0))).allow).toBe(true);
        const first = await ocUp(username, "198.51.100.50", `w50-${ipLock}-1`, at(1));
        await ocDown(`w50-${ipLock}-1`, at(10));
        const roamed = await ocUp(username, "198.51.100.51", `w50-${ipLock}-2`, at(20));
        if (ipLock) {
          expect(roamed).toMatchObject({ allow: false, reason: "token presented from 198.51.100.51, but the session is locked to 198.51.100.50" });
        } else {
          expect(roamed).toMatchObject({ allow: true, sessionId: first.sessionId });
        }
      }
    });

    it("refuses the cookie of a login whose tunnel never came up in time", async () => {
      const username = await newUser();
      expect((await ocAuth(username, "198.51.100.60", at(0))).allow).toBe(true);
      await sweepExpiredSessions(t.db, at(200));
      const late = await ocUp(username, "198.51.100.60", "w60-1", at(201));
      expect(late).toMatchObject({ allow: false, reason: "session expired (tunnel never came up after login): log in again" });
    });
  });

  it("starts a separate session for an ocserv tunnel from another client IP, which max sessions counts", async () => {
    const username = await newUser({ maxSessions: 1 });
    const first = await up(username, "198.51.100.30", 50000, at(0), ocserv);
    expect(first.allow).toBe(true);
    const elsewhere = await up(username, "198.51.100.31", 50000, at(5), ocserv);
    expect(elsewhere).toMatchObject({ allow: false, reason: "max concurrent sessions (1) reached" });
    await t.db.policy.updateMany({ where: { user: { username } }, data: { maxSessions: 0 } });
    const second = await up(username, "198.51.100.31", 50001, at(6), ocserv);
    expect(second.allow).toBe(true);
    expect(second.sessionId).not.toBe(first.sessionId);
    const again = await up(username, "198.51.100.30", 50002, at(7), ocserv);
    expect(again.sessionId).toBe(first.sessionId);
  });

  it("lets only one of two dormant sessions resumed at once come back once max sessions is lowered to 1", async () => {
    const username = await newUser({ maxSessions: 2 });
    const tokens: string[] = [];
    for (const port of [46001, 46002]) {
      expect((await auth(username, PASSWORD, "198.51.100.7", port)).allow).toBe(true);
      tokens.push(tokenFrom((await up(username, "198.51.100.7", port)).config));
    }
    for (const port of [46001, 46002]) await down("198.51.100.7", port);
    await t.db.policy.updateMany({ where: { user: { username } }, data: { maxSessions: 1 } });

    // Both token reconnects pass the auth hook (no other session is active yet)...
    for (const [k, token] of tokens.entries()) expect((await auth(username, token, "198.51.100.7", 46011 + k, at(70))).allow).toBe(true);
    // ...but only one tunnel may bring its session back.
    const results = await Promise.all([0, 1].map((k) => up(username, "198.51.100.7", 46011 + k, at(71))));
    expect(results.filter((r) => r.allow)).toHaveLength(1);
    expect(results.find((r) => !r.allow)).toMatchObject({ reason: "max concurrent sessions (1) reached" });
    const states = await t.db.session.findMany({ where: { user: { username } }, select: { state: true } });
    expect(states.map((x) => x.state).sort()).toEqual(["active", "dormant"]);
    const refused = await t.db.connection.findFirstOrThrow({ where: { externalId: { in: ["198.51.100.7:46011", "198.51.100.7:46012"] }, endReason: "max concurrent sessions reached" } });
    expect(refused.disconnectedAt).toEqual(at(71));
  });

  it("expires dormant and overdue sessions on time without any hook call", async () => {
    const username = await newUser({ idleTokenExpiry: 60 });
    await dormantSession(username);
    expect((await sweepExpiredSessions(t.db, at(100))).idle).toBe(0);
    const swept = await sweepExpiredSessions(t.db, at(121));
    expect(swept.idle).toBeGreaterThanOrEqual(1);
    const session = await t.db.session.findFirstOrThrow({ where: { user: { username } } });
    expect(session.state).toBe("expired");
    expect(session.stateReason).toContain("idle token expiry");
  });
});


describe(`connect racing an invalidation (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("refuses a tunnel whose session is invalidated while it comes up, and leaves the session revoked", async () => {
    const username = await newUser();
    const login = await auth(username, PASSWORD, "198.51.100.90", 47000);
    if (!login.allow) throw new Error(login.reason);
    // An admin's invalidation commits between connect's checks and its write.
    const racing = withDirectDriver(t.db, (driver) => ({
      ...driver,
      runAll: async (steps) => {
        await t.db.session.update({ where: { id: login.sessionId }, data: { state: "revoked", stateReason: "invalidated by test", endedAt: at(1) } });
        return driver.runAll(steps);
      },
    }));
    const result = await connect(
      racing,
      server,
      connectHookSchema.parse({ username, client_ip: "198.51.100.90", client_port: 47000, connection_id: "198.51.100.90:47000" }),
      at(1),
    );
    expect(result).toMatchObject({ allow: false, reason: "session ended while the tunnel came up: log in again" });
    const session = await t.db.session.findUniqueOrThrow({ where: { id: login.sessionId }, include: { connections: true } });
    expect(session).toMatchObject({ state: "revoked", stateReason: "invalidated by test" });
    expect(session.connections.map((c) => c.disconnectedAt !== null)).toEqual([true]);
  });
});
