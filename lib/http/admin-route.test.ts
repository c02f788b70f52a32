// withAdmin through its bearer-token path, against a real database (lib/testing/route-db.ts says
// why the database is chosen in vi.hoisted).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Actor } from "../actor";
import { createApiToken, revokeApiToken } from "../api-tokens";
import { db } from "../db";
import { AppError } from "../errors";
import { getGroup } from "../groups";
import { created, withAdmin } from "./admin-route";

const setup = await vi.hoisted(async () => {
  const { routeTestDatabase } = await import("../testing/route-db");
  return { ...routeTestDatabase("route"), currentAdmin: vi.fn<() => Promise<Actor | null>>() };
});

// The cookie path needs a Next.js request scope; here the signed-in admin is whatever the test
// says. Only the session lookup is replaced, not the wrapper under test.
vi.mock("../auth", () => ({ currentAdmin: setup.currentAdmin }));

beforeAll(() => setup.create());
afterAll(() => setup.drop());

beforeEach(() => {
  setup.currentAdmin.mockReset();
  setup.currentAdmin.mockResolvedValue(null);
});

const cli: Actor = { type: "cli", name: "route-test", role: "admin" };
const unique = (prefix: string) => `${prefix}-${globalThis.crypto.randomUUID().slice(0, 8)}`;
const noParams = { params: Promise.resolve({}) };

function request(method: string, headers: Record<string, string> = {}, body?: string) {
  return new Request("http://localhost:3000/api/things", { method, headers, body });
}

async function tokenWithRole(role: "admin" | "viewer") {
  const { token, apiToken } = await createApiToken(db, cli, { name: unique(role), role });
  return { token, name: apiToken.name, id: apiToken.id };
}

/** A handler that records who called it, and the route wrapped for the given role. */
function route(role: "admin" | "viewer", answer: () => unknown = () => ({ ok: true })) {
  const calls: Actor[] = [];
  const handler = withAdmin(
    async ({ actor }) => {
      calls.push(actor);
      return answer();
    },
    { role },
  );
  return { handler, calls };
}

describe(`withAdmin with a bearer API token (${setup.postgres ? "postgresql" : "sqlite"})`, () => {
  it("a viewer token may read: 200 with the handler's JSON, called as that token", async () => {
    const viewer = await tokenWithRole("viewer");
    const { handler, calls } = route("viewer", () => ({ items: [1, 2] }));
    const response = await handler(request("GET", { authorization: `Bearer ${viewer.token}` }), noParams);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [1, 2] });
    expect(calls).toEqual([{ type: "api_token", id: viewer.id, name: viewer.name, role: "viewer" }]);
  });

  it("a viewer token may not change anything: 403, the handler never runs", async () => {
    const viewer = await tokenWithRole("viewer");
    const { handler, calls } = route("admin");
    const response = await handler(
      request("POST", { authorization: `Bearer ${viewer.token}`, "content-type": "application/json" }, "{}"),
      noParams,
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "your role is viewer: viewers cannot change anything" });
    expect(calls).toEqual([]);
  });

  it("an admin token may change things, and needs no Origin header", async () => {
    const admin = await tokenWithRole("admin");
    const name = unique("made-by-token");
    const handler = withAdmin(async ({ actor }) => created({ name, by: actor.name }), { role: "admin" });
    const response = await handler(request("POST", { authorization: `Bearer ${admin.token}` }, "{}"), noParams);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ name, by: admin.name });
  });

  it("an admin token really changes the database through the handler", async () => {
    const admin = await tokenWithRole("admin");
    const tokenName = unique("via-route");
    const handler = withAdmin(async ({ actor }) => created(await createApiToken(db, actor, { name: tokenName })), {
      role: "admin",
    });
    const response = await handler(request("POST", { authorization: `Bearer ${admin.token}` }), noParams);
    expect(response.status).toBe(201);
    const row = await db.apiToken.findUnique({ where: { name: tokenName } });
    expect(row?.createdBy).toBe(admin.name);
    const audit = await db.auditEvent.findFirst({ where: { target: tokenName } });
    expect(audit).toMatchObject({ actorType: "api_token", actor: admin.name, action: "api_token.created" });
  });

  it("answers 204 when the handler returns nothing, and passes the route params", async () => {
    const admin = await tokenWithRole("admin");
    const seen: string[] = [];
    const handler = withAdmin<{ name: string }>(
      async ({ params }) => {
        seen.push(params.name);
      },
      { role: "admin" },
    );
    const response = await handler(request("DELETE", { authorization: `Bearer ${admin.token}` }), {
      params: Promise.resolve({ name: "vpn-1" }),
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(seen).toEqual(["vpn-1"]);
  });

  it.each(["\u0000", "ops\u0000", "\ud800", "a\udfffb"])("refuses a path parameter %j with 400 before the database sees it", async (name) => {
    const admin = await tokenWithRole("admin");
    const handler = withAdmin<{ name: string }>(async ({ params }) => ({ group: await getGroup(db, params.name) }), { role: "viewer" });
    const response = await handler(request("GET", { authorization: `Bearer ${admin.token}` }), { params: Promise.resolve({ name }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "path holds a NUL character or text that is not valid Unicode" });
  });

  it("accepts the scheme in any letter case", async () => {
    const viewer = await tokenWithRole("viewer");
    const { handler } = route("viewer");
    expect((await handler(request("GET", { authorization: `bearer ${viewer.token}` }), noParams)).status).toBe(200);
  });

  it("an unknown or revoked token is 401 and the handler never runs", async () => {
    const admin = await tokenWithRole("admin");
    await revokeApiToken(db, cli, admin.name);
    const { handler, calls } = route("viewer");
    for (const token of [admin.token, `sca_${"A".repeat(43)}`, "not-a-console-token"]) {
      const response = await handler(request("GET", { authorization: `Bearer ${token}` }), noParams);
      expect(response.status, token).toBe(401);
      expect(await response.json()).toEqual({ error: "unknown or revoked API token" });
    }
    expect(calls).toEqual([]);
    expect(setup.currentAdmin).not.toHaveBeenCalled();
  });

  it.each([
    ["Basic credentials", "Basic YWRtaW46cGFzc3dvcmQ="],
    ["a bare scheme", "Bearer"],
    ["two words after the scheme", "Bearer sca_one sca_two"],
    ["a token without a scheme", "sca_abcdefghijklmnop"],
  ])("a malformed Authorization header (%s) is 401 and never falls back to the cookie", async (_label, header) => {
    setup.currentAdmin.mockResolvedValue({ type: "admin", id: "x", name: "cookie-admin", role: "admin" });
    const { handler, calls } = route("viewer");
    const response = await handler(request("GET", { authorization: header }), noParams);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'Authorization header must be "Bearer <token>"' });
    expect(calls).toEqual([]);
  });

  it("no credentials at all is 401", async () => {
    const { handler, calls } = route("viewer");
    const response = await handler(request("GET"), noParams);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "sign in or send an API token" });
    expect(calls).toEqual([]);
  });

  it("maps what the handler throws: validation 422 with fields, domain errors by code, the rest a bare 500", async () => {
    const admin = await tokenWithRole("admin");
    const auth = { authorization: `Bearer ${admin.token}` };
    const zodFailure = withAdmin(
      async () => z.object({ name: z.string({ error: "name is required" }) }).parse({}),
      { role: "admin" },
    );
    const zodResponse = await zodFailure(request("POST", auth), noParams);
    expect(zodResponse.status).toBe(422);
    expect(await zodResponse.json()).toEqual({ error: "name: name is required", fields: { name: "name is required" } });

    const notFound = withAdmin(
      async () => {
        throw new AppError("not_found", 'server "x" not found');
      },
      { role: "viewer" },
    );
    const notFoundResponse = await notFound(request("GET", auth), noParams);
    expect(notFoundResponse.status).toBe(404);

    const log = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const crash = withAdmin(
      async () => {
        throw new Error("database password=hunter2 rejected");
      },
      { role: "viewer" },
    );
    const crashResponse = await crash(request("GET", auth), noParams);
    expect(crashResponse.status).toBe(500);
    const text = await crashResponse.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toMatchObject({ error: "internal error" });
    expect(log).toHaveBeenCalledTimes(1);
    // One JSON line under the same request id as the answer, so the two can be matched.
    const line = JSON.parse(String(log.mock.calls[0]?.[0])) as Record<string, unknown>;
    expect(line).toMatchObject({ level: "error", method: "GET", request_id: (JSON.parse(text) as { requestId: string }).requestId });
    log.mockRestore();
  });
});

describe("withAdmin with a session cookie (session lookup stubbed)", () => {
  const cookieAdmin: Actor = { type: "admin", id: "admin-id", name: "cookie-admin", role: "admin" };
  const cookieViewer: Actor = { type: "admin", id: "viewer-id", name: "cookie-viewer", role: "viewer" };

  it("a signed-in admin may read without an Origin header", async () => {
    setup.currentAdmin.mockResolvedValue(cookieAdmin);
    const { handler, calls } = route("viewer");
    expect((await handler(request("GET", { host: "localhost:3000" }), noParams)).status).toBe(200);
    expect(calls).toEqual([cookieAdmin]);
  });

  it("a change from the console's own origin goes through", async () => {
    setup.currentAdmin.mockResolvedValue(cookieAdmin);
    const { handler, calls } = route("admin");
    const response = await handler(
      request("POST", { host: "localhost:3000", origin: "http://localhost:3000" }),
      noParams,
    );
    expect(response.status).toBe(200);
    expect(calls).toEqual([cookieAdmin]);
  });

  it.each([
    ["no Origin", { host: "localhost:3000" }],
    ["another site's Origin", { host: "localhost:3000", origin: "https://evil.example" }],
    ["another port", { host: "localhost:3000", origin: "http://localhost:4000" }],
    ["an opaque Origin (null)", { host: "localhost:3000", origin: "null" }],
  ])("a cookie-authenticated change with %s is refused with 403", async (_label, headers) => {
    setup.currentAdmin.mockResolvedValue(cookieAdmin);
    const { handler, calls } = route("admin");
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = await handler(request("POST", headers), noParams);
    log.mockRestore();
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "cross-site request refused" });
    expect(calls).toEqual([]);
  });

  it("a signed-in viewer may read but not change", async () => {
    setup.currentAdmin.mockResolvedValue(cookieViewer);
    const reader = route("viewer");
    expect((await reader.handler(request("GET"), noParams)).status).toBe(200);
    const writer = route("admin");
    const response = await writer.handler(
      request("POST", { host: "localhost:3000", origin: "http://localhost:3000" }),
      noParams,
    );
    expect(response.status).toBe(403);
    expect(writer.calls).toEqual([]);
  });
});
