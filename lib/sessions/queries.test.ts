import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { hashToken } from "../crypto";
import { createGroup } from "../groups";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { getSession, listSessions, sessionListSchema } from "./queries";

let t: TestDb;
const list = (query: Record<string, string>) => listSessions(t.db, sessionListSchema.parse(query));

beforeAll(async () => {
  t = await createTestDb();
  await createGroup(t.db, cliActor(), { name: "contractors" });
  const alice = await createVpnUser(t.db, cliActor(), { username: "Alice.Smith", group: "contractors" });
  const bob = await createVpnUser(t.db, cliActor(), { username: "bob" });
  const at = new Date(Date.UTC(2030, 0, 1));
  for (const [user, state, minutes] of [
    [alice, "active", 1],
    [alice, "ended", 2],
    [bob, "dormant", 3],
  ] as const) {
    await t.db.session.create({
      data: {
        userId: user.id,
        state,
        tokenHash: hashToken(`${user.username}-${state}`),
        clientIp: "198.51.100.7",
        authenticatedAt: at,
        lastAuthAt: at,
        lastSeenAt: new Date(at.getTime() + minutes * 60_000),
      },
    });
  }
});
afterAll(async () => {
  await t.drop();
});

describe(`session queries (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("finds a user's sessions by any part of the username, in any letter case", async () => {
    const result = await list({ user: "alice" });
    expect(result.sessions.map((s) => [s.username, s.state])).toEqual([
      ["Alice.Smith", "ended"],
      ["Alice.Smith", "active"],
    ]);
    expect(result.total).toBe(2);
    expect((await list({ user: "SMITH" })).total).toBe(2);
  });

  it("filters by state, and counts every state whatever the filter", async () => {
    const result = await list({ state: "dormant" });
    expect(result.sessions.map((s) => s.username)).toEqual(["bob"]);
    expect(result.counts).toEqual({ pending: 0, active: 1, dormant: 1, expired: 0, revoked: 0, ended: 1 });
  });

  it("refuses an unknown state by name, and an unknown session id as not found", async () => {
    expect(sessionListSchema.safeParse({ state: "open" }).error?.issues[0]?.message).toBe(
      "state must be one of pending, active, dormant, expired, revoked, ended",
    );
    await expect(getSession(t.db, "no-such-session")).rejects.toThrow('session "no-such-session" not found');
  });
});
