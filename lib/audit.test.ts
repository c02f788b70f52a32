import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "./actor";
import { createAdmin, resetAdminPassword, updateAdmin } from "./admins";
import { createApiToken, revokeApiToken } from "./api-tokens";
import { AUDIT_ACTIONS, type AuditAction } from "./audit-actions";
import { auditQuerySchema, listAuditEvents, recordAudit } from "./audit";
import { createGroup } from "./groups";
import { registerServer, revokeServerToken, rotateServerToken } from "./servers";
import { createVpnUser, deleteVpnUser, updateVpnUser } from "./vpn-users";
import { createTestDb, type TestDb } from "./testing/test-db";

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;
const actorNamed = (name: string): Actor => ({ type: "cli", name, role: "admin" });
const SECRET_KEY = /password|token|hash|secret/i;
/** Keys that match SECRET_KEY but hold no secret: policy fields and presence flags. */
const NON_SECRET_KEYS = ["reconnectTokens", "idleTokenExpiry", "hasPassword", "hasToken", "tokenCreatedAt"];

/** Every key at any depth of a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  }
  return [];
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe(`audit (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  describe("recordAudit", () => {
    it("stores actor, action and target, and drops the secret fields at any depth, in any letter case", async () => {
      const actor = actorNamed(unique("auditor"));
      const target = unique("target");
      await recordAudit(t.db, {
        actor,
        action: "vpn_user.updated",
        targetType: "vpn_user",
        target,
        before: {
          username: "u1",
          password: "plain-password-1",
          passwordHash: "scrypt$x",
          nested: { token: "sca_leak", keep: 1, deeper: [{ secret: "s3", ok: true }] },
        },
        after: { username: "u2", TOKEN: "upper-case-key", list: [{ tokenHash: "abc123", n: 2 }] },
      });
      const row = await t.db.auditEvent.findFirst({ where: { target } });
      expect(row).toMatchObject({ actorType: "cli", actor: actor.name, action: "vpn_user.updated", targetType: "vpn_user" });
      expect(JSON.parse(row?.before ?? "null")).toEqual({ username: "u1", nested: { keep: 1, deeper: [{ ok: true }] } });
      expect(JSON.parse(row?.after ?? "null")).toEqual({ username: "u2", list: [{ n: 2 }] });
      const raw = JSON.stringify(row);
      for (const leaked of ["plain-password-1", "scrypt$x", "sca_leak", "s3", "upper-case-key", "abc123"]) {
        expect(raw).not.toContain(leaked);
      }
    });

    it("drops every other key that names a password, token, hash or secret; keeps the known harmless ones", async () => {
      const target = unique("variants");
      await recordAudit(t.db, {
        actor: actorNamed("variants"),
        action: "policy.updated",
        targetType: "policy",
        target,
        after: {
          apiToken: "sca_variant_leak",
          newPassword: "variant-password",
          clientSecret: "variant-secret",
          hash: "variant-hash",
          serverTokenHash: "variant-token-hash",
          nested: { adminPassword: "nested-variant" },
          ...Object.fromEntries(NON_SECRET_KEYS.map((key) => [key, 1])),
        },
      });
      const row = await t.db.auditEvent.findFirst({ where: { target } });
      expect(JSON.parse(row?.after ?? "null")).toEqual({
        nested: {},
        ...Object.fromEntries(NON_SECRET_KEYS.map((key) => [key, 1])),
      });
    });

    it("stores dates as ISO text, big integers as text, and no before/after as null", async () => {
      const target = unique("dates");
      const at = new Date("2026-01-02T03:04:05.678Z");
      await recordAudit(t.db, {
        actor: actorNamed("dater"),
        action: "session.disconnected",
        targetType: "session",
        target,
        after: { endedAt: at, bytesIn: 12345678901234567890n },
      });
      const row = await t.db.auditEvent.findFirst({ where: { target } });
      expect(row?.before).toBeNull();
      expect(JSON.parse(row?.after ?? "null")).toEqual({ endedAt: at.toISOString(), bytesIn: "12345678901234567890" });
    });

    it("writes inside the caller's transaction: a rolled-back change leaves no event", async () => {
      const target = unique("rollback");
      await expect(
        t.db.$transaction(async (tx) => {
          await recordAudit(tx, { actor: actorNamed("tx"), action: "group.created", targetType: "group", target });
          throw new Error("abort the change");
        }),
      ).rejects.toThrow("abort the change");
      expect(await t.db.auditEvent.count({ where: { target } })).toBe(0);
    });
  });

  it("no audit event written by any domain module carries a secret value or an unexpected secret-looking key", async () => {
    const actor = actorNamed(unique("sweeper"));
    const group = unique("grp");
    await createGroup(t.db, actor, { name: group });
    const admin = unique("adm");
    await createAdmin(t.db, actor, { username: admin, password: "admin-secret-1" });
    await createAdmin(t.db, actor, { username: unique("adm2"), password: "admin-secret-2" });
    await updateAdmin(t.db, actor, admin, { role: "viewer", password: "admin-secret-3" });
    await resetAdminPassword(t.db, actor, admin, "admin-secret-4");
    const user = unique("usr");
    await createVpnUser(t.db, actor, { username: user, password: "vpn-secret-1", group });
    await updateVpnUser(t.db, actor, user, { password: "vpn-secret-2", enabled: false, group: null });
    await deleteVpnUser(t.db, actor, user);
    const api = await createApiToken(t.db, actor, { name: unique("tok") });
    await revokeApiToken(t.db, actor, api.apiToken.name);
    const server = await registerServer(t.db, actor, { name: unique("srv"), kind: "openvpn" });
    const rotated = await rotateServerToken(t.db, actor, server.server.name);
    await revokeServerToken(t.db, actor, server.server.name);

    const rows = await t.db.auditEvent.findMany({ where: { actor: actor.name } });
    expect(rows.length).toBeGreaterThanOrEqual(13);
    for (const row of rows) {
      for (const side of [row.before, row.after]) {
        const keys = keysOf(side === null ? null : (JSON.parse(side) as unknown));
        const suspicious = keys.filter((key) => SECRET_KEY.test(key) && !NON_SECRET_KEYS.includes(key));
        expect(suspicious, `${row.action} ${side}`).toEqual([]);
      }
    }
    const raw = JSON.stringify(rows);
    for (const secret of [
      "admin-secret-1",
      "admin-secret-3",
      "admin-secret-4",
      "vpn-secret-1",
      "vpn-secret-2",
      api.token,
      server.token,
      rotated.token,
    ]) {
      expect(raw).not.toContain(secret);
    }
    expect(raw).not.toMatch(/scrypt\$/);
  });

  describe("listAuditEvents filters", () => {
    // Ten events by two actors over ten minutes, written with explicit times.
    const base = new Date("2030-05-01T12:00:00.000Z").getTime();
    const minute = 60_000;
    let tag: string;
    let alice: string;
    let bob: string;
    const seeded: { at: Date; actor: string; action: AuditAction; target: string }[] = [];
    const query = (input: Record<string, string | number>) => listAuditEvents(t.db, auditQuerySchema.parse(input));

    beforeAll(async () => {
      tag = randomBytes(4).toString("hex");
      alice = `alice-${tag}`;
      bob = `bob-${tag}`;
      const actions: AuditAction[] = ["vpn_user.created", "vpn_user.updated", "group.created", "server.registered"];
      for (let i = 0; i < 10; i++) {
        seeded.push({
          at: new Date(base + i * minute),
          actor: i % 2 === 0 ? alice : bob,
          action: actions[i % actions.length] ?? "group.created",
          target: `${tag}-t${i}`,
        });
      }
      await t.db.auditEvent.createMany({
        data: seeded.map((e) => ({ ...e, actorType: "cli", targetType: "vpn_user", before: null, after: null })),
      });
    });

    const targetsOf = (result: { events: { target: string }[] }) => result.events.map((e) => e.target);
    const expectTargets = (filter: (i: number) => boolean) =>
      seeded.map((e, i) => ({ e, i })).filter(({ i }) => filter(i)).map(({ e }) => e.target).reverse();

    it("lists newest first", async () => {
      const result = await query({ target: tag });
      expect(result.total).toBe(10);
      expect(targetsOf(result)).toEqual(expectTargets(() => true));
      expect(result.events[0]?.at).toBe(new Date(base + 9 * minute).toISOString());
    });

    it("filters by actor", async () => {
      const result = await query({ actor: alice });
      expect(result.total).toBe(5);
      expect(targetsOf(result)).toEqual(expectTargets((i) => i % 2 === 0));
      expect(result.events.every((e) => e.actor === alice)).toBe(true);
    });

    it("filters by action, exactly or by its prefix", async () => {
      expect(targetsOf(await query({ target: tag, action: "vpn_user.updated" }))).toEqual(
        expectTargets((i) => i % 4 === 1),
      );
      expect(targetsOf(await query({ target: tag, action: "vpn_user." }))).toEqual(
        expectTargets((i) => i % 4 === 0 || i % 4 === 1),
      );
      expect((await query({ target: tag, action: "policy.updated" })).total).toBe(0);
    });

    it("filters by target", async () => {
      const result = await query({ target: `${tag}-t7` });
      expect(targetsOf(result)).toEqual([`${tag}-t7`]);
    });

    it("filters by time, both bounds inclusive", async () => {
      const from = new Date(base + 3 * minute).toISOString();
      const to = new Date(base + 6 * minute).toISOString();
      expect(targetsOf(await query({ target: tag, from, to }))).toEqual(expectTargets((i) => i >= 3 && i <= 6));
      expect(targetsOf(await query({ target: tag, from }))).toEqual(expectTargets((i) => i >= 3));
      expect(targetsOf(await query({ target: tag, to }))).toEqual(expectTargets((i) => i <= 6));
      expect((await query({ target: tag, from: to, to: from })).total).toBe(0);
    });

    it("combines filters and pages", async () => {
      const result = await query({ actor: bob, action: "vpn_user", pageSize: 2, page: 1 });
      const matching = expectTargets((i) => i % 2 === 1 && (i % 4 === 0 || i % 4 === 1));
      expect(result.total).toBe(matching.length);
      expect(targetsOf(result)).toEqual(matching.slice(0, 2));
      const page2 = await query({ actor: bob, action: "vpn_user", pageSize: 2, page: 2 });
      expect(targetsOf(page2)).toEqual(matching.slice(2, 4));
    });

    it("refuses a date that is not a date, and a page size over 500, saying what is expected", () => {
      const badDate = auditQuerySchema.safeParse({ from: "yesterday-ish" });
      expect(badDate.success).toBe(false);
      expect(badDate.error?.issues[0]?.message).toBe("from must be a date such as 2026-11-23 or 2026-11-23T12:00:00Z");
      const badPage = auditQuerySchema.safeParse({ pageSize: 501 });
      expect(badPage.success).toBe(false);
      expect(badPage.error?.issues[0]?.message).toBe("pageSize must be a whole number from 1 to 500");
      expect(auditQuerySchema.safeParse({ page: "0" }).error?.issues[0]?.message).toBe(
        "page must be a whole number from 1 to 1000000",
      );
    });
  });

  it("the typed action list has no duplicates and one naming scheme (entity.verb)", () => {
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    for (const action of AUDIT_ACTIONS) expect(action).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });
});
