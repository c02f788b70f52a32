// Hostile input against every admin API route (the table of lib/testing/admin-routes.ts), sent
// by an admin so that the role check is passed and the input itself is what is tested: malformed
// and wrongly typed JSON, huge strings, deep nesting, NUL bytes and broken Unicode, numbers out of
// range, unknown keys, hostile path parameters and query strings, wrong content types, empty
// bodies. From a fixed seed, so a failure reproduces. No answer may be a 5xx; a refused change
// must leave every table as it was; what is certainly invalid must be refused with a 4xx.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cliActor } from "../actor";
import { createAdmin } from "../admins";
import { createApiToken } from "../api-tokens";
import { db } from "../db";
import { createGroup } from "../groups";
import { updateScopePolicy } from "../policies";
import { registerServer } from "../servers";
import { handlersOf, ROUTE_CASES, type Method, type RouteHandler } from "../testing/admin-routes";
import { BAD_UNICODE, fingerprint, junk, neverScalar, OUT_OF_RANGE, random, type Random } from "../testing/fuzz";
import { createVpnUser } from "../vpn-users";

const setup = await vi.hoisted(async () => {
  const { routeTestDatabase } = await import("../testing/route-db");
  return routeTestDatabase("fuzz");
});

// No Next.js request scope here: the fuzz calls with an admin API token.
vi.mock("../auth", () => ({ currentAdmin: async () => null }));

/** The real things each path parameter can name; filled in beforeAll. */
const target = { group: "fz-group", user: "fz-user", server: "fz-server", admin: "fz-admin", token: "fz-token", session: "", audit: "", lockout: "" };
let adminToken = "";

/** The valid value of a route's path parameters. */
function validParams(route: string): Record<string, string> {
  if (route.startsWith("admins/")) return { username: target.admin };
  if (route.startsWith("vpn-users/") || route.startsWith("policies/users/")) return { username: target.user };
  if (route.startsWith("groups/") || route.startsWith("policies/groups/")) return { name: target.group };
  if (route.startsWith("servers/")) return { name: target.server };
  if (route.startsWith("tokens/")) return { name: target.token };
  if (route.startsWith("sessions/[id]")) return { id: target.session };
  if (route.startsWith("audit/")) return { id: target.audit };
  if (route.startsWith("lockouts/")) return { id: target.lockout };
  return {};
}

/** Path parameters that name nothing: as Next.js hands them over (decoded), and still encoded. */
const HOSTILE_PARAMS = [
  "",
  ".",
  "..",
  "../admins",
  "..%2F..%2Fadmins",
  "fz-group/../fz-user",
  "fz-group%2Fdisconnect",
  "a/b",
  "%",
  "%zz",
  "%00",
  "x".repeat(10_000),
  "名前",
  "null",
  "undefined",
  "' OR 1=1 --",
  "*",
  "00000000-0000-0000-0000-000000000000",
  ...BAD_UNICODE,
];

/** A valid body for every route that reads one. */
const TEMPLATES: Record<string, Partial<Record<Method, () => Record<string, unknown>>>> = {
  admins: { POST: () => ({ username: "fz-new-admin", password: "fz-password-1", role: "viewer" }) },
  "admins/[username]": { PATCH: () => ({ role: "viewer", password: "fz-password-2" }) },
  groups: { POST: () => ({ name: "fz-new-group", description: "made by the fuzz" }) },
  "groups/[name]": { PATCH: () => ({ description: "described by the fuzz" }) },
  "policies/default": { PUT: () => ({ sessionLifetime: 7200, ipLock: true, maxSessions: 3, maxSessionsAction: "deny" }) },
  "policies/groups/[name]": { PUT: () => ({ idleTokenExpiry: 600, autoLogin: false, inactivityBytes: 1000 }) },
  "policies/users/[username]": { PUT: () => ({ keepaliveInterval: 15, reconnectTokens: true }) },
  "policies/import": { POST: () => ({ text: "sacli --key vpn.server.session_expire --value 7200 ConfigPut" }) },
  "policies/import/preview": { POST: () => ({ text: "sacli --key vpn.server.session_expire --value 7200 ConfigPut" }) },
  servers: { POST: () => ({ name: "fz-new-server", kind: "ocserv" }) },
  "servers/[name]": { PATCH: () => ({ name: "fz-renamed-server" }) },
  tokens: { POST: () => ({ name: "fz-new-token", role: "viewer" }) },
  "vpn-users": { POST: () => ({ username: "fz-new-user", password: "fz-password-3", group: target.group, enabled: true }) },
  "vpn-users/[username]": { PATCH: () => ({ enabled: false, password: "fz-password-4" }) },
  "sessions/disconnect": { POST: () => ({ sessionIds: [target.session], reason: "fuzz", dryRun: false }) },
  "sessions/invalidate": { POST: () => ({ sessionIds: [target.session], reason: "fuzz", dryRun: false }) },
};
for (const route of ["groups/[name]", "sessions/[id]", "vpn-users/[username]"]) {
  for (const action of ["disconnect", "invalidate"]) TEMPLATES[`${route}/${action}`] = { POST: () => ({ reason: "fuzz", dryRun: false }) };
}

/** Changes that may answer 2xx to what the fuzz sends: previews, which save nothing. */
const READS_BY_POST = new Set(["policies/import/preview"]);

/** Query parameter names the routes read, and junk ones. */
const QUERY_KEYS = ["q", "user", "server", "group", "state", "sort", "order", "dir", "page", "pageSize", "range", "scope", "window", "threshold", "period", "actor", "action", "target", "from", "to", "enabled", "__proto__", "constructor", "a[b]", ""];
const QUERY_VALUES = ["", "-1", "0", "1e309", "NaN", "Infinity", "0x10", "9".repeat(400), "1.5", "%zz", "%", "%00", "%ED%A0%80", "%C0%AF", "a+b", "x".repeat(5000), "default", "group:", "user:%00", "../..", "true", "[]", "{}", "2026-13-45", "+275760-09-14", "asc", "desc"];

function queryString(r: Random): string {
  const parts = Array.from({ length: r.int(5) }, () => {
    const key = r.pick(QUERY_KEYS);
    const value = r.int(4) === 0 ? encodeURIComponent(wellFormed(String(junk(r, 3)))) : r.pick(QUERY_VALUES);
    return r.int(10) === 0 ? key : `${key}=${value}`;
  });
  return parts.length > 0 ? `?${parts.join(r.pick(["&", "&&", ";"]))}` : "";
}

/** What the request is, and what it may answer. */
type Expect = "refused" | "no-5xx";

interface HostileRequest {
  kind: string;
  params: Record<string, string>;
  query: string;
  contentType: string | null;
  body: string | Uint8Array | null;
  expect: Expect;
}

const WRONG_CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/html", "application/jsonx", "json", "application/xml", ""];
const JSON_CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "Application/JSON"];

/** Bodies that no route accepts: not JSON, or JSON that is not an object. */
const NOT_AN_OBJECT = [
  "{not json",
  "{'a': 1}",
  '{"a":',
  "[]",
  "null",
  "42",
  "1e309",
  "true",
  '"text"',
  '"\\ud800"',
  "\u0000",
  "\ufeff[]",
  "[".repeat(30_000),
  `${"[".repeat(20_000)}1${"]".repeat(20_000)}`,
  JSON.stringify([{ name: "fz-array-group", description: "arrays where objects are expected" }]),
];

function hostileRequest(r: Random, route: string, method: Method): HostileRequest {
  const template = TEMPLATES[route]?.[method];
  const base: HostileRequest = { kind: "", params: validParams(route), query: r.int(3) === 0 ? queryString(r) : "", contentType: r.pick(JSON_CONTENT_TYPES), body: null, expect: "refused" };
  const hasParams = Object.keys(base.params).length > 0;
  // Reads: any query string, any parameter; a 2xx is a valid read.
  if (method === "GET") {
    return { ...base, kind: "read", params: hasParams && r.int(2) === 0 ? hostileParams(r, base.params) : base.params, query: queryString(r), expect: "no-5xx" };
  }
  // Changes without a body (delete, rotate, revoke, revert) are valid calls on a real target:
  // they are sent only with parameters that name nothing.
  if (!template) return { ...base, kind: "no-such-target", params: hostileParams(r, base.params) };
  const expect: Expect = READS_BY_POST.has(route) ? "no-5xx" : "refused";
  const fields = template();
  switch (r.int(10)) {
    case 0:
      return { ...base, kind: "not-an-object", body: r.pick(NOT_AN_OBJECT), expect };
    case 1:
      return { ...base, kind: "wrong-content-type", contentType: r.pick(WRONG_CONTENT_TYPES), body: JSON.stringify(fields), expect: "refused" };
    case 2:
      return { ...base, kind: "oversized", body: JSON.stringify({ ...fields, pad: "p".repeat(700 * 1024) }), expect: "refused" };
    case 3:
      // Bytes that are not UTF-8 at all.
      return { ...base, kind: "not-utf8", body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]), expect };
    case 4:
      // Empty, or only unknown keys: valid for some changes (a preview, an action on a target).
      return { ...base, kind: "empty-or-unknown", body: r.pick(["", " ", "{}", `{"k0":${JSON.stringify(junk(r))},"__proto__":{"admin":true}}`]), expect: "no-5xx" };
    case 5:
      if (hasParams) return { ...base, kind: "no-such-target", params: hostileParams(r, base.params), body: JSON.stringify(fields), expect: "refused" };
    // falls through: a route without parameters gets a broken field instead.
    default: {
      const key = r.pick(Object.keys(fields));
      fields[key] = brokenValue(r);
      for (let i = r.int(3); i > 0; i--) fields[`unknown_${r.int(100)}`] = junk(r);
      return { ...base, kind: `broken-field:${key}`, body: JSON.stringify(fields), expect };
    }
  }
}

function hostileParams(r: Random, params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(params).map((key) => [key, r.pick(HOSTILE_PARAMS)]));
}

/** A value that no field of any template accepts. */
function brokenValue(r: Random): unknown {
  switch (r.int(4)) {
    case 0:
      return r.pick(OUT_OF_RANGE);
    case 1:
      // Longer than any text field allows, but inside the body size limit.
      return "y".repeat(r.pick([513, 5000, 60_000]));
    default:
      return neverScalar(r);
  }
}

/** URLs cannot carry half a surrogate pair; Next.js hands such parameters over only as they are given here. */
const wellFormed = (text: string) => text.replace(/[\ud800-\udfff]/g, "\ufffd");

function send(handler: RouteHandler, route: string, method: Method, request: HostileRequest): Promise<Response> {
  const path = route.replace(/\[(\w+)\]/g, (_, key: string) => encodeURIComponent(wellFormed(request.params[key] ?? "")));
  const headers: Record<string, string> = { authorization: `Bearer ${adminToken}` };
  if (request.contentType !== null) headers["content-type"] = request.contentType;
  const init: RequestInit = { method, headers };
  if (method !== "GET" && request.body !== null) init.body = request.body as BodyInit;
  return handler(new Request(`http://localhost:3000/api/${path}${request.query}`, init), { params: Promise.resolve(request.params) });
}

const state = () => fingerprint(db, { apiToken: ["lastUsedAt"] });

beforeAll(async () => {
  await setup.create();
  const cli = cliActor();
  await createGroup(db, cli, { name: target.group });
  const user = await createVpnUser(db, cli, { username: target.user, password: "fz-user-password", group: target.group });
  const { server } = await registerServer(db, cli, { name: target.server, kind: "openvpn" });
  await createAdmin(db, cli, { username: target.admin, password: "fz-admin-password", role: "viewer" });
  await createApiToken(db, cli, { name: target.token, role: "viewer" });
  adminToken = (await createApiToken(db, cli, { name: "fz-caller", role: "admin" })).token;
  await updateScopePolicy(db, cli, { scope: "group", name: target.group }, { sessionLifetime: 3600 });
  // A live session with a tunnel, a lockout and an audited policy change, for the routes that name them.
  const session = await db.session.create({ data: { userId: user.id, serverId: server.id, state: "active", clientIp: "198.51.100.7" } });
  await db.connection.create({ data: { sessionId: session.id, serverId: server.id, clientIp: "198.51.100.7", vpnIp: "10.8.0.7" } });
  target.session = session.id;
  target.audit = (await db.auditEvent.findFirstOrThrow({ where: { action: { startsWith: "policy" } } })).id;
  const now = new Date();
  target.lockout = (
    await db.authLockout.create({ data: { key: "user:fz-locked", kind: "user", subject: "fz-locked", failures: 10, windowStart: now, lastFailureAt: now, blockedUntil: new Date(now.getTime() + 900_000), lockedAt: now } })
  ).id;
});

afterAll(() => setup.drop());

// Thousands of requests, each followed by a look at every table: more than the default time.
describe(`admin API under hostile input (${setup.postgres ? "postgresql" : "sqlite"})`, { timeout: 300_000 }, () => {
  it("answers 2,500 hostile requests across every route without a 5xx, refusing every invalid change and changing nothing it refused", async () => {
    const r = random(0xad317);
    const handlers = new Map<string, RouteHandler>();
    for (const { route, method } of ROUTE_CASES) handlers.set(`${method} ${route}`, (await handlersOf(route))[method] as RouteHandler);
    const statuses = new Map<number, number>();
    const kinds = new Set<string>();
    // Every table is compared around each change that may be accepted, and at the end: between
    // two such looks, everything sent was a read or a refused change, and nothing may differ.
    let before = await state();
    let since: string[] = [];
    const unchanged = async () => {
      if ((await state()) !== before) throw new Error(`the database changed during requests that were refused or reads:\n${since.join("\n")}`);
      since = [];
    };
    for (let i = 0; i < 2500; i++) {
      // Every route and method in turn, so each gets its share whatever the generator picks.
      const { route, method } = ROUTE_CASES[i % ROUTE_CASES.length] as (typeof ROUTE_CASES)[number];
      const request = hostileRequest(r, route, method);
      kinds.add(request.kind.split(":")[0] as string);
      const mayChange = method !== "GET" && request.expect === "no-5xx";
      if (mayChange) await unchanged();
      const handler = handlers.get(`${method} ${route}`) as RouteHandler;
      let response = await send(handler, route, method, request);
      // A 503 says the database had no connection free in time (a busy machine): try again, as it asks.
      for (let retry = 0; response.status === 503 && retry < 5; retry++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        response = await send(handler, route, method, request);
      }
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const what = `request ${i}: ${method} /api/${route} ${request.kind} answered ${response.status} ${text.slice(0, 200)}; ${JSON.stringify({ ...request, body: typeof request.body === "string" ? request.body.slice(0, 200) : request.body })}`;
      if (response.status >= 500) throw new Error(what);
      if (request.expect === "refused" && response.status < 400) throw new Error(`not refused: ${what}`);
      if (response.status >= 300 && response.status < 400) throw new Error(`redirected: ${what}`);
      since.push(what);
      if (mayChange) {
        if (response.status >= 400) await unchanged();
        before = await state();
        since = [];
      }
    }
    expect(await state()).toBe(before);
    // The generator reaches every kind of hostile input and every kind of refusal.
    expect([...kinds].sort()).toEqual(["broken-field", "empty-or-unknown", "no-such-target", "not-an-object", "not-utf8", "oversized", "read", "wrong-content-type"]);
    expect([...statuses.keys()].filter((status) => status >= 400).sort()).toEqual([400, 404, 413, 415, 422]);
  });
});
