import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { cliActor, type Actor } from "./actor";
import {
  API_TOKEN_PREFIX,
  authenticateApiToken,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from "./api-tokens";
import type { Db } from "./db";
import { createTestDb, type TestDb } from "./testing/test-db";

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

async function counts(db: Db) {
  const [tokens, audit] = await Promise.all([db.apiToken.count(), db.auditEvent.count()]);
  return { tokens, audit };
}

async function tokenRow(db: Db, name: string) {
  const row = await db.apiToken.findUnique({ where: { name } });
  if (!row) throw new Error(`test setup: API token ${name} is missing`);
  return row;
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe(`API tokens (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("returns the token once and stores only its SHA-256, nowhere the token itself", async () => {
    const name = unique("ci");
    const { token, apiToken } = await createApiToken(t.db, cliActor(), { name });
    expect(token.startsWith(API_TOKEN_PREFIX)).toBe(true);
    expect(token.length).toBeGreaterThan(40);
    expect(apiToken).toMatchObject({ name, role: "admin", createdBy: cliActor().name, revokedAt: null });
    expect(JSON.stringify(apiToken)).not.toContain(token.slice(API_TOKEN_PREFIX.length));

    const row = await tokenRow(t.db, name);
    expect(row.tokenHash).toBe(sha256(token));
    const secretPart = token.slice(API_TOKEN_PREFIX.length);
    expect(JSON.stringify(row)).not.toContain(secretPart);

    const audit = await t.db.auditEvent.findMany({ where: { target: name } });
    expect(audit.map((e) => e.action)).toEqual(["api_token.created"]);
    expect(JSON.parse(audit[0]?.after ?? "null")).toEqual({ name, role: "admin" });
    const allAudit = JSON.stringify(await t.db.auditEvent.findMany());
    expect(allAudit).not.toContain(secretPart);
    expect(allAudit).not.toContain(row.tokenHash);

    // The list never carries the token nor its hash.
    const listed = (await listApiTokens(t.db)).find((v) => v.name === name);
    expect(listed).toEqual(apiToken);
    expect(JSON.stringify(await listApiTokens(t.db))).not.toContain(row.tokenHash);
  });

  it("authenticates with the token, as an api_token actor with its role, and records use", async () => {
    const name = unique("bot");
    const { token, apiToken } = await createApiToken(t.db, cliActor(), { name, role: "admin" });
    expect((await tokenRow(t.db, name)).lastUsedAt).toBeNull();
    const actor = await authenticateApiToken(t.db, token);
    expect(actor).toEqual({ type: "api_token", id: apiToken.id, name, role: "admin" } satisfies Actor);
    expect((await tokenRow(t.db, name)).lastUsedAt).not.toBeNull();
  });

  it("carries the viewer role", async () => {
    const name = unique("reader");
    const { token, apiToken } = await createApiToken(t.db, cliActor(), { name, role: "viewer" });
    expect(apiToken.role).toBe("viewer");
    expect((await tokenRow(t.db, name)).role).toBe("viewer");
    expect(await authenticateApiToken(t.db, token)).toMatchObject({ name, role: "viewer" });
  });

  it("a revoked token no longer authenticates; the revocation is audited; revoking again is a 404", async () => {
    const name = unique("old");
    const { token } = await createApiToken(t.db, cliActor(), { name });
    expect(await authenticateApiToken(t.db, token)).not.toBeNull();

    const revoked = await revokeApiToken(t.db, cliActor(), name);
    expect(revoked.revokedAt).not.toBeNull();
    expect((await tokenRow(t.db, name)).revokedAt?.toISOString()).toBe(revoked.revokedAt);
    expect(await authenticateApiToken(t.db, token)).toBeNull();

    const audit = await t.db.auditEvent.findMany({ where: { target: name }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    expect(audit.map((e) => e.action)).toEqual(["api_token.created", "api_token.revoked"]);
    expect(JSON.parse(audit[1]?.after ?? "null")).toEqual({ revokedAt: revoked.revokedAt });

    const before = await counts(t.db);
    await expect(revokeApiToken(t.db, cliActor(), name)).rejects.toMatchObject({ code: "not_found" });
    expect(await counts(t.db)).toEqual(before);
    expect(await authenticateApiToken(t.db, token)).toBeNull();
  });

  it("revoking one token leaves the others working", async () => {
    const a = await createApiToken(t.db, cliActor(), { name: unique("keep") });
    const b = await createApiToken(t.db, cliActor(), { name: unique("drop") });
    await revokeApiToken(t.db, cliActor(), b.apiToken.name);
    expect(await authenticateApiToken(t.db, a.token)).toMatchObject({ name: a.apiToken.name });
    expect(await authenticateApiToken(t.db, b.token)).toBeNull();
  });

  it.each([
    ["an unknown token with the right prefix", () => `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`],
    ["an empty string", () => ""],
    ["a server token", () => `scs_${randomBytes(32).toString("base64url")}`],
  ])("refuses %s", async (_label, makeToken) => {
    expect(await authenticateApiToken(t.db, makeToken())).toBeNull();
  });

  it("refuses a real token without its prefix, and its stored hash used as a token", async () => {
    const name = unique("strip");
    const { token } = await createApiToken(t.db, cliActor(), { name });
    expect(await authenticateApiToken(t.db, token.slice(API_TOKEN_PREFIX.length))).toBeNull();
    expect(await authenticateApiToken(t.db, (await tokenRow(t.db, name)).tokenHash)).toBeNull();
    expect(await authenticateApiToken(t.db, `${token}x`)).toBeNull();
  });

  it("refuses a duplicate name with a 409 and writes nothing", async () => {
    const name = unique("twice");
    const first = await createApiToken(t.db, cliActor(), { name });
    const before = await counts(t.db);
    await expect(createApiToken(t.db, cliActor(), { name, role: "viewer" })).rejects.toMatchObject({
      code: "conflict",
      message: `an API token named "${name}" already exists`,
    });
    expect(await counts(t.db)).toEqual(before);
    expect(await authenticateApiToken(t.db, first.token)).toMatchObject({ role: "admin" });
  });

  it.each([
    ["a bad name", { name: "with space" }],
    ["an unknown role", { name: "okname", role: "owner" }],
    ["no name", {}],
  ])("refuses %s and writes nothing", async (_label, input) => {
    const before = await counts(t.db);
    await expect(createApiToken(t.db, cliActor(), input)).rejects.toBeInstanceOf(ZodError);
    expect(await counts(t.db)).toEqual(before);
  });
});
