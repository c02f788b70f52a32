import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "./actor";
import { listAuditEvents, auditQuerySchema } from "./audit";
import { AppError } from "./errors";
import { createGroup, deleteGroup, listGroups, updateGroup } from "./groups";
import { createTestDb, type TestDb } from "./testing/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe(`groups (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("creates, renames and deletes a group, auditing each change", async () => {
    const actor = cliActor();
    await createGroup(t.db, actor, { name: "contractors", description: "external" });
    await updateGroup(t.db, actor, "contractors", { name: "vendors" });
    expect((await listGroups(t.db)).map((g) => g.name)).toEqual(["vendors"]);
    await deleteGroup(t.db, actor, "vendors");
    expect(await listGroups(t.db)).toEqual([]);
    const audit = await listAuditEvents(t.db, auditQuerySchema.parse({}));
    expect(audit.events.map((e) => e.action)).toEqual(["group.deleted", "group.updated", "group.created"]);
    expect(audit.events[1]?.before).toEqual({ name: "contractors", description: "external" });
    expect(audit.events[1]?.after).toEqual({ name: "vendors", description: "external" });
  });

  it("an update that changes nothing records no audit event", async () => {
    const actor = cliActor();
    await createGroup(t.db, actor, { name: "unchanged", description: "as it was" });
    const before = (await listAuditEvents(t.db, auditQuerySchema.parse({}))).total;
    expect(await updateGroup(t.db, actor, "unchanged", { name: "unchanged", description: "as it was" })).toMatchObject({
      name: "unchanged",
      description: "as it was",
    });
    expect((await listAuditEvents(t.db, auditQuerySchema.parse({}))).total).toBe(before);
    await updateGroup(t.db, actor, "unchanged", { description: "now different" });
    const audit = await listAuditEvents(t.db, auditQuerySchema.parse({ target: "unchanged" }));
    expect(audit.events.map((e) => [e.action, e.after])).toEqual([
      ["group.updated", { name: "unchanged", description: "now different" }],
      ["group.created", { name: "unchanged", description: "as it was" }],
    ]);
  });

  it("refuses a duplicate name with a conflict and writes nothing", async () => {
    const actor = cliActor();
    await createGroup(t.db, actor, { name: "staff" });
    const before = (await listAuditEvents(t.db, auditQuerySchema.parse({}))).total;
    await expect(createGroup(t.db, actor, { name: "staff" })).rejects.toMatchObject({ code: "conflict" });
    expect((await listAuditEvents(t.db, auditQuerySchema.parse({}))).total).toBe(before);
  });

  it("names the field of a bad name", async () => {
    const error = await createGroup(t.db, cliActor(), { name: "no spaces" }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(AppError);
    expect(String(error)).toContain("group name may contain letters");
  });
});
