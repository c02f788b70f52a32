import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "./actor";
import { auditQuerySchema, listAuditEvents } from "./audit";
import { createGroup } from "./groups";
import {
  applyImport,
  clearScopePolicy,
  effectivePolicyFor,
  effectivePolicyView,
  exportAllPolicies,
  getScopePolicy,
  listPolicyScopes,
  previewImport,
  resolveUserPolicies,
  resolveUserPolicy,
  revertPolicyChange,
  scopeFromTarget,
  updateScopePolicy,
} from "./policies";
import { scopeTarget, type PolicyScopeRef } from "./policy/export";
import { createTestDb, type TestDb } from "./testing/test-db";
import { createVpnUser } from "./vpn-users";

let t: TestDb;
let n = 0;
const actor = cliActor();
const unique = (prefix: string) => `${prefix}${++n}`;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

async function member() {
  const group = unique("contractors");
  await createGroup(t.db, actor, { name: group });
  const username = unique("alice");
  await createVpnUser(t.db, actor, { username, group });
  return { group, username };
}

describe(`policies in the database (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("shows a group override on a member with its source, and inherits again once cleared", async () => {
    const { group, username } = await member();
    await updateScopePolicy(t.db, actor, { scope: "group", name: group }, { idleTokenExpiry: 900 });
    const view = await effectivePolicyView(t.db, username);
    expect(view.fields.idleTokenExpiry).toMatchObject({ set: null, effective: 900, sourceLabel: `from group ${group}` });
    expect(view.fields.sessionLifetime).toMatchObject({ effective: 86400, sourceLabel: "built-in default" });
    expect(view.explanation.join(" ")).toContain("15 min");

    await updateScopePolicy(t.db, actor, { scope: "group", name: group }, { idleTokenExpiry: null });
    const after = await effectivePolicyView(t.db, username);
    expect(after.fields.idleTokenExpiry).toMatchObject({ effective: 300, sourceLabel: "built-in default" });
  });

  it("takes each field from the nearest scope: user, group, DEFAULT", async () => {
    const { group, username } = await member();
    await updateScopePolicy(t.db, actor, { scope: "default" }, { keepaliveInterval: 20 });
    await updateScopePolicy(t.db, actor, { scope: "group", name: group }, { keepaliveInterval: 15, ipLock: false });
    await updateScopePolicy(t.db, actor, { scope: "user", name: username }, { keepaliveInterval: 5 });
    const user = await t.db.vpnUser.findUniqueOrThrow({ where: { username }, include: { group: { select: { name: true } } } });
    const values = await effectivePolicyFor(t.db, user);
    expect(values).toMatchObject({ keepaliveInterval: 5, ipLock: false });
    const groupView = await getScopePolicy(t.db, { scope: "group", name: group });
    expect(groupView.fields.keepaliveInterval).toMatchObject({ set: 15, effective: 15 });
    await updateScopePolicy(t.db, actor, { scope: "default" }, { keepaliveInterval: null });
  });

  it("resolves many users at once exactly as it resolves each alone", async () => {
    const first = await member();
    const second = await member();
    const loner = unique("bob");
    await createVpnUser(t.db, actor, { username: loner });
    await updateScopePolicy(t.db, actor, { scope: "default" }, { inactivityBytes: 4096 });
    await updateScopePolicy(t.db, actor, { scope: "group", name: first.group }, { inactivityWindow: 600, inactivityBytes: 20_000 });
    await updateScopePolicy(t.db, actor, { scope: "user", name: second.username }, { inactivityEnforced: true, inactivityBytes: 1 });
    const users = await t.db.vpnUser.findMany({
      where: { username: { in: [first.username, second.username, loner] } },
      include: { group: { select: { name: true } } },
    });
    const all = await resolveUserPolicies(t.db, users);
    expect(all.size).toBe(3);
    for (const user of users) expect(all.get(user.id)).toEqual(await resolveUserPolicy(t.db, user));
    const byName = new Map(users.map((user) => [user.username, all.get(user.id)]));
    expect(byName.get(first.username)).toMatchObject({
      inactivityWindow: { value: 600, source: { scope: "group" } },
      inactivityBytes: { value: 20_000, source: { scope: "group" } },
    });
    expect(byName.get(second.username)).toMatchObject({ inactivityEnforced: { value: true }, inactivityBytes: { value: 1 } });
    expect(byName.get(loner)).toMatchObject({ inactivityBytes: { value: 4096, source: { scope: "default" } } });
    await updateScopePolicy(t.db, actor, { scope: "default" }, { inactivityBytes: null });
  });

  it("rejects invalid values with a field error and changes nothing", async () => {
    const { group } = await member();
    const before = (await listAuditEvents(t.db, auditQuerySchema.parse({}))).total;
    await expect(
      updateScopePolicy(t.db, actor, { scope: "group", name: group }, { sessionLifetime: -5 }),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ["sessionLifetime"] })] });
    await expect(updateScopePolicy(t.db, actor, { scope: "group", name: group }, { idleExpiry: 5 })).rejects.toMatchObject({
      issues: [expect.objectContaining({ message: 'unknown policy field "idleExpiry"' })],
    });
    await expect(updateScopePolicy(t.db, actor, { scope: "group", name: "no-such-group" }, { ipLock: true })).rejects.toMatchObject({
      code: "not_found",
    });
    expect((await listAuditEvents(t.db, auditQuerySchema.parse({}))).total).toBe(before);
  });

  it("warns about a bad combination without blocking the save", async () => {
    const { group } = await member();
    const view = await updateScopePolicy(t.db, actor, { scope: "group", name: group }, { keepaliveTimeout: 600, idleTokenExpiry: 300 });
    expect(view.fields.keepaliveTimeout.set).toBe(600);
    expect(view.warnings.map((w) => w.code)).toContain("keepalive-timeout-not-below-idle-expiry");
  });

  it("audits each change with before and after, and reverts one from its audit entry", async () => {
    const { group } = await member();
    const scope = { scope: "group" as const, name: group };
    await updateScopePolicy(t.db, actor, scope, { sessionLifetime: 3600 });
    await updateScopePolicy(t.db, actor, scope, { sessionLifetime: 7200, reconnectTokens: false });
    const events = await listAuditEvents(t.db, auditQuerySchema.parse({ target: `group:${group}`, action: "policy." }));
    const latest = events.events[0];
    expect(latest).toMatchObject({
      action: "policy.updated",
      before: { sessionLifetime: 3600 },
      after: { sessionLifetime: 7200, reconnectTokens: false },
    });
    const reverted = await revertPolicyChange(t.db, actor, latest?.id ?? "");
    expect(reverted.overrides).toEqual({ sessionLifetime: 3600 });
    await clearScopePolicy(t.db, actor, scope);
    expect((await getScopePolicy(t.db, scope)).overrides).toEqual({});
  });

  it("lists DEFAULT, every group and only the users that override something", async () => {
    const { username } = await member();
    const quiet = unique("bob");
    await createVpnUser(t.db, actor, { username: quiet });
    await updateScopePolicy(t.db, actor, { scope: "user", name: username }, { autoLogin: true });
    const rows = await listPolicyScopes(t.db);
    expect(rows[0]?.label).toBe("DEFAULT");
    expect(rows.some((r) => r.label === `user ${username}`)).toBe(true);
    expect(rows.some((r) => r.label === `user ${quiet}`)).toBe(false);
  });

  it("previews an Access Server import without saving, then applies it all-or-nothing", async () => {
    const text = [
      'sacli --key "vpn.server.session_expire" --value "43200" ConfigPut',
      "vpn.server.made_up_key = 7",
    ].join("\n");
    const preview = await previewImport(t.db, { text });
    expect(preview.scopes).toHaveLength(1);
    expect(preview.scopes[0]).toMatchObject({ label: "DEFAULT", after: { sessionLifetime: 43200 } });
    expect(preview.unknown).toHaveLength(1);
    expect((await getScopePolicy(t.db, { scope: "default" })).overrides.sessionLifetime).toBeUndefined();

    await applyImport(t.db, actor, { text });
    expect((await getScopePolicy(t.db, { scope: "default" })).overrides.sessionLifetime).toBe(43200);
    await updateScopePolicy(t.db, actor, { scope: "default" }, { sessionLifetime: null });
  });

  it("refuses an import naming a user that does not exist, saving nothing", async () => {
    const group = unique("bcgroup");
    const text = JSON.stringify({
      format: "session-console/policies",
      version: 1,
      scopes: [
        { scope: "group", name: group, values: { sessionLifetime: 3600 } },
        { scope: "user", name: "ghost-user", values: { autoLogin: true } },
      ],
    });
    const preview = await previewImport(t.db, { text });
    expect(preview.canApply).toBe(false);
    await expect(applyImport(t.db, actor, { text })).rejects.toMatchObject({ code: "invalid" });
    expect(await t.db.group.count({ where: { name: group } })).toBe(0);
  });

  it("exports policies as JSON that imports back to the same values", async () => {
    const { group } = await member();
    await updateScopePolicy(t.db, actor, { scope: "group", name: group }, { inactivityWindow: 600, inactivityBytes: 20000 });
    const exported = await exportAllPolicies(t.db);
    await clearScopePolicy(t.db, actor, { scope: "group", name: group });
    await applyImport(t.db, actor, { text: JSON.stringify(exported) });
    expect((await getScopePolicy(t.db, { scope: "group", name: group })).overrides).toEqual({
      inactivityWindow: 600,
      inactivityBytes: 20000,
    });
  });
});

describe("policy audit targets", () => {
  it("reads back the scope that scopeTarget writes, and no other target", () => {
    const refs: PolicyScopeRef[] = [{ scope: "default" }, { scope: "group", name: "contractors" }, { scope: "user", name: "a:b@example.com" }];
    for (const ref of refs) expect(scopeFromTarget(scopeTarget(ref))).toEqual(ref);
    expect(refs.map(scopeTarget)).toEqual(["DEFAULT", "group:contractors", "user:a:b@example.com"]);
    for (const other of ["default", "group:", "server:edge-1", "alice"]) expect(scopeFromTarget(other)).toBeNull();
  });
});
