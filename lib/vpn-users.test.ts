import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { cliActor } from "./actor";
import { verifyPassword } from "./crypto";
import type { Db } from "./db";
import { AppError } from "./errors";
import { createGroup } from "./groups";
import {
  createVpnUser,
  deleteVpnUser,
  getVpnUser,
  listVpnUsers,
  updateVpnUser,
  vpnUserListSchema,
} from "./vpn-users";
import { createTestDb, type TestDb } from "./testing/test-db";

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

async function counts(db: Db) {
  const [users, groups, audit] = await Promise.all([db.vpnUser.count(), db.group.count(), db.auditEvent.count()]);
  return { users, groups, audit };
}

async function userRow(db: Db, username: string) {
  const row = await db.vpnUser.findUnique({ where: { username }, include: { group: true } });
  if (!row) throw new Error(`test setup: VPN user ${username} is missing`);
  return row;
}

async function auditFor(db: Db, target: string) {
  const rows = await db.auditEvent.findMany({ where: { target }, orderBy: [{ at: "asc" }, { id: "asc" }] });
  return rows.map((row) => ({
    action: row.action,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
    raw: JSON.stringify(row),
  }));
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe(`VPN users (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  describe("create", () => {
    it("creates a user without a group or password", async () => {
      const username = unique("bob");
      const view = await createVpnUser(t.db, cliActor(), { username });
      expect(view).toMatchObject({ username, group: null, enabled: true, hasPassword: false });
      const row = await userRow(t.db, username);
      expect(row).toMatchObject({ id: view.id, groupId: null, enabled: true, passwordHash: null });
      const audit = await auditFor(t.db, username);
      expect(audit.map((e) => e.action)).toEqual(["vpn_user.created"]);
      expect(audit[0]?.after).toMatchObject({ username, group: null, enabled: true });
    });

    it("creates a disabled user in a group with a password, and no secret reaches the audit", async () => {
      const group = unique("staff");
      await createGroup(t.db, cliActor(), { name: group });
      const username = unique("carol");
      const view = await createVpnUser(t.db, cliActor(), {
        username,
        group,
        password: "carol-vpn-password",
        enabled: false,
      });
      expect(view).toMatchObject({ username, group, enabled: false, hasPassword: true });
      expect(Object.keys(view)).not.toContain("passwordHash");

      const row = await userRow(t.db, username);
      expect(row.group?.name).toBe(group);
      expect(row.enabled).toBe(false);
      expect(await verifyPassword("carol-vpn-password", row.passwordHash)).toBe(true);

      const audit = await auditFor(t.db, username);
      expect(audit[0]?.after).toMatchObject({ username, group, enabled: false });
      const raw = audit.map((e) => e.raw).join("\n");
      expect(raw).not.toContain("carol-vpn-password");
      expect(raw).not.toContain(row.passwordHash ?? "no hash");
      expect(raw).not.toMatch(/scrypt\$/);
    });

    it("an unknown group is a field error on group and writes nothing", async () => {
      const username = unique("lost");
      const before = await counts(t.db);
      const error = await createVpnUser(t.db, cliActor(), { username, group: "no-such-group" }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: "invalid",
        fields: { group: 'group "no-such-group" does not exist' },
      });
      expect(await counts(t.db)).toEqual(before);
      expect(await t.db.vpnUser.findUnique({ where: { username } })).toBeNull();
    });

    it("a duplicate username is a 409 and writes nothing", async () => {
      const username = unique("twin");
      await createVpnUser(t.db, cliActor(), { username, password: "first-password" });
      const hash = (await userRow(t.db, username)).passwordHash;
      const before = await counts(t.db);
      await expect(createVpnUser(t.db, cliActor(), { username, password: "other-password" })).rejects.toMatchObject({
        code: "conflict",
        message: `a VPN user named "${username}" already exists`,
      });
      expect(await counts(t.db)).toEqual(before);
      expect((await userRow(t.db, username)).passwordHash).toBe(hash);
    });

    it.each([
      ["a bad username", { username: "bad name" }, "username"],
      ["a short password", { username: "shortpw", password: "1234567" }, "password"],
      ["a non-boolean enabled", { username: "enabledstr", enabled: "yes" }, "enabled"],
      ["a bad group name", { username: "badgroup", group: "no spaces" }, "group"],
    ])("refuses %s with a field error and writes nothing", async (_label, input, field) => {
      const before = await counts(t.db);
      const error = await createVpnUser(t.db, cliActor(), input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ZodError);
      expect(error instanceof ZodError ? error.issues.map((i) => i.path.join(".")) : []).toContain(field);
      expect(await counts(t.db)).toEqual(before);
    });
  });

  describe("update", () => {
    it("renames: the old name is gone, the id stays, the audit has before and after", async () => {
      const oldName = unique("dave");
      const newName = unique("david");
      const created = await createVpnUser(t.db, cliActor(), { username: oldName });
      const view = await updateVpnUser(t.db, cliActor(), oldName, { username: newName });
      expect(view).toMatchObject({ id: created.id, username: newName });
      expect(await t.db.vpnUser.findUnique({ where: { username: oldName } })).toBeNull();
      expect((await userRow(t.db, newName)).id).toBe(created.id);
      const audit = await auditFor(t.db, newName);
      expect(audit.map((e) => e.action)).toEqual(["vpn_user.updated"]);
      expect(audit[0]?.before).toEqual({ username: oldName, group: null, enabled: true });
      expect(audit[0]?.after).toEqual({ username: newName, group: null, enabled: true });
    });

    it("renaming onto an existing username is a 409 and changes nothing", async () => {
      const a = unique("erin");
      const b = unique("frank");
      await createVpnUser(t.db, cliActor(), { username: a });
      await createVpnUser(t.db, cliActor(), { username: b });
      const before = await counts(t.db);
      await expect(updateVpnUser(t.db, cliActor(), a, { username: b })).rejects.toMatchObject({
        code: "conflict",
        message: `a VPN user named "${b}" already exists`,
      });
      expect(await counts(t.db)).toEqual(before);
      expect((await getVpnUser(t.db, a)).username).toBe(a);
    });

    it("disables and re-enables, auditing each change", async () => {
      const username = unique("gina");
      await createVpnUser(t.db, cliActor(), { username });
      expect((await updateVpnUser(t.db, cliActor(), username, { enabled: false })).enabled).toBe(false);
      expect((await userRow(t.db, username)).enabled).toBe(false);
      expect((await updateVpnUser(t.db, cliActor(), username, { enabled: true })).enabled).toBe(true);
      expect((await userRow(t.db, username)).enabled).toBe(true);
      const audit = await auditFor(t.db, username);
      expect(audit.map((e) => [e.action, e.before, e.after])).toEqual([
        ["vpn_user.created", null, expect.anything()],
        ["vpn_user.updated", { username, group: null, enabled: true }, { username, group: null, enabled: false }],
        ["vpn_user.updated", { username, group: null, enabled: false }, { username, group: null, enabled: true }],
      ]);
    });

    it("sets a password: the hash changes, only the new password verifies, the audit holds no secret", async () => {
      const username = unique("hank");
      await createVpnUser(t.db, cliActor(), { username, password: "first-vpn-password" });
      const hashBefore = (await userRow(t.db, username)).passwordHash;
      const view = await updateVpnUser(t.db, cliActor(), username, { password: "second-vpn-password" });
      expect(view.hasPassword).toBe(true);
      const hashAfter = (await userRow(t.db, username)).passwordHash;
      expect(hashAfter).not.toBe(hashBefore);
      expect(await verifyPassword("second-vpn-password", hashAfter)).toBe(true);
      expect(await verifyPassword("first-vpn-password", hashAfter)).toBe(false);

      const audit = await auditFor(t.db, username);
      expect(audit.map((e) => e.action)).toEqual(["vpn_user.created", "vpn_user.password_set"]);
      expect(audit[1]).toMatchObject({ before: null, after: null });
      const raw = audit.map((e) => e.raw).join("\n");
      for (const secret of ["first-vpn-password", "second-vpn-password", hashBefore ?? "-", hashAfter ?? "-"]) {
        expect(raw).not.toContain(secret);
      }
    });

    it("gives a password to a user who had none", async () => {
      const username = unique("ivy");
      await createVpnUser(t.db, cliActor(), { username });
      expect((await updateVpnUser(t.db, cliActor(), username, { password: "fresh-password" })).hasPassword).toBe(true);
      expect(await verifyPassword("fresh-password", (await userRow(t.db, username)).passwordHash)).toBe(true);
    });

    it("moves a user between groups and out of any group", async () => {
      const g1 = unique("ops");
      const g2 = unique("dev");
      await createGroup(t.db, cliActor(), { name: g1 });
      await createGroup(t.db, cliActor(), { name: g2 });
      const username = unique("jack");
      await createVpnUser(t.db, cliActor(), { username, group: g1 });

      expect((await updateVpnUser(t.db, cliActor(), username, { group: g2 })).group).toBe(g2);
      expect((await userRow(t.db, username)).group?.name).toBe(g2);
      expect((await updateVpnUser(t.db, cliActor(), username, { group: null })).group).toBeNull();
      expect((await userRow(t.db, username)).groupId).toBeNull();

      const audit = await auditFor(t.db, username);
      expect(audit.slice(1).map((e) => [e.before, e.after])).toEqual([
        [
          { username, group: g1, enabled: true },
          { username, group: g2, enabled: true },
        ],
        [
          { username, group: g2, enabled: true },
          { username, group: null, enabled: true },
        ],
      ]);
    });

    it("moving into an unknown group is a field error and changes nothing", async () => {
      const group = unique("real");
      await createGroup(t.db, cliActor(), { name: group });
      const username = unique("kate");
      await createVpnUser(t.db, cliActor(), { username, group });
      const before = await counts(t.db);
      await expect(
        updateVpnUser(t.db, cliActor(), username, { group: "missing-group", enabled: false }),
      ).rejects.toMatchObject({ code: "invalid", fields: { group: 'group "missing-group" does not exist' } });
      expect(await counts(t.db)).toEqual(before);
      expect(await getVpnUser(t.db, username)).toMatchObject({ group, enabled: true });
    });

    it("an update with nothing to change is refused", async () => {
      const username = unique("liam");
      await createVpnUser(t.db, cliActor(), { username });
      const before = await counts(t.db);
      const error = await updateVpnUser(t.db, cliActor(), username, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ZodError);
      expect(String(error)).toContain("nothing to change");
      expect(await counts(t.db)).toEqual(before);
    });

    it("setting the values the user already has writes no audit event", async () => {
      const username = unique("mia");
      await createVpnUser(t.db, cliActor(), { username });
      const before = await counts(t.db);
      await updateVpnUser(t.db, cliActor(), username, { enabled: true, group: null });
      expect(await counts(t.db)).toEqual(before);
    });

    it("updating an unknown user is a 404 and writes nothing", async () => {
      const before = await counts(t.db);
      await expect(updateVpnUser(t.db, cliActor(), unique("ghost"), { enabled: false })).rejects.toMatchObject({
        code: "not_found",
      });
      expect(await counts(t.db)).toEqual(before);
    });
  });

  describe("delete", () => {
    it("deletes a user, auditing what it was", async () => {
      const group = unique("temp");
      await createGroup(t.db, cliActor(), { name: group });
      const username = unique("ned");
      await createVpnUser(t.db, cliActor(), { username, group, password: "ned-password" });
      await deleteVpnUser(t.db, cliActor(), username);
      expect(await t.db.vpnUser.findUnique({ where: { username } })).toBeNull();
      await expect(getVpnUser(t.db, username)).rejects.toMatchObject({ code: "not_found" });
      expect(await t.db.group.findUnique({ where: { name: group } })).not.toBeNull();
      const audit = await auditFor(t.db, username);
      expect(audit.map((e) => [e.action, e.before])).toEqual([
        ["vpn_user.created", null],
        ["vpn_user.deleted", { username, group, enabled: true }],
      ]);
    });

    it("deleting an unknown user is a 404 and writes nothing", async () => {
      const before = await counts(t.db);
      await expect(deleteVpnUser(t.db, cliActor(), unique("ghost"))).rejects.toMatchObject({ code: "not_found" });
      expect(await counts(t.db)).toEqual(before);
    });
  });

  describe("list", () => {
    // 1,200 users under one unique prefix, in one createMany: u0000..u1199. Every third is in
    // group A, every third + 1 in group B, the rest in none; every fifth is disabled.
    const N = 1200;
    let prefix: string;
    let groupA: string;
    let groupB: string;
    const nameOf = (i: number) => `${prefix}-u${String(i).padStart(4, "0")}`;
    const groupOf = (i: number) => (i % 3 === 0 ? groupA : i % 3 === 1 ? groupB : null);
    const enabledOf = (i: number) => i % 5 !== 0;
    const all = () => Array.from({ length: N }, (_, i) => i);
    const list = (query: Record<string, string | number>) =>
      listVpnUsers(t.db, vpnUserListSchema.parse({ q: prefix, ...query }));

    beforeAll(async () => {
      prefix = `lst${randomBytes(3).toString("hex")}`;
      groupA = `${prefix}-a`;
      groupB = `${prefix}-b`;
      const a = await createGroup(t.db, cliActor(), { name: groupA });
      const b = await createGroup(t.db, cliActor(), { name: groupB });
      const ids = new Map([
        [groupA, a.id],
        [groupB, b.id],
      ]);
      const result = await t.db.vpnUser.createMany({
        data: all().map((i) => {
          const group = groupOf(i);
          return { username: nameOf(i), enabled: enabledOf(i), groupId: group ? (ids.get(group) ?? null) : null };
        }),
      });
      expect(result.count).toBe(N);
    });

    it("pages through all of them sorted by username with the default page size", async () => {
      const first = await list({});
      expect(first.total).toBe(N);
      expect(first.pageSize).toBe(50);
      expect(first.users.map((u) => u.username)).toEqual(all().slice(0, 50).map(nameOf));
      const third = await list({ page: 3, pageSize: 100 });
      expect(third).toMatchObject({ total: N, page: 3, pageSize: 100 });
      expect(third.users.map((u) => u.username)).toEqual(all().slice(200, 300).map(nameOf));
      expect(third.users[0]).toMatchObject({ group: groupOf(200), enabled: enabledOf(200), hasPassword: false });
      const last = await list({ page: 3, pageSize: 500 });
      expect(last.users.map((u) => u.username)).toEqual(all().slice(1000).map(nameOf));
      const beyond = await list({ page: 4, pageSize: 500 });
      expect(beyond).toMatchObject({ total: N, users: [] });
    });

    it("sorts by username descending", async () => {
      const page = await list({ dir: "desc", page: 2, pageSize: 10 });
      expect(page.users.map((u) => u.username)).toEqual(
        all()
          .reverse()
          .slice(10, 20)
          .map(nameOf),
      );
    });

    it("searches by part of the username", async () => {
      const page = await list({ q: `${prefix}-u011`, pageSize: 500 });
      expect(page.total).toBe(10);
      expect(page.users.map((u) => u.username)).toEqual(all().slice(110, 120).map(nameOf));
      expect((await list({ q: `${prefix}-nothing` })).total).toBe(0);
    });

    it("search ignores letter case, the same on every database", async () => {
      const page = await list({ q: `${prefix}-U011`.toUpperCase(), pageSize: 500 });
      expect(page.total).toBe(10);
    });

    it("filters by group, by no group (-) and by enabled, combined with paging", async () => {
      const inA = all().filter((i) => groupOf(i) === groupA);
      const a = await list({ group: groupA, pageSize: 500 });
      expect(a.total).toBe(inA.length);
      expect(a.users.map((u) => u.username)).toEqual(inA.slice(0, 400).map(nameOf));
      expect(a.users.every((u) => u.group === groupA)).toBe(true);

      const none = await list({ group: "-", page: 2, pageSize: 100 });
      const inNone = all().filter((i) => groupOf(i) === null);
      expect(none.total).toBe(inNone.length);
      expect(none.users.map((u) => u.username)).toEqual(inNone.slice(100, 200).map(nameOf));

      const disabledInB = all().filter((i) => groupOf(i) === groupB && !enabledOf(i));
      const off = await list({ group: groupB, enabled: "false", pageSize: 500 });
      expect(off.total).toBe(disabledInB.length);
      expect(off.users.map((u) => u.username)).toEqual(disabledInB.map(nameOf));

      expect((await list({ enabled: "true" })).total).toBe(all().filter(enabledOf).length);
      expect((await list({ group: unique("nogroup") })).total).toBe(0);
    });

    it("sorts by enabled, then by username", async () => {
      const page = await list({ sort: "enabled", dir: "asc", pageSize: 500 });
      const disabled = all().filter((i) => !enabledOf(i));
      expect(page.users.slice(0, disabled.length).map((u) => u.username)).toEqual(disabled.map(nameOf));
      expect(page.users[disabled.length]?.username).toBe(nameOf(1));
    });

    it("sorts by group, then by username; users without a group come last, the same on every database", async () => {
      const asc = await list({ sort: "group", dir: "asc", pageSize: 500, page: 1 });
      const expected = [
        ...all().filter((i) => groupOf(i) === groupA),
        ...all().filter((i) => groupOf(i) === groupB),
        ...all().filter((i) => groupOf(i) === null),
      ];
      expect(asc.users.map((u) => u.username)).toEqual(expected.slice(0, 500).map(nameOf));
      const lastPage = await list({ sort: "group", dir: "asc", pageSize: 500, page: 3 });
      expect(lastPage.users.map((u) => u.username)).toEqual(expected.slice(1000).map(nameOf));
    });

    it("refuses an unknown sort column and a too-large page size", () => {
      expect(vpnUserListSchema.safeParse({ sort: "passwordHash" }).success).toBe(false);
      expect(vpnUserListSchema.safeParse({ pageSize: 501 }).success).toBe(false);
      expect(vpnUserListSchema.safeParse({ page: 0 }).success).toBe(false);
    });
  });
});
