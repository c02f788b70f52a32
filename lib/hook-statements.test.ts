// The direct statements of the hook hot path on this database: they match the schema, give what
// the Prisma client gives, and take turns correctly with Prisma's interactive transactions.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "./actor";
import { createGroup } from "./groups";
import {
  HOOK_TABLES,
  markSessionAuthenticated,
  openConnection,
  policiesByScope,
  sessionAuthenticatedSince,
  sessionByTokenHash,
  userByName,
} from "./hook-statements";
import { DEFAULT_SCOPE_KEY, groupScopeKey, userScopeKey } from "./policies";
import { registerServer, type ServerView } from "./servers";
import { createTestDb, type TestDb } from "./testing/test-db";
import { createVpnUser } from "./vpn-users";

let t: TestDb;
let server: ServerView;
let seq = 0;

beforeAll(async () => {
  t = await createTestDb();
  server = (await registerServer(t.db, cliActor(), { name: "statements-edge", kind: "openvpn" })).server;
});
afterAll(async () => {
  await t.drop();
});

const SQLITE_KINDS: Record<string, string> = { TEXT: "text", INTEGER: "integer", BIGINT: "bigint", BOOLEAN: "boolean", DATETIME: "datetime" };
const POSTGRES_KINDS: Record<string, string> = {
  text: "text",
  integer: "integer",
  bigint: "bigint",
  boolean: "boolean",
  "timestamp without time zone": "datetime",
};

/** Every column of the table in the migrated database, with the kind HOOK_TABLES uses. */
async function columnsOf(table: string): Promise<Record<string, string>> {
  const rows =
    t.provider === "sqlite"
      ? (await t.db.$queryRawUnsafe<{ name: string; type: string }[]>(`PRAGMA table_info("${table}")`)).map((c) => [c.name, SQLITE_KINDS[c.type]])
      : (
          await t.db.$queryRaw<{ name: string; type: string }[]>`
            SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ${table}`
        ).map((c) => [c.name, POSTGRES_KINDS[c.type]]);
  return Object.fromEntries(rows.map(([name, kind]) => [name, kind ?? "unknown"]));
}

async function newSession(overrides: { tokenHash?: string; lastAuthAt?: Date } = {}) {
  const username = `statements${++seq}`;
  const user = await createVpnUser(t.db, cliActor(), { username, password: "statements-password" });
  const session = await t.db.session.create({
    data: {
      userId: user.id,
      serverId: server.id,
      state: "dormant",
      stateReason: "tunnel dropped",
      clientIp: "198.51.100.20",
      tokenHash: overrides.tokenHash ?? randomUUID(),
      authenticatedAt: new Date("2030-01-01T00:00:00.123Z"),
      lastSeenAt: new Date("2030-01-01T00:05:00Z"),
      dormantSince: new Date("2030-01-01T00:05:00Z"),
      lastAuthAt: overrides.lastAuthAt ?? null,
      lastAuthServerId: server.id,
      lastAuthEndpoint: "198.51.100.20:4000",
      expiresAt: new Date("2030-01-02T00:00:00Z"),
    },
  });
  return { user, session, username };
}

describe(`hook statements (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("know every column of the tables they touch: a schema change must be reviewed in lib/hook-statements.ts", async () => {
    for (const [table, columns] of Object.entries(HOOK_TABLES)) {
      expect({ table, columns: await columnsOf(table) }).toEqual({ table, columns });
    }
  });

  it("read sessions, users and policies as the Prisma client does", async () => {
    const group = await createGroup(t.db, cliActor(), { name: `statements-group-${++seq}` });
    const user = await createVpnUser(t.db, cliActor(), { username: `statements${++seq}`, password: "statements-password", group: group.name });
    await t.db.vpnUser.update({ where: { id: user.id }, data: { enabled: false } });
    await t.db.policy.create({ data: { scopeKey: groupScopeKey(group.id), groupId: group.id, ipLock: false, autoLogin: true, maxSessions: 2 } });
    await t.db.policy.create({ data: { scopeKey: userScopeKey(user.id), userId: user.id, idleTokenExpiry: 30, maxSessionsAction: "replace_oldest" } });

    expect(await userByName(t.db, user.username)).toEqual({
      id: user.id,
      username: user.username,
      passwordHash: expect.any(String),
      enabled: false,
      groupId: group.id,
      groupName: group.name,
    });
    expect(await userByName(t.db, "nobody-at-all")).toBeNull();

    const rows = await policiesByScope(t.db, [DEFAULT_SCOPE_KEY, groupScopeKey(group.id), userScopeKey(user.id)]);
    const byScope = Object.fromEntries(rows.map((row) => [row.scopeKey, row]));
    expect(byScope[groupScopeKey(group.id)]).toMatchObject({ ipLock: false, autoLogin: true, maxSessions: 2, reconnectTokens: null });
    expect(byScope[userScopeKey(user.id)]).toMatchObject({ idleTokenExpiry: 30, maxSessionsAction: "replace_oldest", ipLock: null });

    const { session } = await newSession({ tokenHash: "statements-token-hash" });
    const prisma = await t.db.session.findUniqueOrThrow({ where: { id: session.id } });
    const direct = await sessionByTokenHash(t.db, "statements-token-hash");
    expect(direct).toEqual({
      id: prisma.id,
      userId: prisma.userId,
      state: prisma.state,
      stateReason: prisma.stateReason,
      tokenHash: prisma.tokenHash,
      clientIp: prisma.clientIp,
      authenticatedAt: prisma.authenticatedAt,
      lastAuthAt: prisma.lastAuthAt,
      lastSeenAt: prisma.lastSeenAt,
      dormantSince: prisma.dormantSince,
      expiresAt: prisma.expiresAt,
      endedAt: null,
    });
  });

  it("write dates that the Prisma client reads back and that compare with Prisma's in SQL", async () => {
    const { session, user } = await newSession({ lastAuthAt: new Date("2030-01-01T00:10:00.500Z") });
    const since = (iso: string) => sessionAuthenticatedSince(t.db, user.id, server.id, "198.51.100.20:4000", new Date(iso));
    expect((await since("2030-01-01T00:10:00.500Z"))?.id).toBe(session.id);
    expect(await since("2030-01-01T00:10:00.501Z")).toBeNull();

    const at = new Date("2030-01-01T00:20:00.250Z");
    await markSessionAuthenticated(t.db, session.id, server.id, "198.51.100.20:4001", at);
    expect(await t.db.session.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({
      lastAuthAt: at,
      lastSeenAt: at,
      lastAuthEndpoint: "198.51.100.20:4001",
    });
    const prismaCount = await t.db.session.count({ where: { id: session.id, lastAuthAt: { gte: at } } });
    expect(prismaCount).toBe(1);
  });

  it("open a connection and activate its session in one transaction, and refuse an ended session", async () => {
    const { session } = await newSession();
    const at = new Date("2030-01-01T01:00:00Z");
    const connection = { sessionId: session.id, serverId: server.id, externalId: "10.8.0.2:1194", clientIp: "198.51.100.20", vpnIp: "10.8.0.2", at, tokenHash: "statements-new-hash" };
    expect(await openConnection(t.db, { ...connection, id: randomUUID() })).toBe(true);
    // The same daemon id again: the first tunnel is superseded.
    expect(await openConnection(t.db, { ...connection, id: randomUUID() })).toBe(true);
    const stored = await t.db.session.findUniqueOrThrow({ where: { id: session.id }, include: { connections: true } });
    expect(stored).toMatchObject({ state: "active", stateReason: null, dormantSince: null, tokenHash: "statements-new-hash", lastSeenAt: at });
    const tunnels = stored.connections.map((c) => [c.endReason, c.bytesIn, c.connectedAt]);
    expect(tunnels).toHaveLength(2);
    expect(tunnels).toEqual(expect.arrayContaining([["superseded by a new tunnel with the same id", 0n, at], [null, 0n, at]]));

    await t.db.session.update({ where: { id: session.id }, data: { state: "revoked" } });
    expect(await openConnection(t.db, { ...connection, externalId: null, id: randomUUID() })).toBe(false);
    expect((await t.db.session.findUniqueOrThrow({ where: { id: session.id } })).state).toBe("revoked");
  });

  it("neither join nor deadlock with a Prisma interactive transaction open at the same time", async () => {
    const { session } = await newSession();
    const other = await newSession();
    let inside!: () => void;
    const transactionOpen = new Promise<void>((resolve) => (inside = resolve));
    let finish!: () => void;
    const finishTransaction = new Promise<void>((resolve) => (finish = resolve));
    const transaction = t.db
      .$transaction(async (tx) => {
        await tx.session.update({ where: { id: other.session.id }, data: { stateReason: "written by the rolled back transaction" } });
        inside();
        await finishTransaction;
        throw new Error("roll back");
      })
      .catch((error: unknown) => error);
    await transactionOpen;

    const at = new Date("2030-01-01T02:00:00Z");
    let written = false;
    const direct = markSessionAuthenticated(t.db, session.id, server.id, "198.51.100.20:4002", at).then(() => (written = true));
    if (t.provider === "sqlite") {
      // One connection: the direct write waits for the transaction instead of running inside it.
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(written).toBe(false);
    } else {
      // A pool: the direct write runs on another connection while the transaction is open.
      await direct;
      expect(written).toBe(true);
    }
    finish();
    expect(await transaction).toMatchObject({ message: "roll back" });
    await direct;

    // The rollback undid only the transaction's own write.
    expect((await t.db.session.findUniqueOrThrow({ where: { id: other.session.id } })).stateReason).toBe("tunnel dropped");
    expect((await t.db.session.findUniqueOrThrow({ where: { id: session.id } })).lastAuthAt).toEqual(at);
    // And the connection is free again for both.
    await t.db.$transaction(async (tx) => tx.session.count());
    expect(await markSessionAuthenticated(t.db, session.id, server.id, "198.51.100.20:4003", at)).toBe(1);
  });
});
