// The policy API through its route handlers, as a viewer and as an admin API token, against a
// real database (lib/testing/route-db.ts says why the database is chosen in vi.hoisted): roles
// (viewers read, only admins change), validation (422 naming the field, nothing written),
// unknown scopes (404), and a change reaching the next hook decision.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as auditRevert from "@/app/api/audit/[id]/revert/route";
import * as policiesRoute from "@/app/api/policies/route";
import * as defaultRoute from "@/app/api/policies/default/route";
import * as exportRoute from "@/app/api/policies/export/route";
import * as groupRoute from "@/app/api/policies/groups/[name]/route";
import * as importRoute from "@/app/api/policies/import/route";
import * as previewRoute from "@/app/api/policies/import/preview/route";
import * as userRoute from "@/app/api/policies/users/[username]/route";
import * as effectiveRoute from "@/app/api/vpn-users/[username]/effective-policy/route";
import { cliActor } from "./actor";
import { createApiToken } from "./api-tokens";
import { db } from "./db";
import { createGroup } from "./groups";
import { handleHook } from "./hooks/handler";
import { updateScopePolicy } from "./policies";
import { registerServer } from "./servers";
import { createVpnUser } from "./vpn-users";

const setup = await vi.hoisted(async () => {
  const { routeTestDatabase } = await import("./testing/route-db");
  return routeTestDatabase("policy_api");
});

// Every call here carries a bearer token; the cookie session (which needs a Next.js request
// scope) is never consulted.
vi.mock("./auth", () => ({ currentAdmin: async () => null }));

const actor = cliActor();
let n = 0;
const unique = (prefix: string) => `${prefix}${++n}`;
const tokens = { admin: "", viewer: "" };

beforeAll(async () => {
  await setup.create();
  for (const role of ["admin", "viewer"] as const) {
    tokens[role] = (await createApiToken(db, actor, { name: unique(`policy-${role}`), role })).token;
  }
});

afterAll(() => setup.drop());

type Role = keyof typeof tokens;
type Route<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

async function call<P>(route: Route<P>, role: Role, method: string, params: P, body?: unknown) {
  const request = new Request("http://localhost:3000/api/policies", {
    method,
    headers: { authorization: `Bearer ${tokens[role]}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const response = await route(request, { params: Promise.resolve(params) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

const none = {} as Record<string, never>;

async function member() {
  const group = unique("contractors");
  const username = unique("alice");
  await createGroup(db, actor, { name: group });
  await createVpnUser(db, actor, { username, group });
  return { group, username };
}

async function storedRows() {
  return db.policy.findMany({ orderBy: { scopeKey: "asc" } });
}

describe(`policy API roles (${setup.postgres ? "postgresql" : "sqlite"})`, () => {
  it("a viewer reads every policy view and previews an import", async () => {
    const { group, username } = await member();
    expect((await call(policiesRoute.GET, "viewer", "GET", none)).status).toBe(200);
    expect((await call(defaultRoute.GET, "viewer", "GET", none)).status).toBe(200);
    expect((await call(groupRoute.GET, "viewer", "GET", { name: group })).status).toBe(200);
    expect((await call(userRoute.GET, "viewer", "GET", { username })).status).toBe(200);
    expect((await call(effectiveRoute.GET, "viewer", "GET", { username })).status).toBe(200);
    expect((await call(exportRoute.GET, "viewer", "GET", none)).status).toBe(200);
    const preview = await call(previewRoute.POST, "viewer", "POST", none, {
      text: "sacli --key vpn.server.session_expire --value 28800 ConfigPut",
    });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ canApply: true });
  });

  it("a viewer gets 403 on PUT, DELETE, import and revert, and nothing changes", async () => {
    const { group, username } = await member();
    const change = await updateScopePolicy(db, actor, { scope: "group", name: group }, { sessionLifetime: 3600 });
    expect(change.overrides).toEqual({ sessionLifetime: 3600 });
    const event = await db.auditEvent.findFirstOrThrow({ where: { target: `group:${group}` }, orderBy: { at: "desc" } });
    const before = await storedRows();
    const auditCount = await db.auditEvent.count();

    const refused = [
      await call(defaultRoute.PUT, "viewer", "PUT", none, { sessionLifetime: 60 }),
      await call(groupRoute.PUT, "viewer", "PUT", { name: group }, { sessionLifetime: 60 }),
      await call(groupRoute.DELETE, "viewer", "DELETE", { name: group }),
      await call(userRoute.PUT, "viewer", "PUT", { username }, { ipLock: false }),
      await call(userRoute.DELETE, "viewer", "DELETE", { username }),
      await call(importRoute.POST, "viewer", "POST", none, {
        text: "sacli --key vpn.server.session_expire --value 28800 ConfigPut",
      }),
      await call(auditRevert.POST, "viewer", "POST", { id: event.id }),
    ];
    for (const answer of refused) {
      expect(answer).toEqual({ status: 403, body: { error: "your role is viewer: viewers cannot change anything" } });
    }
    expect(await storedRows()).toEqual(before);
    expect(await db.auditEvent.count()).toBe(auditCount);
  });

  it("an admin changes a group, a user and DEFAULT; null clears a field to inherit", async () => {
    const { group, username } = await member();
    const set = await call(groupRoute.PUT, "admin", "PUT", { name: group }, { idleTokenExpiry: 900, ipLock: false });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ overrides: { idleTokenExpiry: 900, ipLock: false } });

    const effective = await call(effectiveRoute.GET, "admin", "GET", { username });
    expect(effective.body).toMatchObject({
      fields: {
        idleTokenExpiry: { effective: 900, source: { scope: "group", name: group }, sourceLabel: `from group ${group}` },
        sessionLifetime: { effective: 86_400, sourceLabel: expect.stringMatching(/^(from DEFAULT|built-in default)$/) },
      },
    });

    const cleared = await call(groupRoute.PUT, "admin", "PUT", { name: group }, { idleTokenExpiry: null });
    expect(cleared.body).toMatchObject({ overrides: { ipLock: false } });
    expect((cleared.body?.overrides as object | undefined) ?? {}).not.toHaveProperty("idleTokenExpiry");

    const own = await call(userRoute.PUT, "admin", "PUT", { username }, { maxSessions: 1, maxSessionsAction: "replace_oldest" });
    expect(own.body).toMatchObject({ fields: { maxSessions: { set: 1, effective: 1, sourceLabel: "set on this user" } } });

    const emptied = await call(userRoute.DELETE, "admin", "DELETE", { username });
    expect(emptied.status).toBe(200);
    expect(emptied.body).toMatchObject({ overrides: {} });

    const defaults = await call(defaultRoute.PUT, "admin", "PUT", none, { keepaliveInterval: 15 });
    expect(defaults.body).toMatchObject({ overrides: { keepaliveInterval: 15 } });
    await call(defaultRoute.PUT, "admin", "PUT", none, { keepaliveInterval: null });
  });

  it("answers with warnings for a bad combination, and still saves it", async () => {
    const { group, username } = await member();
    const saved = await call(groupRoute.PUT, "admin", "PUT", { name: group }, { sessionLifetime: 120, idleTokenExpiry: 600 });
    expect(saved.status).toBe(200);
    expect(saved.body?.warnings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: "lifetime-not-longer-than-idle-expiry" })]),
    );
    const effective = await call(effectiveRoute.GET, "viewer", "GET", { username });
    expect(effective.body?.warnings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: "lifetime-not-longer-than-idle-expiry" })]),
    );
    expect(effective.body?.explanation).toEqual(expect.arrayContaining([expect.stringContaining("2 min")]));
  });
});

describe(`policy API validation (${setup.postgres ? "postgresql" : "sqlite"})`, () => {
  it.each([
    ["a negative duration", { sessionLifetime: -1 }, "sessionLifetime", "must be at least 0 s"],
    ["a duration as text", { idleTokenExpiry: "5 min" }, "idleTokenExpiry", "must be a whole number of seconds"],
    ["a fraction of a second", { keepaliveTimeout: 1.5 }, "keepaliveTimeout", "must be a whole number of seconds"],
    ["a duration beyond ten years", { sessionLifetime: 400_000_000 }, "sessionLifetime", "must be at most 315360000 s (10 years)"],
    ["too many sessions", { maxSessions: 5000 }, "maxSessions", "must be at most 1000"],
    ["a switch as text", { ipLock: "yes" }, "ipLock", "must be true or false"],
    ["an unknown action", { maxSessionsAction: "kick" }, "maxSessionsAction", 'must be one of "deny", "replace_oldest"'],
  ])("refuses %s with 422 naming the field, and writes nothing", async (_label, patch, field, message) => {
    const { group } = await member();
    const before = await storedRows();
    const answer = await call(groupRoute.PUT, "admin", "PUT", { name: group }, { renegotiationInterval: 7200, ...patch });
    expect(answer.status).toBe(422);
    expect(answer.body?.fields).toEqual({ [field]: message });
    expect(answer.body?.error).toContain(field);
    expect(await storedRows()).toEqual(before);
  });

  it("refuses an unknown field by name, a body that is not an object, and malformed JSON", async () => {
    const { group } = await member();
    const typo = await call(groupRoute.PUT, "admin", "PUT", { name: group }, { sessionLifetim: 60 });
    expect(typo.status).toBe(422);
    expect(typo.body?.error).toContain('unknown policy field "sessionLifetim"');
    const list = await call(groupRoute.PUT, "admin", "PUT", { name: group }, [60]);
    expect(list.status).toBe(422);
    expect(list.body?.error).toContain("policy must be an object of fields");
    const broken = await call(groupRoute.PUT, "admin", "PUT", { name: group }, "{ sessionLifetime: ");
    expect(broken).toEqual({ status: 400, body: { error: "request body is not valid JSON" } });
  });

  it("answers 404 for an unknown group or user, whatever the method", async () => {
    const noGroup = { name: unique("nobody-group") };
    const noUser = { username: unique("nobody") };
    const answers = [
      [await call(groupRoute.GET, "viewer", "GET", noGroup), `group "${noGroup.name}"`],
      [await call(groupRoute.PUT, "admin", "PUT", noGroup, { sessionLifetime: 60 }), `group "${noGroup.name}"`],
      [await call(groupRoute.DELETE, "admin", "DELETE", noGroup), `group "${noGroup.name}"`],
      [await call(userRoute.GET, "viewer", "GET", noUser), `VPN user "${noUser.username}"`],
      [await call(userRoute.PUT, "admin", "PUT", noUser, { sessionLifetime: 60 }), `VPN user "${noUser.username}"`],
      [await call(userRoute.DELETE, "admin", "DELETE", noUser), `VPN user "${noUser.username}"`],
      [await call(effectiveRoute.GET, "viewer", "GET", noUser), `VPN user "${noUser.username}"`],
      [await call(auditRevert.POST, "admin", "POST", { id: "no-such-event" }), `audit event "no-such-event"`],
    ] as const;
    for (const [answer, what] of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body?.error).toContain(what);
    }
    expect(await db.group.findUnique({ where: { name: noGroup.name } })).toBeNull();
  });

  it("checks the value before the scope: a bad value for an unknown group is still 422", async () => {
    const answer = await call(groupRoute.PUT, "admin", "PUT", { name: unique("ghost") }, { sessionLifetime: -1 });
    expect(answer.status).toBe(422);
  });

  it("imports all or nothing: empty text, malformed lines or a missing user are 422 and save nothing", async () => {
    const before = await storedRows();
    const groups = await db.group.count();
    const empty = await call(importRoute.POST, "admin", "POST", none, { text: "" });
    expect(empty.status).toBe(422);
    expect(empty.body?.fields).toEqual({ text: "text is required: paste the settings to import" });

    const group = unique("imported");
    const malformed = await call(importRoute.POST, "admin", "POST", none, {
      text: [`sacli --user ${group} --key prop_isec --value 900 UserPropPut`, "set aaa auth-group staff max-session-duration -5"].join("\n"),
    });
    expect(malformed.status).toBe(422);
    expect(malformed.body?.error).toContain("line 2");

    const missing = await call(importRoute.POST, "admin", "POST", none, {
      text: [`sacli --user ${group} --key conn_group --value staff UserPropPut`, `sacli --user ${group} --key prop_isec --value 900 UserPropPut`].join(
        "\n",
      ),
    });
    expect(missing.status).toBe(422);
    expect(missing.body?.error).toContain(`user ${group} does not exist`);

    expect(await storedRows()).toEqual(before);
    expect(await db.group.count()).toBe(groups);
  });

  it("applies an import an admin previewed, and its export imports back unchanged", async () => {
    const group = unique("as-group");
    const text = [
      `sacli --user ${group} --key group_declare --value true UserPropPut`,
      `sacli --user ${group} --key prop_isec --value 900 UserPropPut`,
      `sacli --user ${group} --key prop_deny --value true UserPropPut`,
    ].join("\n");
    const preview = await call(previewRoute.POST, "admin", "POST", none, { text });
    expect(preview.body).toMatchObject({
      canApply: true,
      scopes: [{ label: `group ${group}`, createsGroup: true, after: { inactivityWindow: 900 } }],
      unknown: [{ line: 3 }],
    });
    expect(await db.group.findUnique({ where: { name: group } })).toBeNull();

    const applied = await call(importRoute.POST, "admin", "POST", none, { text });
    expect(applied.status).toBe(200);
    const stored = await call(groupRoute.GET, "viewer", "GET", { name: group });
    expect(stored.body).toMatchObject({ overrides: { inactivityWindow: 900 } });

    const exported = await call(exportRoute.GET, "viewer", "GET", none);
    const again = await call(previewRoute.POST, "viewer", "POST", none, { text: JSON.stringify(exported.body) });
    expect(again.body).toMatchObject({ canApply: true, errors: [], unknown: [] });
    const mine = (again.body?.scopes as { label: string; before: unknown; after: unknown }[]).find(
      (scope) => scope.label === `group ${group}`,
    );
    expect(mine?.after).toEqual(mine?.before);
  });
});

describe(`policy changes reach the hook API (${setup.postgres ? "postgresql" : "sqlite"})`, () => {
  it("applies a change to the next decision, with no restart", async () => {
    const group = unique("field");
    const username = unique("bob");
    await createGroup(db, actor, { name: group });
    await createVpnUser(db, actor, { username, group, password: "bob-password" });
    const server = await registerServer(db, actor, { name: unique("edge"), kind: "openvpn" });
    let port = 40_000;
    const connect = async () => {
      const client = { username, client_ip: "198.51.100.7", client_port: String(++port) };
      const hook = (action: string, fields: Record<string, string>) =>
        handleHook(db, {
          method: "POST",
          path: `/api/hooks/v1/${action}`,
          authorization: `Bearer ${server.token}`,
          contentType: "application/x-www-form-urlencoded",
          accept: "text/plain",
          body: new URLSearchParams(fields).toString(),
        });
      expect((await hook("auth", { ...client, password: "bob-password" })).body).toBe("allow\n");
      return (await hook("connect", { ...client, connection_id: `198.51.100.7:${port}` })).body;
    };

    expect(await connect()).toContain('push "ping 10"');
    await call(groupRoute.PUT, "admin", "PUT", { name: group }, { keepaliveInterval: 20, inactivityWindow: 600, inactivityBytes: 4096 });
    const changed = await connect();
    expect(changed).toContain('push "ping 20"');
    expect(changed).toContain('push "inactive 600 4096"');
    await call(groupRoute.DELETE, "admin", "DELETE", { name: group });
    const cleared = await connect();
    expect(cleared).toContain('push "ping 10"');
    expect(cleared).not.toContain("inactive");
  });
});
