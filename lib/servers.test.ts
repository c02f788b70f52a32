import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { cliActor } from "./actor";
import type { Db } from "./db";
import {
  SERVER_TOKEN_PREFIX,
  authenticateServer,
  deleteServer,
  getServer,
  listServers,
  registerServer,
  renameServer,
  revokeServerToken,
  rotateServerToken,
} from "./servers";
import { createTestDb, type TestDb } from "./testing/test-db";

const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

async function counts(db: Db) {
  const [servers, audit] = await Promise.all([db.vpnServer.count(), db.auditEvent.count()]);
  return { servers, audit };
}

async function serverRow(db: Db, name: string) {
  const row = await db.vpnServer.findUnique({ where: { name } });
  if (!row) throw new Error(`test setup: server ${name} is missing`);
  return row;
}

async function actionsFor(db: Db, target: string) {
  const rows = await db.auditEvent.findMany({ where: { target }, orderBy: [{ at: "asc" }, { id: "asc" }] });
  return rows.map((row) => row.action);
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe(`servers (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("registers a server and returns its token once; only the SHA-256 is stored, nowhere the token", async () => {
    const name = unique("vpn1");
    const { token, server } = await registerServer(t.db, cliActor(), { name, kind: "openvpn" });
    expect(token.startsWith(SERVER_TOKEN_PREFIX)).toBe(true);
    expect(server).toMatchObject({ name, kind: "openvpn", hasToken: true, lastSeenAt: null });
    expect(server.tokenCreatedAt).not.toBeNull();

    const row = await serverRow(t.db, name);
    expect(row.tokenHash).toBe(sha256(token));
    const secretPart = token.slice(SERVER_TOKEN_PREFIX.length);
    expect(JSON.stringify(row)).not.toContain(secretPart);
    expect(JSON.stringify(server)).not.toContain(row.tokenHash ?? "-");

    const audit = await t.db.auditEvent.findMany({ where: { target: name } });
    expect(audit.map((e) => e.action)).toEqual(["server.registered"]);
    expect(JSON.parse(audit[0]?.after ?? "null")).toEqual({ name, kind: "openvpn" });
    const allAudit = JSON.stringify(await t.db.auditEvent.findMany());
    expect(allAudit).not.toContain(secretPart);
    expect(allAudit).not.toContain(row.tokenHash ?? "-");

    // Reading it back never gives the token again.
    expect(await getServer(t.db, name)).toEqual(server);
    expect((await listServers(t.db)).find((s) => s.name === name)).toEqual(server);
  });

  it("authenticateServer accepts the right token and refuses wrong ones", async () => {
    const name = unique("oc1");
    const { token, server } = await registerServer(t.db, cliActor(), { name, kind: "ocserv" });
    expect(await authenticateServer(t.db, token)).toEqual(server);
    expect(await authenticateServer(t.db, `${SERVER_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`)).toBeNull();
    expect(await authenticateServer(t.db, token.slice(SERVER_TOKEN_PREFIX.length))).toBeNull();
    expect(await authenticateServer(t.db, `sca_${token.slice(SERVER_TOKEN_PREFIX.length)}`)).toBeNull();
    expect(await authenticateServer(t.db, sha256(token))).toBeNull();
    expect(await authenticateServer(t.db, "")).toBeNull();
  });

  it("rotating replaces the token: the old one stops working at once, the new one works", async () => {
    const name = unique("rot");
    const first = await registerServer(t.db, cliActor(), { name, kind: "openvpn" });
    const rotated = await rotateServerToken(t.db, cliActor(), name);
    expect(rotated.token).not.toBe(first.token);
    expect(rotated.token.startsWith(SERVER_TOKEN_PREFIX)).toBe(true);
    expect(await authenticateServer(t.db, first.token)).toBeNull();
    expect(await authenticateServer(t.db, rotated.token)).toMatchObject({ id: first.server.id, name });
    expect((await serverRow(t.db, name)).tokenHash).toBe(sha256(rotated.token));
    expect(rotated.server.tokenCreatedAt).not.toBeNull();
    expect(await actionsFor(t.db, name)).toEqual(["server.registered", "server.token_rotated"]);
    expect(JSON.stringify(await t.db.auditEvent.findMany())).not.toContain(
      rotated.token.slice(SERVER_TOKEN_PREFIX.length),
    );
  });

  it("revoking leaves the server without a token; rotating afterwards issues a working one", async () => {
    const name = unique("rev");
    const { token } = await registerServer(t.db, cliActor(), { name, kind: "openvpn" });
    const revoked = await revokeServerToken(t.db, cliActor(), name);
    expect(revoked).toMatchObject({ name, hasToken: false, tokenCreatedAt: null });
    expect(await serverRow(t.db, name)).toMatchObject({ tokenHash: null, tokenCreatedAt: null });
    expect(await authenticateServer(t.db, token)).toBeNull();
    expect(await actionsFor(t.db, name)).toEqual(["server.registered", "server.token_revoked"]);

    const again = await rotateServerToken(t.db, cliActor(), name);
    expect(await authenticateServer(t.db, again.token)).toMatchObject({ name, hasToken: true });
    expect(await authenticateServer(t.db, token)).toBeNull();
  });

  it("two servers with revoked tokens can coexist (null token hashes do not collide)", async () => {
    const a = unique("nulla");
    const b = unique("nullb");
    await registerServer(t.db, cliActor(), { name: a, kind: "openvpn" });
    await registerServer(t.db, cliActor(), { name: b, kind: "openvpn" });
    await revokeServerToken(t.db, cliActor(), a);
    await revokeServerToken(t.db, cliActor(), b);
    expect((await getServer(t.db, a)).hasToken).toBe(false);
    expect((await getServer(t.db, b)).hasToken).toBe(false);
  });

  it("rotating or revoking the token of one server leaves the others working", async () => {
    const keep = await registerServer(t.db, cliActor(), { name: unique("keep"), kind: "openvpn" });
    const other = await registerServer(t.db, cliActor(), { name: unique("other"), kind: "ocserv" });
    await rotateServerToken(t.db, cliActor(), other.server.name);
    await revokeServerToken(t.db, cliActor(), other.server.name);
    expect(await authenticateServer(t.db, keep.token)).toMatchObject({ name: keep.server.name });
  });

  it("renames a server; its token keeps working", async () => {
    const name = unique("old");
    const newName = unique("new");
    const { token, server } = await registerServer(t.db, cliActor(), { name, kind: "openvpn" });
    expect(await renameServer(t.db, cliActor(), name, { name: newName })).toMatchObject({ id: server.id, name: newName });
    expect(await t.db.vpnServer.findUnique({ where: { name } })).toBeNull();
    expect(await authenticateServer(t.db, token)).toMatchObject({ name: newName });
    const audit = await t.db.auditEvent.findMany({ where: { action: "server.updated", target: newName } });
    expect(audit.map((e) => [e.before, e.after])).toEqual([[JSON.stringify({ name }), JSON.stringify({ name: newName })]]);
  });

  it("renaming a server to its own name changes nothing and records no audit event", async () => {
    const name = unique("same");
    await registerServer(t.db, cliActor(), { name, kind: "openvpn" });
    expect(await renameServer(t.db, cliActor(), name, { name })).toMatchObject({ name });
    expect(await actionsFor(t.db, name)).toEqual(["server.registered"]);
  });

  it("deletes a server; its token stops working", async () => {
    const name = unique("del");
    const { token } = await registerServer(t.db, cliActor(), { name, kind: "ocserv" });
    await deleteServer(t.db, cliActor(), name);
    expect(await t.db.vpnServer.findUnique({ where: { name } })).toBeNull();
    expect(await authenticateServer(t.db, token)).toBeNull();
    expect(await actionsFor(t.db, name)).toEqual(["server.registered", "server.deleted"]);
  });

  it("a duplicate name is a 409 and writes nothing", async () => {
    const name = unique("dup");
    const first = await registerServer(t.db, cliActor(), { name, kind: "openvpn" });
    const before = await counts(t.db);
    await expect(registerServer(t.db, cliActor(), { name, kind: "ocserv" })).rejects.toMatchObject({
      code: "conflict",
      message: `a server named "${name}" already exists`,
    });
    expect(await counts(t.db)).toEqual(before);
    expect(await authenticateServer(t.db, first.token)).toMatchObject({ kind: "openvpn" });
  });

  it.each([
    ["an unknown kind", { name: "kindless", kind: "wireguard" }, "kind"],
    ["a bad name", { name: "-dash-first", kind: "openvpn" }, "name"],
    ["no kind", { name: "nokind" }, "kind"],
  ])("refuses %s with a field error and writes nothing", async (_label, input, field) => {
    const before = await counts(t.db);
    const error = await registerServer(t.db, cliActor(), input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZodError);
    expect(error instanceof ZodError ? error.issues.map((i) => i.path.join(".")) : []).toContain(field);
    expect(await counts(t.db)).toEqual(before);
  });

  it.each([
    ["rotate", (name: string) => rotateServerToken(t.db, cliActor(), name)],
    ["revoke", (name: string) => revokeServerToken(t.db, cliActor(), name)],
    ["rename", (name: string) => renameServer(t.db, cliActor(), name, { name: `${name}-x` })],
    ["delete", (name: string) => deleteServer(t.db, cliActor(), name)],
  ])("%s on an unknown server is a 404 and writes nothing", async (_label, action) => {
    const before = await counts(t.db);
    await expect(action(unique("ghost"))).rejects.toMatchObject({ code: "not_found" });
    expect(await counts(t.db)).toEqual(before);
  });
});
