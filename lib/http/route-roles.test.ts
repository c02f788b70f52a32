// Every admin API route against its role rule, through the real route modules and a real
// database: no credentials get 401; a viewer may call what the table says and gets 403 (with
// nothing changed) for the rest; malformed bodies from an admin get a 4xx, never a 5xx, and
// change nothing. The table must list exactly the routes and methods under app/api, so a new
// route cannot ship without a role rule here.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "../actor";
import { createAdmin } from "../admins";
import { createApiToken } from "../api-tokens";
import { db } from "../db";
import { createGroup } from "../groups";
import { registerServer } from "../servers";
import { discoverRoutes, handlersOf, METHODS, ROLE_RULES, ROUTE_CASES, type Method, type RouteHandler } from "../testing/admin-routes";
import { createVpnUser } from "../vpn-users";

const setup = await vi.hoisted(async () => {
  const { routeTestDatabase } = await import("../testing/route-db");
  return routeTestDatabase("roles");
});

// No Next.js request scope here: nobody is signed in with a cookie.
vi.mock("../auth", () => ({ currentAdmin: async () => null }));

const cli: Actor = { type: "cli", name: "route-roles-test", role: "admin" };
// Real targets, so a handler that skipped its role check would really change something.
const targets = { name: "roles-target", username: "roles-target", id: "" };
const tokens = { admin: "", viewer: "" };

/** A fingerprint of everything a mutation could touch; every change also writes an audit event. */
async function databaseState() {
  const [admins, apiTokens, groups, users, servers, policies, audit, sessions, lockouts] = await Promise.all([
    db.admin.findMany({ orderBy: { id: "asc" } }),
    db.apiToken.findMany({ orderBy: { id: "asc" } }),
    db.group.findMany({ orderBy: { id: "asc" } }),
    db.vpnUser.findMany({ orderBy: { id: "asc" } }),
    db.vpnServer.findMany({ orderBy: { id: "asc" } }),
    db.policy.findMany({ orderBy: { id: "asc" } }),
    db.auditEvent.count(),
    db.session.findMany({ orderBy: { id: "asc" } }),
    db.authLockout.findMany({ orderBy: { id: "asc" } }),
  ]);
  // lastUsedAt moves on every authenticated call and is not a change made by the route.
  const apiTokensWithoutUse = apiTokens.map((token) => ({ ...token, lastUsedAt: null }));
  return JSON.stringify({ admins, apiTokensWithoutUse, groups, users, servers, policies, audit, sessions, lockouts }, (_, v) =>
    typeof v === "bigint" ? v.toString() : v,
  );
}

function call(handler: RouteHandler, method: Method, token: string | null, body?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const request = new Request("http://localhost:3000/api/route-under-test", {
    method,
    headers,
    body: method === "GET" ? undefined : (body ?? "{}"),
  });
  return handler(request, { params: Promise.resolve(targets) });
}

beforeAll(async () => {
  await setup.create();
  const group = await createGroup(db, cli, { name: targets.name });
  await createVpnUser(db, cli, { username: targets.username, password: "roles-target-pw", group: group.name });
  await registerServer(db, cli, { name: targets.name, kind: "openvpn" });
  await createAdmin(db, cli, { username: targets.username, password: "roles-target-admin-pw", role: "viewer" });
  await createApiToken(db, cli, { name: targets.name, role: "viewer" });
  tokens.admin = (await createApiToken(db, cli, { name: "roles-admin", role: "admin" })).token;
  tokens.viewer = (await createApiToken(db, cli, { name: "roles-viewer", role: "viewer" })).token;
  const event = await db.auditEvent.findFirstOrThrow({ where: { target: targets.name } });
  targets.id = event.id;
  // A real lockout under the same id, so DELETE /api/lockouts/:id has something to clear.
  const now = new Date();
  await db.authLockout.create({
    data: { id: event.id, key: `user:${targets.username}`, kind: "user", subject: targets.username, failures: 10, windowStart: now, lastFailureAt: now, blockedUntil: new Date(now.getTime() + 900_000), lockedAt: now },
  });
});

afterAll(() => setup.drop());

describe(`admin API role rules (${setup.postgres ? "postgresql" : "sqlite"})`, () => {
  it("the table lists exactly the routes and methods under app/api", async () => {
    const discovered: Record<string, Method[]> = {};
    for (const route of discoverRoutes().sort()) discovered[route] = Object.keys(await handlersOf(route)) as Method[];
    const table = Object.fromEntries(
      Object.entries(ROLE_RULES)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([route, rules]) => [route, METHODS.filter((m) => rules[m])]),
    );
    expect(discovered).toEqual(table);
  });

  const cases = ROUTE_CASES;

  it.each(cases)("$method /api/$route: 401 without credentials", async ({ route, method }) => {
    const handler = (await handlersOf(route))[method] as RouteHandler;
    const before = await databaseState();
    const response = await call(handler, method, null);
    expect(response.status).toBe(401);
    expect(await databaseState()).toBe(before);
  });

  it.each(cases)("$method /api/$route: a viewer is held to role $role", async ({ route, method, role }) => {
    const handler = (await handlersOf(route))[method] as RouteHandler;
    const before = await databaseState();
    const response = await call(handler, method, tokens.viewer);
    if (role === "admin") {
      expect(response.status).toBe(403);
      expect(await databaseState()).toBe(before);
    } else {
      expect([401, 403]).not.toContain(response.status);
      expect(response.status).toBeLessThan(500);
    }
  });

  const mutations = cases.filter((c) => c.method !== "GET");
  const malformed = ["{not json", "[]", "null", '"text"', JSON.stringify({ name: 42, role: ["x"], fields: "y" })];
  it.each(mutations)("$method /api/$route: malformed bodies from an admin get a 4xx and change nothing", async ({
    route,
    method,
  }) => {
    const handler = (await handlersOf(route))[method] as RouteHandler;
    for (const body of malformed) {
      const before = await databaseState();
      const response = await call(handler, method, tokens.admin, body);
      // Some mutations take no body (DELETE, rotate-token): those act and are not malformed input.
      if (response.status < 300) continue;
      expect(response.status, `${method} /api/${route} with ${body}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${method} /api/${route} with ${body}`).toBeLessThan(500);
      expect(await databaseState(), `${method} /api/${route} with ${body}`).toBe(before);
    }
  });
});
