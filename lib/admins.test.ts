import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { cliActor, systemActor, type Actor } from "./actor";
import {
  createAdmin,
  deleteAdmin,
  ensureInitialAdmin,
  listAdmins,
  resetAdminPassword,
  updateAdmin,
  verifyAdminCredentials,
} from "./admins";
import { verifyPassword } from "./crypto";
import type { Db } from "./db";
import { AppError } from "./errors";
import { createTestDb, type TestDb } from "./testing/test-db";

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

/** Every row count that a failed call must leave alone. */
async function counts(db: Db) {
  const [admins, audit] = await Promise.all([db.admin.count(), db.auditEvent.count()]);
  return { admins, audit };
}

async function auditFor(db: Db, target: string) {
  return db.auditEvent.findMany({ where: { target }, orderBy: [{ at: "asc" }, { id: "asc" }] });
}

async function adminRow(db: Db, username: string) {
  const row = await db.admin.findUnique({ where: { username } });
  if (!row) throw new Error(`test setup: admin ${username} is missing`);
  return row;
}

describe(`admins (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("creates an admin: the view has no secret, the row holds only a scrypt hash, the audit names it", async () => {
    const username = unique("alice");
    const view = await createAdmin(t.db, cliActor(), { username, password: "alice-password-1", role: "viewer" });
    expect(view).toMatchObject({ username, role: "viewer", lastLoginAt: null });
    expect(Object.keys(view).sort()).toEqual(["createdAt", "id", "lastLoginAt", "role", "username"]);

    const row = await adminRow(t.db, username);
    expect(row.id).toBe(view.id);
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain("alice-password-1");
    expect(await verifyPassword("alice-password-1", row.passwordHash)).toBe(true);

    const audit = await auditFor(t.db, username);
    expect(audit.map((e) => e.action)).toEqual(["admin.created"]);
    expect(audit[0]?.actorType).toBe("cli");
    expect(JSON.parse(audit[0]?.after ?? "null")).toEqual({ username, role: "viewer" });
    expect(JSON.stringify(audit)).not.toContain("alice-password-1");
  });

  it("defaults the role to admin", async () => {
    const username = unique("defrole");
    expect((await createAdmin(t.db, cliActor(), { username, password: "password-123" })).role).toBe("admin");
    expect((await adminRow(t.db, username)).role).toBe("admin");
  });

  it("refuses a duplicate username with a 409 conflict and writes nothing", async () => {
    const username = unique("dup");
    await createAdmin(t.db, cliActor(), { username, password: "first-password" });
    const hashBefore = (await adminRow(t.db, username)).passwordHash;
    const before = await counts(t.db);

    const error = await createAdmin(t.db, cliActor(), { username, password: "second-password" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "conflict", message: `an admin named "${username}" already exists` });
    expect(await counts(t.db)).toEqual(before);
    expect((await adminRow(t.db, username)).passwordHash).toBe(hashBefore);
  });

  it.each([
    ["a short password", { username: "shortpw", password: "short" }, "password"],
    ["a bad username", { username: "has space", password: "long-enough-password" }, "username"],
    ["an unknown role", { username: "badrole", password: "long-enough-password", role: "root" }, "role"],
  ])("refuses %s with a field error and writes nothing", async (_label, input, field) => {
    const before = await counts(t.db);
    const error = await createAdmin(t.db, cliActor(), input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZodError);
    expect(error instanceof ZodError ? error.issues.map((i) => i.path.join(".")) : []).toContain(field);
    expect(await counts(t.db)).toEqual(before);
  });

  describe("verifyAdminCredentials", () => {
    it("returns the admin for the right password and records the sign-in time", async () => {
      const username = unique("login");
      await createAdmin(t.db, cliActor(), { username, password: "login-password" });
      const startedAt = Date.now();
      const admin = await verifyAdminCredentials(t.db, username, "login-password");
      expect(admin).toMatchObject({ username, role: "admin" });
      const lastLoginAt = (await adminRow(t.db, username)).lastLoginAt;
      expect(lastLoginAt).not.toBeNull();
      expect(lastLoginAt?.getTime() ?? 0).toBeGreaterThanOrEqual(startedAt - 1000);
      expect(admin?.lastLoginAt).toBe(lastLoginAt?.toISOString());
    });

    it("returns null for a wrong password and leaves the row untouched", async () => {
      const username = unique("wrongpw");
      await createAdmin(t.db, cliActor(), { username, password: "right-password" });
      const before = await adminRow(t.db, username);
      expect(await verifyAdminCredentials(t.db, username, "wrong-password")).toBeNull();
      expect(await verifyAdminCredentials(t.db, username, "")).toBeNull();
      expect(await adminRow(t.db, username)).toEqual(before);
    });

    it("returns null for an unknown username and writes nothing", async () => {
      const before = await counts(t.db);
      expect(await verifyAdminCredentials(t.db, unique("nobody"), "any-password")).toBeNull();
      expect(await counts(t.db)).toEqual(before);
    });
  });

  describe("passwords", () => {
    it("resetAdminPassword with a chosen password: only the new one works, audited without the secret", async () => {
      const username = unique("reset");
      await createAdmin(t.db, cliActor(), { username, password: "old-password-1" });
      const hashBefore = (await adminRow(t.db, username)).passwordHash;

      expect(await resetAdminPassword(t.db, cliActor(), username, "new-password-2")).toEqual({
        password: "new-password-2",
        generated: false,
      });
      expect((await adminRow(t.db, username)).passwordHash).not.toBe(hashBefore);
      expect(await verifyAdminCredentials(t.db, username, "old-password-1")).toBeNull();
      expect(await verifyAdminCredentials(t.db, username, "new-password-2")).not.toBeNull();

      const audit = await auditFor(t.db, username);
      expect(audit.map((e) => e.action)).toEqual(["admin.created", "admin.password_reset"]);
      expect(audit[1]).toMatchObject({ before: null, after: null });
      const text = JSON.stringify(audit);
      expect(text).not.toContain("new-password-2");
      expect(text).not.toContain("old-password-1");
    });

    it("resetAdminPassword without a password generates one that works", async () => {
      const username = unique("genpw");
      await createAdmin(t.db, cliActor(), { username, password: "old-password-1" });
      const result = await resetAdminPassword(t.db, cliActor(), username);
      expect(result.generated).toBe(true);
      expect(result.password.length).toBeGreaterThanOrEqual(16);
      expect(await verifyAdminCredentials(t.db, username, result.password)).not.toBeNull();
      expect(await verifyAdminCredentials(t.db, username, "old-password-1")).toBeNull();
    });

    it("refuses a too-short new password and keeps the old one", async () => {
      const username = unique("shortreset");
      await createAdmin(t.db, cliActor(), { username, password: "old-password-1" });
      const before = await counts(t.db);
      await expect(resetAdminPassword(t.db, cliActor(), username, "short")).rejects.toBeInstanceOf(ZodError);
      expect(await verifyAdminCredentials(t.db, username, "old-password-1")).not.toBeNull();
      expect(await counts(t.db)).toEqual(before);
    });

    it("resetting the password of an unknown admin is a 404 and writes nothing", async () => {
      const before = await counts(t.db);
      await expect(resetAdminPassword(t.db, cliActor(), unique("ghost"), "new-password-2")).rejects.toMatchObject({
        code: "not_found",
      });
      expect(await counts(t.db)).toEqual(before);
    });
  });

  it("changes a role and audits before and after", async () => {
    const username = unique("promote");
    await createAdmin(t.db, cliActor(), { username, password: "password-123", role: "viewer" });
    expect((await updateAdmin(t.db, cliActor(), username, { role: "admin" })).role).toBe("admin");
    expect((await adminRow(t.db, username)).role).toBe("admin");
    const audit = await auditFor(t.db, username);
    expect(audit.map((e) => e.action)).toEqual(["admin.created", "admin.role_changed"]);
    expect(JSON.parse(audit[1]?.before ?? "null")).toEqual({ role: "viewer" });
    expect(JSON.parse(audit[1]?.after ?? "null")).toEqual({ role: "admin" });
  });

  it("setting the role it already has writes no audit event", async () => {
    const username = unique("samerole");
    await createAdmin(t.db, cliActor(), { username, password: "password-123", role: "viewer" });
    const before = await counts(t.db);
    await updateAdmin(t.db, cliActor(), username, { role: "viewer" });
    expect(await counts(t.db)).toEqual(before);
  });

  it("deletes an admin and audits it", async () => {
    const username = unique("gone");
    await createAdmin(t.db, cliActor(), { username, password: "password-123", role: "viewer" });
    await deleteAdmin(t.db, cliActor(), username);
    expect(await t.db.admin.findUnique({ where: { username } })).toBeNull();
    const audit = await auditFor(t.db, username);
    expect(audit.map((e) => e.action)).toEqual(["admin.created", "admin.deleted"]);
    expect(JSON.parse(audit[1]?.before ?? "null")).toEqual({ username, role: "viewer" });
  });

  it("an admin cannot delete their own account", async () => {
    const username = unique("self");
    const admin = await createAdmin(t.db, cliActor(), { username, password: "password-123" });
    await createAdmin(t.db, cliActor(), { username: unique("other"), password: "password-123" });
    const self: Actor = { type: "admin", id: admin.id, name: username, role: "admin" };
    const before = await counts(t.db);
    await expect(deleteAdmin(t.db, self, username)).rejects.toMatchObject({
      code: "conflict",
      message: "you cannot delete your own account",
    });
    expect(await counts(t.db)).toEqual(before);
  });

  it("deleting an unknown admin is a 404 and writes nothing", async () => {
    const before = await counts(t.db);
    await expect(deleteAdmin(t.db, cliActor(), unique("ghost"))).rejects.toMatchObject({ code: "not_found" });
    expect(await counts(t.db)).toEqual(before);
  });
});

// These rules depend on how many admins exist in the whole table, so each test gets an empty
// database of its own.
describe(`admins on an empty database (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(async () => {
    await t.drop();
  });

  it("the last admin cannot be demoted to viewer, even with viewers around", async () => {
    await createAdmin(t.db, cliActor(), { username: "only", password: "password-123" });
    await createAdmin(t.db, cliActor(), { username: "watcher", password: "password-123", role: "viewer" });
    const before = await counts(t.db);
    await expect(updateAdmin(t.db, cliActor(), "only", { role: "viewer" })).rejects.toMatchObject({
      code: "conflict",
      message: "the last admin cannot become a viewer",
    });
    expect((await adminRow(t.db, "only")).role).toBe("admin");
    expect(await counts(t.db)).toEqual(before);
  });

  it("a demotion that is refused also keeps a password given in the same call from being set", async () => {
    await createAdmin(t.db, cliActor(), { username: "only", password: "password-123" });
    await expect(
      updateAdmin(t.db, cliActor(), "only", { role: "viewer", password: "other-password" }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await verifyAdminCredentials(t.db, "only", "password-123")).not.toBeNull();
    expect(await verifyAdminCredentials(t.db, "only", "other-password")).toBeNull();
  });

  it("the last admin cannot be deleted; with a second admin it can", async () => {
    await createAdmin(t.db, cliActor(), { username: "first", password: "password-123" });
    await createAdmin(t.db, cliActor(), { username: "viewer1", password: "password-123", role: "viewer" });
    const before = await counts(t.db);
    await expect(deleteAdmin(t.db, cliActor(), "first")).rejects.toMatchObject({
      code: "conflict",
      message: "the last admin cannot be deleted",
    });
    expect(await counts(t.db)).toEqual(before);

    await createAdmin(t.db, cliActor(), { username: "second", password: "password-123" });
    await deleteAdmin(t.db, cliActor(), "first");
    expect((await listAdmins(t.db)).map((a) => a.username)).toEqual(["second", "viewer1"]);
    await expect(deleteAdmin(t.db, cliActor(), "second")).rejects.toMatchObject({ code: "conflict" });
    await expect(updateAdmin(t.db, cliActor(), "second", { role: "viewer" })).rejects.toMatchObject({
      code: "conflict",
    });
    // A viewer can always go.
    await deleteAdmin(t.db, cliActor(), "viewer1");
    expect((await listAdmins(t.db)).map((a) => a.username)).toEqual(["second"]);
  });

  // A race shows up only some of the time, so each is tried over several rounds.
  it.each([
    ["demoted", (username: string) => updateAdmin(t.db, cliActor(), username, { role: "viewer" })],
    ["deleted", (username: string) => deleteAdmin(t.db, cliActor(), username)],
  ])("two admins %s at the same moment still leave one admin", async (_label, change) => {
    for (let round = 0; round < 8; round++) {
      await t.db.admin.deleteMany();
      await createAdmin(t.db, cliActor(), { username: `racer${round}a`, password: "password-123" });
      await createAdmin(t.db, cliActor(), { username: `racer${round}b`, password: "password-123" });
      const results = await Promise.allSettled([change(`racer${round}a`), change(`racer${round}b`)]);
      expect(await t.db.admin.count({ where: { role: "admin" } }), `round ${round}`).toBe(1);
      expect(results.filter((r) => r.status === "rejected"), `round ${round}`).toHaveLength(1);
    }
  });

  it("ensureInitialAdmin creates admin with ADMIN_PASSWORD once; the second call does nothing", async () => {
    const first = await ensureInitialAdmin(t.db, systemActor, "env-password-123");
    expect(first).toEqual({ created: true, password: "env-password-123", generated: false });
    expect(await verifyAdminCredentials(t.db, "admin", "env-password-123")).toMatchObject({ role: "admin" });
    const audit = await auditFor(t.db, "admin");
    expect(audit.map((e) => [e.action, e.actorType])).toEqual([["admin.created", "system"]]);
    expect(JSON.stringify(audit)).not.toContain("env-password-123");
    const before = await counts(t.db);

    expect(await ensureInitialAdmin(t.db, systemActor, "another-password")).toEqual({ created: false });
    expect(await ensureInitialAdmin(t.db, systemActor, undefined)).toEqual({ created: false });
    expect(await counts(t.db)).toEqual(before);
    expect(await verifyAdminCredentials(t.db, "admin", "env-password-123")).not.toBeNull();
    expect(await verifyAdminCredentials(t.db, "admin", "another-password")).toBeNull();
  });

  it.each([
    ["unset", undefined],
    ["empty", ""],
  ])("ensureInitialAdmin with ADMIN_PASSWORD %s generates a password that works", async (_label, env) => {
    const result = await ensureInitialAdmin(t.db, systemActor, env);
    if (!result.created) throw new Error("expected the admin to be created");
    expect(result.generated).toBe(true);
    expect(result.password.length).toBeGreaterThanOrEqual(16);
    expect(await verifyAdminCredentials(t.db, "admin", result.password)).not.toBeNull();
    expect(await t.db.admin.count()).toBe(1);
    expect(await ensureInitialAdmin(t.db, systemActor, env)).toEqual({ created: false });
    expect(await t.db.admin.count()).toBe(1);
  });

  it("ensureInitialAdmin refuses a too-short ADMIN_PASSWORD and creates nothing", async () => {
    await expect(ensureInitialAdmin(t.db, systemActor, "short")).rejects.toMatchObject({
      code: "invalid",
      message: "ADMIN_PASSWORD must be at least 8 characters",
    });
    expect(await counts(t.db)).toEqual({ admins: 0, audit: 0 });
  });

  it("ensureInitialAdmin does nothing when any admin already exists, whatever its name", async () => {
    await createAdmin(t.db, cliActor(), { username: "root-like", password: "password-123", role: "viewer" });
    const before = await counts(t.db);
    expect(await ensureInitialAdmin(t.db, systemActor, "env-password-123")).toEqual({ created: false });
    expect(await counts(t.db)).toEqual(before);
    expect(await t.db.admin.findUnique({ where: { username: "admin" } })).toBeNull();
  });
});
