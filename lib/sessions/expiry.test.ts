import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { authHookSchema, connectHookSchema, disconnectHookSchema } from "../hooks/schemas";
import { userScopeKey } from "../policies";
import type { PolicyOverrides } from "../policy/fields";
import { registerServer, type ServerView } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createLogger } from "../log";
import { createVpnUser } from "../vpn-users";
import { authorize, connect, disconnect } from "./authority";
import { startExpirySweeper, sweepExpiredSessions } from "./expiry";
import { PENDING_TIMEOUT_SECONDS } from "./states";

let t: TestDb;
let server: ServerView;
let seq = 0;

beforeAll(async () => {
  t = await createTestDb();
  server = (await registerServer(t.db, cliActor(), { name: "expiry-edge", kind: "openvpn" })).server;
});
afterAll(async () => {
  await t.drop();
});

/** A controllable clock: seconds after a fixed instant. */
const at = (seconds: number) => new Date(Date.UTC(2031, 0, 1) + seconds * 1000);

/** A user with the given policy, logged in at `at(0)` from a port of its own; returns the session id. */
async function login(policy: PolicyOverrides, start = at(0)) {
  const username = `expiry${++seq}`;
  const user = await createVpnUser(t.db, cliActor(), { username, password: "pw-expiry" });
  await t.db.policy.create({ data: { scopeKey: userScopeKey(user.id), userId: user.id, ...policy } });
  const endpoint = { username, client_ip: "192.0.2.50", client_port: String(30_000 + seq) };
  const decision = await authorize(t.db, server, authHookSchema.parse({ ...endpoint, password: "pw-expiry" }), start);
  if (!decision.allow) throw new Error(decision.reason);
  return { id: decision.sessionId, endpoint, connectionId: `c-${seq}` };
}

async function up(session: Awaited<ReturnType<typeof login>>, now: Date) {
  const result = await connect(t.db, server, connectHookSchema.parse({ ...session.endpoint, connection_id: session.connectionId }), now);
  expect(result.allow).toBe(true);
}

async function down(session: Awaited<ReturnType<typeof login>>, reason: string, now: Date) {
  await disconnect(t.db, server, disconnectHookSchema.parse({ connection_id: session.connectionId, reason }), now);
}

const stateOf = async (id: string) =>
  t.db.session.findUniqueOrThrow({ where: { id }, select: { state: true, stateReason: true, endedAt: true } });

describe(`session expiry without hook calls (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("expires a dormant session exactly at its idle expiry", async () => {
    const session = await login({ idleTokenExpiry: 60 });
    await up(session, at(1));
    await down(session, "dropped", at(10));
    await sweepExpiredSessions(t.db, new Date(at(70).getTime() - 1));
    expect(await stateOf(session.id)).toMatchObject({ state: "dormant" });
    await sweepExpiredSessions(t.db, at(70));
    expect(await stateOf(session.id)).toEqual({
      state: "expired",
      stateReason: "idle token expiry: no tunnel used the token",
      endedAt: at(70),
    });
  });

  it("ends an active session at its lifetime even while its tunnel is up", async () => {
    const session = await login({ sessionLifetime: 3600 });
    await up(session, at(1));
    await sweepExpiredSessions(t.db, at(3599));
    expect(await stateOf(session.id)).toMatchObject({ state: "active" });
    await sweepExpiredSessions(t.db, at(3600));
    expect(await stateOf(session.id)).toEqual({ state: "expired", stateReason: "session lifetime reached", endedAt: at(3600) });
  });

  it("expires a login whose tunnel never came up", async () => {
    const session = await login({});
    await sweepExpiredSessions(t.db, at(PENDING_TIMEOUT_SECONDS - 1));
    expect(await stateOf(session.id)).toMatchObject({ state: "pending" });
    await sweepExpiredSessions(t.db, at(PENDING_TIMEOUT_SECONDS));
    expect(await stateOf(session.id)).toMatchObject({ state: "expired", stateReason: "tunnel never came up after login" });
  });

  it("leaves ended sessions and sessions without deadlines alone", async () => {
    const ended = await login({ sessionLifetime: 600 });
    await up(ended, at(1));
    await down(ended, "graceful", at(5));
    const forever = await login({ autoLogin: true });
    await up(forever, at(1));
    await sweepExpiredSessions(t.db, at(10 * 365 * 86_400));
    expect(await stateOf(ended.id)).toEqual({ state: "ended", stateReason: "client disconnected", endedAt: at(5) });
    expect(await stateOf(forever.id)).toMatchObject({ state: "active", endedAt: null });
  });

  it("runs on its own timer: an overdue session expires with no call from any VPN server", async () => {
    const past = new Date(Date.now() - 2 * 86_400_000);
    const session = await login({ sessionLifetime: 60 }, past);
    await up(session, past);
    const lines: string[] = [];
    const stop = startExpirySweeper(t.db, 20, createLogger((_level, line) => lines.push(line)));
    const logged = () =>
      lines.map((line) => JSON.parse(line) as { msg: string; lifetime?: number }).some((entry) => entry.msg === "sessions expired" && (entry.lifetime ?? 0) >= 1);
    try {
      await expect.poll(async () => (await stateOf(session.id)).state, { timeout: 5000 }).toBe("expired");
      // The sweep logs once all its rules have run, which can be after this session's update shows.
      await expect.poll(logged, { timeout: 5000 }).toBe(true);
    } finally {
      stop();
    }
    expect(await stateOf(session.id)).toMatchObject({ stateReason: "session lifetime reached" });
  });
});
