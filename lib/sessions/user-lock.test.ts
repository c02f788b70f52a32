import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { createDb, type Db } from "../db";
import { authHookSchema } from "../hooks/schemas";
import { userScopeKey } from "../policies";
import { registerServer, type ServerView } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { authorize } from "./authority";
import { withUserSessionLock } from "./user-lock";

// Simultaneous logins of one user are what this file is about, not password guessing: the
// guessing limits (lib/lockout.ts) would refuse a burst of them before max sessions is reached.
process.env.LOCKOUT_USER_BACKOFF_AFTER = "1000";
process.env.LOCKOUT_USER_LOCK_AFTER = "1000";

let t: TestDb;
/**
 * Another console instance: on PostgreSQL a second client with its own connection pool, sharing
 * only the database. SQLite serves one instance; a second client in this process would wait for
 * the file lock synchronously, blocking the event loop that has to release it.
 */
let other: Db;
let server: ServerView;
let seq = 0;

beforeAll(async () => {
  t = await createTestDb();
  other = t.provider === "postgresql" ? createDb(t.url) : t.db;
  server = (await registerServer(t.db, cliActor(), { name: "ovpn-lock", kind: "openvpn" })).server;
});
afterAll(async () => {
  if (other !== t.db) await other.$disconnect();
  await t.drop();
});

const PASSWORD = "correct horse";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function newUser(policy: { maxSessions?: number; maxSessionsAction?: "deny" | "replace_oldest" } = {}) {
  const user = await createVpnUser(t.db, cliActor(), { username: `locked${++seq}`, password: PASSWORD });
  if (Object.keys(policy).length > 0) {
    await t.db.policy.create({ data: { scopeKey: userScopeKey(user.id), userId: user.id, ...policy } });
  }
  return user;
}

/** `count` password logins of one user at once, alternating between the two instances. */
function loginsAtOnce(username: string, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, n) =>
      authorize(n % 2 ? other : t.db, server, authHookSchema.parse({ username, password: PASSWORD, client_ip: `198.51.100.${n + 1}`, client_port: 40000 })),
    ),
  );
}

const liveSessions = (userId: string) => t.db.session.count({ where: { userId, state: { in: ["pending", "active"] } } });

describe(`the per-user session lock (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("makes a second holder wait until the first commits, then shows it what the first wrote", async () => {
    const user = await newUser();
    const written = new Date(Date.UTC(2030, 0, 1));
    const events: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstLocked = () => {};
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));

    const first = withUserSessionLock(t.db, user.id, async (tx) => {
      events.push("first locked");
      firstLocked();
      await gate;
      await tx.vpnUser.update({ where: { id: user.id }, data: { lastLoginAt: written } });
      events.push("first wrote");
    });
    await locked;
    const second = withUserSessionLock(other, user.id, async (tx) => {
      events.push("second locked");
      return (await tx.vpnUser.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt;
    });
    // Time for the second to get in, which it must not while the first holds the lock.
    await sleep(300);
    expect(events).toEqual(["first locked"]);
    release();
    await first;
    expect(await second).toEqual(written);
    expect(events).toEqual(["first locked", "first wrote", "second locked"]);
  });

  it.runIf(process.env.TEST_DATABASE === "postgresql")("does not hold up another user's logins", async () => {
    const [held, free] = [await newUser(), await newUser()];
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = withUserSessionLock(t.db, held.id, () => gate);
    expect(await withUserSessionLock(other, free.id, async () => "through")).toBe("through");
    release();
    await first;
  });

  it("deny: simultaneous logins through two instances leave exactly max concurrent sessions", async () => {
    const user = await newUser({ maxSessions: 2, maxSessionsAction: "deny" });
    const decisions = await loginsAtOnce(user.username, 8);
    expect(decisions.filter((d) => d.allow)).toHaveLength(2);
    expect(decisions.filter((d) => !d.allow).map((d) => d.reason)).toEqual(Array(6).fill("max concurrent sessions (2) reached"));
    expect(await liveSessions(user.id)).toBe(2);
  });

  it("replace_oldest: simultaneous logins through two instances all get in, and exactly max concurrent sessions stay", async () => {
    const user = await newUser({ maxSessions: 2, maxSessionsAction: "replace_oldest" });
    const decisions = await loginsAtOnce(user.username, 8);
    expect(decisions.every((d) => d.allow)).toBe(true);
    expect(await liveSessions(user.id)).toBe(2);
    expect(await t.db.session.count({ where: { userId: user.id, state: "revoked" } })).toBe(6);
  });
});
