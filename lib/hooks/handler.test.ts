import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { registerServer, revokeServerToken } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { handleHook, MAX_HOOK_BODY_BYTES, type HookRequest } from "./handler";

let t: TestDb;
let token: string;

beforeAll(async () => {
  t = await createTestDb();
  token = (await registerServer(t.db, cliActor(), { name: "edge-1", kind: "openvpn" })).token;
  await createVpnUser(t.db, cliActor(), { username: "alice", password: "alice-password" });
});
afterAll(async () => {
  await t.drop();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

function hook(action: string, body: string | null, overrides: Partial<HookRequest> = {}) {
  return handleHook(t.db, {
    method: "POST",
    path: `/api/hooks/v1/${action}`,
    authorization: `Bearer ${token}`,
    contentType: "application/x-www-form-urlencoded",
    accept: "text/plain",
    body,
    ...overrides,
  });
}

const login = { username: "alice", password: "alice-password", client_ip: "198.51.100.4", client_port: "1194" };

describe(`hook API (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("answers a form-encoded login in plain text for sh hooks", async () => {
    expect(await hook("auth", form(login))).toEqual({ status: 200, contentType: "text/plain; charset=utf-8", body: "allow\n", server: "edge-1" });
    const denied = await hook("auth", form({ ...login, password: "wrong" }));
    expect(denied).toMatchObject({ status: 403, body: "deny unknown user or wrong password\n" });
  });

  it("answers JSON with the decision when asked in JSON", async () => {
    const answer = await hook("auth", JSON.stringify(login), { contentType: "application/json", accept: "application/json" });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ decision: "allow", session_id: expect.any(String) });
  });

  it("answers connect with the client config lines, one per line", async () => {
    await hook("auth", form({ ...login, client_port: "2000" }));
    const answer = await hook("connect", form({ username: "alice", client_ip: "198.51.100.4", client_port: "2000", connection_id: "198.51.100.4:2000" }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^push "auth-token [A-Za-z0-9+/]{22}==" *\npush "ping 10"\npush "ping-restart 60"\npush "session-timeout \d+"\n$/);
  });

  it.each([
    ["a missing token", undefined],
    ["an unknown token", "Bearer scs_not-a-real-token"],
    ["a malformed header", "Basic abc"],
  ])("refuses %s with 401 and changes nothing", async (_, authorization) => {
    const sessions = await t.db.session.count();
    const answer = await hook("auth", form(login), { authorization });
    expect(answer).toMatchObject({ status: 401, body: "error unknown, revoked or missing server token\n" });
    expect(await t.db.session.count()).toBe(sessions);
  });

  it("refuses a revoked server token", async () => {
    const other = await registerServer(t.db, cliActor(), { name: "edge-2", kind: "ocserv" });
    await revokeServerToken(t.db, cliActor(), "edge-2");
    const answer = await hook("auth", form(login), { authorization: `Bearer ${other.token}` });
    expect(answer.status).toBe(401);
  });

  it.each([
    ["a missing client_ip", form({ username: "alice", password: "x" }), 422, "client_ip"],
    ["a bad client_ip", form({ ...login, client_ip: "999.1.1.1" }), 422, "client_ip must be an IPv4 or IPv6 address"],
    ["an oversized username", form({ ...login, username: "a".repeat(65) }), 422, "username must be at most 64 characters"],
    ["an unknown session_state", form({ ...login, session_state: "Bogus" }), 422, "session_state must be one of"],
  ])("refuses %s with a clear 4xx", async (_, body, status, message) => {
    const answer = await hook("auth", body);
    expect(answer.status).toBe(status);
    expect(answer.body).toContain(message);
  });

  it("refuses malformed JSON, a wrong content type, an oversized body and an unknown hook", async () => {
    expect(await hook("auth", "{not json", { contentType: "application/json" })).toMatchObject({
      status: 400,
      body: "error request body is not valid JSON\n",
    });
    expect((await hook("auth", "x", { contentType: "text/xml" })).status).toBe(400);
    expect((await hook("auth", null)).status).toBe(413);
    expect((await hook("auth", "a".repeat(MAX_HOOK_BODY_BYTES + 1))).status).toBe(413);
    expect((await hook("traffic-typo", form(login))).status).toBe(404);
    expect((await hook("auth", form(login), { method: "GET" })).status).toBe(400);
  });

  it("refuses a disconnect for an unknown connection and a replayed one", async () => {
    expect((await hook("disconnect", form({ connection_id: "203.0.113.1:1" }))).status).toBe(404);
    await hook("auth", form({ ...login, client_port: "3000" }));
    await hook("connect", form({ username: "alice", client_ip: "198.51.100.4", client_port: "3000", connection_id: "c-3000" }));
    const first = await hook("disconnect", form({ connection_id: "c-3000", bytes_received: "10", bytes_sent: "20" }));
    expect(first).toMatchObject({ status: 200, body: "ok\n" });
    const replay = await hook("disconnect", form({ connection_id: "c-3000", bytes_received: "10", bytes_sent: "20" }));
    expect(replay).toMatchObject({ status: 409, body: 'error connection "c-3000" already ended\n' });
    expect((await hook("disconnect", form({ connection_id: "c-3000", bytes_received: "-1" }))).status).toBe(422);
  });
});
