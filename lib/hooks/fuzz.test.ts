// Hostile input against the hook API: thousands of malformed, oversized and wrongly typed
// requests (from a fixed seed, so a failure reproduces) to every hook, with a valid and with an
// invalid server token. Every answer must be a 4xx, never a 5xx, and no table may change.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cliActor } from "../actor";
import { registerServer } from "../servers";
import { BAD_UNICODE, fingerprint as fingerprintOf, junk, random, type Random } from "../testing/fuzz";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { handleHook, HOOK_PATH_PREFIX, MAX_HOOK_BODY_BYTES, type HookRequest } from "./handler";
import { serveHook } from "./node";

let t: TestDb;
let token: string;

type Fields = Record<string, unknown>;
type Breaker = (fields: Fields, json: boolean, r: Random) => void;

const long = (n: number) => "u".repeat(n);
/** Values a zod string field refuses in JSON whatever coercion does. */
const NOT_TEXT = [42, true, null, ["a", "b"], { nested: "x" }];
/** Values a coerced port or byte count refuses (not "", null, true, [n] or "0x50": those coerce to numbers). */
const NOT_PORT = ["abc", "-1", "65536", "1.5", "80 80", "port"];
const NOT_COUNT = ["-1", "abc", "1.5", "9007199254740993000", "1,000"];
const NOT_IP = ["not-an-ip", "999.1.1.1", "1.2.3", "1.2.3.4; rm -rf /", "::g", "", " "];

/** Each breaker makes one field invalid, so no fuzzed request is a valid call. */
const requiredText = (field: string, max: number): Breaker[] => [
  (f) => delete f[field],
  (f) => (f[field] = ""),
  (f) => (f[field] = "   "),
  (f) => (f[field] = long(max + 1)),
  (f, json, r) => (f[field] = json ? r.pick(NOT_TEXT) : long(max + 5)),
  (f, json, r) => (f[field] = json ? r.pick(BAD_UNICODE) : `${field}\u0000`),
];
const ip = (field: string, required: boolean): Breaker[] => [
  ...(required ? [(f: Fields) => delete f[field]] : []),
  ...NOT_IP.map((value) => (f: Fields) => (f[field] = value)),
  (f, json) => (f[field] = json ? 1234 : "1234"),
];
const port: Breaker[] = NOT_PORT.map((value) => (f) => (f.client_port = value));
const tooLong = (field: string, max: number): Breaker[] => [(f) => (f[field] = long(max + 1))];
const count = (field: string): Breaker[] => NOT_COUNT.map((value) => (f) => (f[field] = value));

const HOOKS: Record<string, { valid: () => Fields; breakers: Breaker[] }> = {
  auth: {
    valid: () => ({ username: "alice", password: "alice-password", client_ip: "198.51.100.9", client_port: "1194" }),
    breakers: [
      ...requiredText("username", 64),
      ...ip("client_ip", true),
      ...port,
      ...tooLong("password", 1024),
      ...tooLong("session_id", 256),
      (f) => (f.session_state = "Bogus"),
      (f, json) => (f.session_state = json ? ["Initial"] : "initial"),
      (f, json) => (f.password = json ? 12345 : long(1025)),
    ],
  },
  connect: {
    valid: () => ({ username: "alice", client_ip: "198.51.100.9", client_port: "1194", connection_id: "c1", vpn_ip: "10.8.0.2" }),
    breakers: [
      ...requiredText("username", 64),
      ...ip("client_ip", true),
      ...port,
      ...tooLong("vpn_ip", 64),
      ...tooLong("connection_id", 128),
      ...tooLong("session_id", 256),
      ...tooLong("platform", 64),
    ],
  },
  disconnect: {
    valid: () => ({ connection_id: "c1", bytes_received: "10", bytes_sent: "20", reason: "graceful" }),
    breakers: [
      ...requiredText("connection_id", 128),
      ...count("bytes_received"),
      ...count("bytes_sent"),
      ...count("duration"),
      (f) => (f.reason = "exploded"),
      (f, json) => (f.reason = json ? { graceful: true } : "GRACEFUL"),
      (f) => (f.username = ""),
      ...ip("client_ip", false),
      ...port,
    ],
  },
};

const ACCEPTS = [undefined, "text/plain", "application/json", "*/*", "text/html;q=0.1, \u0000", "x".repeat(2000)];

function encode(fields: Fields, json: boolean): string {
  if (json) return JSON.stringify(fields);
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) form.append(key, typeof value === "string" ? value : JSON.stringify(value));
  return form.toString();
}

/** One hostile request: a valid call broken in one field, or broken as a whole. */
function hostileRequest(r: Random, authorization: string | undefined): HookRequest {
  const action = r.pick(Object.keys(HOOKS));
  const hook = HOOKS[action] as (typeof HOOKS)[string];
  const json = r.int(2) === 0;
  const base: HookRequest = {
    method: "POST",
    path: `${HOOK_PATH_PREFIX}${action}`,
    authorization,
    contentType: json ? "application/json" : "application/x-www-form-urlencoded",
    accept: r.pick(ACCEPTS),
    body: "",
  };
  const fields = hook.valid();
  // Noise: unknown fields of every type, which must be ignored or refused, never crash.
  for (let i = r.int(4); i > 0; i--) fields[`extra_${r.int(1000)}`] = junk(r);
  switch (r.int(12)) {
    case 0:
      return { ...base, body: null };
    case 1:
      return { ...base, body: encode({ ...fields, pad: "p".repeat(MAX_HOOK_BODY_BYTES) }, json) };
    case 2:
      return { ...base, contentType: r.pick([undefined, "", "text/plain", "multipart/form-data; boundary=x", "application/jsonx", "application/xml"]), body: encode(fields, json) };
    case 3:
      return { ...base, contentType: "application/json", body: r.pick(["{", "[]", "null", "42", '"text"', "{'a':1}", '{"username":}', "\u0000", "[".repeat(5000)]) };
    case 4:
      return { ...base, method: r.pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]), body: encode(fields, json) };
    case 5:
      return { ...base, path: r.pick([HOOK_PATH_PREFIX, `${HOOK_PATH_PREFIX}login`, `${HOOK_PATH_PREFIX}auth/extra`, `${HOOK_PATH_PREFIX}..%2Fadmins`, `${HOOK_PATH_PREFIX}${"a".repeat(3000)}`, `${HOOK_PATH_PREFIX}AUTH`]), body: encode(fields, json) };
    default: {
      r.pick(hook.breakers)(fields, json, r);
      return { ...base, body: encode(fields, json) };
    }
  }
}

const fingerprint = () => fingerprintOf(t.db);

const AUTHORIZATIONS = (valid: string) => [
  undefined,
  "",
  "Bearer",
  "Bearer ",
  "Bearer scs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  `Bearer ${valid}x`,
  `Bearer ${valid.slice(0, -1)}`,
  `Basic ${Buffer.from(`x:${valid}`).toString("base64")}`,
  `Bearer ${valid} extra`,
  `Bearer ${"x".repeat(10_000)}`,
];

beforeAll(async () => {
  t = await createTestDb();
  token = (await registerServer(t.db, cliActor(), { name: "edge-fuzz", kind: "openvpn" })).token;
  await createVpnUser(t.db, cliActor(), { username: "alice", password: "alice-password" });
  // A live session and tunnel, so there is state a stray write could damage.
  const call = (action: string, fields: Record<string, string>) =>
    handleHook(t.db, { method: "POST", path: `${HOOK_PATH_PREFIX}${action}`, authorization: `Bearer ${token}`, contentType: "application/x-www-form-urlencoded", accept: "text/plain", body: new URLSearchParams(fields).toString() });
  expect((await call("auth", { ...(HOOKS.auth?.valid() as Record<string, string>) })).status).toBe(200);
  expect((await call("connect", { ...(HOOKS.connect?.valid() as Record<string, string>) })).status).toBe(200);
});
afterAll(async () => {
  await t.drop();
});

// Thousands of database round trips: more than the default per-test time on a busy machine.
describe(`hook API under hostile input (${process.env.TEST_DATABASE ?? "sqlite"})`, { timeout: 180_000 }, () => {
  it("answers 4xx to every one of 3,000 malformed requests with a valid server token, changing nothing", async () => {
    const r = random(0x5eed);
    const before = await fingerprint();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const request = hostileRequest(r, `Bearer ${token}`);
      const answer = await handleHook(t.db, request);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status < 400 || answer.status >= 500) {
        throw new Error(`request ${i} got ${answer.status} ${answer.body.slice(0, 200)}: ${JSON.stringify({ ...request, body: request.body?.slice(0, 300) })}`);
      }
    }
    // The generator reaches every kind of refusal, not just one.
    expect([...statuses.keys()].sort()).toEqual([400, 404, 413, 422]);
    expect(await fingerprint()).toBe(before);
  });

  it("answers 401 to 1,000 requests with missing, malformed or wrong server tokens, changing nothing", async () => {
    const r = random(0xbad);
    const before = await fingerprint();
    for (let i = 0; i < 1000; i++) {
      const request = hostileRequest(r, r.pick(AUTHORIZATIONS(token)));
      const answer = await handleHook(t.db, request);
      // A non-POST is refused before the token is looked at.
      expect([400, 401], `request ${i}: ${request.method} ${request.authorization?.slice(0, 40)}`).toContain(answer.status);
      if (request.method === "POST") expect(answer.status).toBe(401);
    }
    expect(await fingerprint()).toBe(before);
  });

  it("answers 4xx over HTTP too, logging each request without its body or token", async () => {
    const server = http.createServer((request, response) => void serveHook(t.db, request, response, `fuzz-${request.headers["x-fuzz"]}`));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port: serverPort } = server.address() as AddressInfo;
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => written.push(String(chunk)) > 0);
    const r = random(0x4477);
    const before = await fingerprint();
    try {
      for (let i = 0; i < 300; i++) {
        const request = hostileRequest(r, i % 2 === 0 ? `Bearer ${token}` : r.pick(AUTHORIZATIONS(token)));
        const method = request.method;
        const response = await fetch(`http://127.0.0.1:${serverPort}${encodeURI(request.path)}`, {
          method,
          headers: {
            "x-fuzz": String(i),
            ...(request.authorization ? { authorization: request.authorization } : {}),
            ...(request.contentType ? { "content-type": request.contentType } : {}),
            ...(request.accept && /^[\t\x20-\x7e]*$/.test(request.accept) ? { accept: request.accept } : {}),
          },
          body: method === "GET" ? undefined : (request.body ?? "o".repeat(MAX_HOOK_BODY_BYTES * 4)),
        });
        await response.arrayBuffer();
        expect(response.status, `request ${i}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `request ${i}`).toBeLessThan(500);
      }
    } finally {
      stdout.mockRestore();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(await fingerprint()).toBe(before);
    const lines = written.join("").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(300);
    expect(lines.every((line) => line.msg === "hook request" && typeof line.status === "number" && line.status >= 400 && line.status < 500)).toBe(true);
    expect(lines.some((line) => line.request_id === "fuzz-7")).toBe(true);
    expect(written.join("")).not.toContain(token);
    expect(written.join("")).not.toContain("alice-password");
  });
});
