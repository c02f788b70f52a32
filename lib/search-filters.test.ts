// What is typed in a search box is matched literally: % and _ are LIKE wildcards in SQL, and a
// search for "ops_1" must not find "opsx1", nor "%" everything, on either database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "./actor";
import { auditQuerySchema, listAuditEvents } from "./audit";
import { containsText } from "./db";
import { registerServer } from "./servers";
import { currentUsersQuerySchema, listCurrentUsers } from "./live/current-users";
import { listSessions, sessionListSchema } from "./sessions/queries";
import { createTestDb, type TestDb } from "./testing/test-db";
import { createVpnUser, listVpnUsers, vpnUserListSchema } from "./vpn-users";

let t: TestDb;

/** Usernames a wildcard would confuse: "_" matches any one character, "%" any run of them. */
const USERNAMES = ["ops_1", "opsx1", "OPS_2", "back\\slash", "pct%sign", "pctxxsign"];

beforeAll(async () => {
  t = await createTestDb();
  const { server } = await registerServer(t.db, cliActor(), { name: "search-edge", kind: "openvpn" });
  for (const [i, username] of USERNAMES.entries()) {
    // % and \ are not allowed in new usernames, but older or imported rows may hold them.
    const user = /^[A-Za-z0-9._@-]+$/.test(username)
      ? await createVpnUser(t.db, cliActor(), { username, password: "search-password" })
      : await t.db.vpnUser.create({ data: { username } });
    const session = await t.db.session.create({ data: { userId: user.id, serverId: server.id, state: "active", clientIp: `198.51.100.${i + 1}` } });
    await t.db.connection.create({ data: { sessionId: session.id, serverId: server.id, clientIp: `198.51.100.${i + 1}` } });
    await t.db.auditEvent.create({ data: { actorType: "cli", actor: username, action: i % 2 ? "x_y.done" : "xay.done", targetType: "user", target: `about ${username}` } });
  }
});
afterAll(async () => {
  await t.drop();
});

const usersMatching = async (q: string) =>
  (await listVpnUsers(t.db, vpnUserListSchema.parse({ q }))).users.map((u) => u.username).sort();

describe(`search filters match % and _ literally (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("VPN users", async () => {
    expect(await usersMatching("ops_")).toEqual(["OPS_2", "ops_1"]);
    expect(await usersMatching("_")).toEqual(["OPS_2", "ops_1"]);
    expect(await usersMatching("%")).toEqual(["pct%sign"]);
    expect(await usersMatching("pct%sign")).toEqual(["pct%sign"]);
    expect(await usersMatching("\\")).toEqual(["back\\slash"]);
    // Still a case-insensitive substring search.
    expect(await usersMatching("OPS")).toEqual(["OPS_2", "ops_1", "opsx1"]);
  });

  it("sessions by user", async () => {
    const sessions = await listSessions(t.db, sessionListSchema.parse({ user: "s_" }));
    expect(sessions.sessions.map((s) => s.username).sort()).toEqual(["OPS_2", "ops_1"]);
    expect((await listSessions(t.db, sessionListSchema.parse({ user: "%" }))).total).toBe(1);
  });

  it("Current Users", async () => {
    const rows = (q: string) => listCurrentUsers(t.db, currentUsersQuerySchema.parse({ q }));
    expect((await rows("ops_")).rows.map((r) => r.username).sort()).toEqual(["OPS_2", "ops_1"]);
    expect((await rows("%")).total).toBe(1);
    expect((await rows("_")).total).toBe(2);
  });

  it("audit by actor, target and action", async () => {
    const events = async (query: Record<string, string>) =>
      (await listAuditEvents(t.db, auditQuerySchema.parse(query))).events.map((e) => e.actor).sort();
    expect(await events({ actor: "%" })).toEqual(["pct%sign"]);
    expect(await events({ target: "t ops_" })).toEqual(["OPS_2", "ops_1"]);
    expect(await events({ action: "x_y" })).toEqual(["back\\slash", "opsx1", "pctxxsign"]);
  });

  it("builds the filter from escaped text", () => {
    expect(containsText(t.db, "a_b%c\\d").contains).toBe("a\\_b\\%c\\\\d");
  });
});
