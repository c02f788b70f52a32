// What the hook API does with bad input: a clear 4xx naming the problem, never a 500, and
// nothing written. Run on SQLite and on PostgreSQL (TEST_DATABASE=postgresql).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { userScopeKey } from "../policies";
import { registerServer, revokeServerToken, rotateServerToken } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { handleHook, MAX_HOOK_BODY_BYTES, type HookRequest } from "./handler";
import { serveHook } from "./node";

let t: TestDb;
let token: string;
let seq = 0;

beforeAll(async () => {
  t = await createTestDb();
  token = (await registerServer(t.db, cliActor(), { name: "edge-bad-input", kind: "openvpn" })).token;
  await createVpnUser(t.db, cliActor(), { username: "alice", password: "alice-password" });
});
afterAll(async () => {
  await t.drop();
});

const JSON_TYPE = "application/json";
const FORM_TYPE = "application/x-www-form-urlencoded";
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const json = (fields: unknown) => JSON.stringify(fields);
const asJson = (fields: unknown) => ({ contentType: JSON_TYPE, body: json(fields) });
const asForm = (fields: Record<string, string>) => ({ contentType: FORM_TYPE, body: form(fields) });

function hook(action: string, body: string | null, overrides: Partial<HookRequest> = {}) {
  return handleHook(t.db, {
    method: "POST",
    path: `/api/hooks/v1/${action}`,
    authorization: `Bearer ${token}`,
    contentType: JSON_TYPE,
    accept: "text/plain",
    body,
    ...overrides,
  });
}

/** Every row the hook API can write, to show that a refused call wrote none. */
async function snapshot() {
  const [sessions, connections, servers] = await Promise.all([
    t.db.session.findMany({ orderBy: { id: "asc" } }),
    t.db.connection.findMany({ orderBy: { id: "asc" } }),
    t.db.vpnServer.findMany({ orderBy: { id: "asc" }, select: { id: true, lastSeenAt: true, tokenHash: true } }),
  ]);
  return { sessions, connections, servers };
}

const login = { username: "alice", password: "alice-password", client_ip: "198.51.100.4", client_port: "1194" };
const tunnel = { username: "alice", client_ip: "198.51.100.4", client_port: "1194", connection_id: "c-1" };

describe(`hook API bad input (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it.each([
    // Wrong types in JSON.
    ["auth", 422, "username: username must be text", asJson({ ...login, username: 5 })],
    ["auth", 422, "password: password must be text", asJson({ ...login, password: {} })],
    ["auth", 422, "client_ip: client_ip must be text", asJson({ ...login, client_ip: ["198.51.100.4"] })],
    ["auth", 422, "client_port: client_port must be a port number", asJson({ ...login, client_port: true })],
    ["auth", 422, "session_id: session_id must be text", asJson({ ...login, session_id: 7 })],
    ["disconnect", 422, "connection_id: connection_id must be text", asJson({ connection_id: 5 })],
    ["disconnect", 422, "bytes_received must be a byte count", asJson({ connection_id: "c-1", bytes_received: true })],
    ["disconnect", 422, "bytes_sent must be a byte count", asJson({ connection_id: "c-1", bytes_sent: [1] })],
    // Missing fields.
    ["auth", 422, "username: username is required; client_ip: client_ip is required", asJson({})],
    ["connect", 422, "client_ip: client_ip is required", asJson({ username: "alice" })],
    ["connect", 422, "username: username is required", asJson({ client_ip: "198.51.100.4" })],
    ["disconnect", 422, "connection_id: connection_id is required", asJson({ bytes_received: 1 })],
    ["auth", 422, "username: username is required", asJson({ ...login, username: "  " })],
    // Values out of range.
    ["auth", 422, "client_port must be a port number", asForm({ ...login, client_port: "abc" })],
    ["auth", 422, "client_port must be a port number", asForm({ ...login, client_port: "65536" })],
    ["auth", 422, "client_ip must be an IPv4 or IPv6 address", asForm({ ...login, client_ip: "198.51.100.400" })],
    ["auth", 422, "session_state must be one of Initial, Authenticated", asForm({ ...login, session_state: "Bogus" })],
    ["disconnect", 422, "bytes_received must not be negative", asForm({ connection_id: "c-1", bytes_received: "-1" })],
    ["disconnect", 422, "bytes_received must be a whole number", asForm({ connection_id: "c-1", bytes_received: "1.5" })],
    ["disconnect", 422, "bytes_received must be a byte count", asForm({ connection_id: "c-1", bytes_received: "1e400" })],
    ["disconnect", 422, "bytes_sent is too large", asForm({ connection_id: "c-1", bytes_sent: "9007199254740993" })],
    ["disconnect", 422, "reason must be one of graceful, dropped", asForm({ connection_id: "c-1", reason: "bogus" })],
    ["disconnect-reason", 422, "reason must be one of graceful, dropped", asForm({ connection_id: "c-1", reason: "killed" })],
    ["disconnect-reason", 422, "reason must be one of graceful, dropped", asForm({ connection_id: "c-1" })],
    ["disconnect-reason", 422, "connection_id: connection_id is required", asJson({ reason: "graceful" })],
    ["disconnect-reason", 404, 'unknown connection "never-seen" on server edge-bad-input', asForm({ connection_id: "never-seen", reason: "graceful" })],
    // Oversized fields.
    ["auth", 422, "username must be at most 64 characters", asForm({ ...login, username: "a".repeat(65) })],
    ["auth", 422, "password must be at most 1024 characters", asForm({ ...login, password: "p".repeat(1025) })],
    ["auth", 422, "session_id must be at most 256 characters", asForm({ ...login, session_id: "s".repeat(257) })],
    ["connect", 422, "connection_id must be at most 128 characters", asForm({ ...tunnel, connection_id: "c".repeat(129) })],
    ["connect", 422, "vpn_ip must be at most 64 characters", asForm({ ...tunnel, vpn_ip: "1".repeat(65) })],
    ["connect", 422, "platform must be at most 64 characters", asForm({ ...tunnel, platform: "x".repeat(65) })],
    // Control characters, which PostgreSQL refuses to store (NUL) and logs should never carry.
    ["auth", 422, "username must not contain control characters", asJson({ ...login, username: "ali\u0000ce" })],
    ["connect", 422, "session_id must not contain control characters", asJson({ ...tunnel, session_id: "s\u0000" })],
    ["connect", 422, "connection_id must not contain control characters", asJson({ ...tunnel, connection_id: "c\n1" })],
    ["disconnect", 422, "connection_id must not contain control characters", asJson({ connection_id: "c\u0000" })],
    // Half of a surrogate pair, from a JSON \u escape: no database can store it.
    ["auth", 422, "username must not contain control characters or broken Unicode", asJson({ ...login, username: "ali\ud800" })],
    ["connect", 422, "connection_id must not contain control characters or broken Unicode", asJson({ ...tunnel, connection_id: "\udc00c" })],
    // Malformed bodies.
    ["auth", 400, "request body is not valid JSON", { contentType: JSON_TYPE, body: "{not json" }],
    ["auth", 400, "request body must be a JSON object", { contentType: JSON_TYPE, body: "null" }],
    ["auth", 400, "request body must be a JSON object", { contentType: JSON_TYPE, body: "[1, 2]" }],
    ["auth", 400, "request body must be a JSON object", { contentType: JSON_TYPE, body: '"alice"' }],
  ])("%s: %i %s, nothing written", async (action, status, message, request) => {
    const before = await snapshot();
    const answer = await hook(action, request.body, { contentType: request.contentType });
    expect(answer.status).toBe(status);
    expect(answer.body).toContain(message);
    expect(await snapshot()).toEqual(before);
  });

  it("names the content types it takes and refuses the others", async () => {
    const before = await snapshot();
    for (const contentType of [undefined, "text/plain", "multipart/form-data; boundary=x", "application/xml"]) {
      const answer = await hook("auth", form(login), { contentType });
      expect(answer).toMatchObject({
        status: 400,
        body: "error Content-Type must be application/json or application/x-www-form-urlencoded\n",
      });
    }
    expect(await snapshot()).toEqual(before);
    // Parameters and case do not matter.
    expect((await hook("auth", json(login), { contentType: "Application/JSON; charset=utf-8" })).status).toBe(200);
  });

  it("answers errors in JSON with the field paths when asked in JSON", async () => {
    const answer = await hook("auth", json({ ...login, client_ip: "nope" }), { accept: JSON_TYPE });
    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.body)).toEqual({
      error: "client_ip: client_ip must be an IPv4 or IPv6 address",
      fields: { client_ip: "client_ip must be an IPv4 or IPv6 address" },
    });
  });

  it("refuses an oversized body with 413 before parsing it", async () => {
    const before = await snapshot();
    const padded = form({ ...login, padding: "x".repeat(MAX_HOOK_BODY_BYTES) });
    expect(await hook("auth", padded, { contentType: FORM_TYPE })).toMatchObject({
      status: 413,
      body: `error request body is larger than ${MAX_HOOK_BODY_BYTES} bytes\n`,
    });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses unknown, revoked, rotated and missing server tokens with 401, at once, writing nothing", async () => {
    const other = await registerServer(t.db, cliActor(), { name: "edge-revoked", kind: "openvpn" });
    const asOther = { authorization: `Bearer ${other.token}`, contentType: FORM_TYPE };
    // A call that succeeds first, so the token is known (and remembered) before it is revoked.
    expect((await hook("auth", form({ ...login, password: "wrong" }), asOther)).status).toBe(403);
    await revokeServerToken(t.db, cliActor(), "edge-revoked");
    const rotated = await registerServer(t.db, cliActor(), { name: "edge-rotated", kind: "openvpn" });
    const asRotated = { authorization: `Bearer ${rotated.token}`, contentType: FORM_TYPE };
    expect((await hook("auth", form({ ...login, password: "wrong" }), asRotated)).status).toBe(403);
    await rotateServerToken(t.db, cliActor(), "edge-rotated");

    const before = await snapshot();
    for (const authorization of [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      `Basic ${Buffer.from("edge:secret").toString("base64")}`,
      "Bearer scs_unknown-token",
      `Bearer ${token.slice(0, -1)}`,
      `Bearer ${other.token}`,
      `Bearer ${rotated.token}`,
      `Bearer ${"x".repeat(5000)}`,
    ]) {
      for (const action of ["auth", "connect", "disconnect"]) {
        const answer = await hook(action, form(login), { authorization, contentType: FORM_TYPE });
        expect(answer, `${action} with ${authorization?.slice(0, 30)}`).toEqual({
          status: 401,
          contentType: "text/plain; charset=utf-8",
          body: "error unknown, revoked or missing server token\n",
        });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("answers a disconnect for an unknown connection with 404 and a replayed one with 409, changing nothing", async () => {
    const unknown = await hook("disconnect", form({ connection_id: "never-seen" }), { contentType: FORM_TYPE });
    expect(unknown).toMatchObject({ status: 404, body: 'error unknown connection "never-seen" on server edge-bad-input\n' });

    const port = String(20_000 + ++seq);
    const endpoint = { ...login, client_port: port };
    expect((await hook("auth", form(endpoint), { contentType: FORM_TYPE })).status).toBe(200);
    const connected = await hook("connect", form({ ...tunnel, client_port: port, connection_id: `c-${port}` }), { contentType: FORM_TYPE });
    expect(connected.status).toBe(200);
    const counters = { connection_id: `c-${port}`, bytes_received: "100", bytes_sent: "200", reason: "dropped" };
    expect(await hook("disconnect", form(counters), { contentType: FORM_TYPE })).toMatchObject({ status: 200, body: "ok\n" });

    const before = await snapshot();
    for (const replay of [counters, { ...counters, bytes_received: "999", reason: "graceful" }]) {
      const answer = await hook("disconnect", form(replay), { contentType: FORM_TYPE });
      expect(answer).toMatchObject({ status: 409, body: `error connection "c-${port}" already ended\n` });
    }
    const after = await snapshot();
    expect(after).toEqual(before);
    const session = after.sessions.find((row) => row.lastAuthEndpoint === `198.51.100.4:${port}`);
    expect(session).toMatchObject({ state: "dormant" });
    expect(after.connections.find((row) => row.sessionId === session?.id)).toMatchObject({ bytesIn: 100n, bytesOut: 200n });
  });

  it("lets exactly one of many concurrent logins in at max concurrent sessions 1, writing no other session", async () => {
    const user = await createVpnUser(t.db, cliActor(), { username: "bob", password: "bob-password" });
    await t.db.policy.create({ data: { scopeKey: userScopeKey(user.id), userId: user.id, maxSessions: 1 } });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        hook("auth", form({ username: "bob", password: "bob-password", client_ip: `203.0.113.${i + 1}`, client_port: "1194" }), {
          contentType: FORM_TYPE,
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused).toHaveLength(7);
    // Parallel password attempts for one user also meet the guessing backoff (lib/lockout.ts),
    // which lets only a few be checked at once; either way the answer is a clear refusal.
    for (const answer of refused) {
      expect(answer.status).toBe(403);
      expect(answer.body).toMatch(/^deny (max concurrent sessions \(1\) reached|too many failed logins: try again later)\n$/);
    }
    const sessions = await t.db.session.findMany({ where: { userId: user.id } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ state: "pending", endedAt: null });
  });
});

describe(`hook API over HTTP (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((request, response) => void serveHook(t.db, request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/hooks/v1`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (action: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/${action}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": FORM_TYPE, Accept: "text/plain", ...headers },
      body,
    });

  it("refuses a body over the limit with 413 and keeps serving", async () => {
    const before = await snapshot();
    const big = await post("auth", form({ ...login, padding: "x".repeat(4 * MAX_HOOK_BODY_BYTES) }));
    expect(big.status).toBe(413);
    expect(await big.text()).toBe(`error request body is larger than ${MAX_HOOK_BODY_BYTES} bytes\n`);
    expect(await snapshot()).toEqual(before);
    const next = await post("auth", form({ ...login, password: "wrong" }));
    expect(next.status).toBe(403);
    expect(await next.text()).toBe("deny unknown user or wrong password\n");
  });

  it("refuses a body that is not UTF-8 text as what it is", async () => {
    const answer = await post("auth", "\u00ff\u00fe{", { "Content-Type": JSON_TYPE });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toBe("error request body is not valid JSON\n");
  });
});
