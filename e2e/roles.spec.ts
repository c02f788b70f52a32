// A viewer can look at everything and change nothing: the UI offers no change controls, and the
// server refuses every change with 403 whether it comes from a viewer's session or a viewer API
// token. Each refusal is checked by reading the data back through an admin token.
import type { APIRequestContext, Page } from "@playwright/test";
import { BASE_URL } from "../playwright.config";
import { expect, test, uniqueName } from "./fixtures";
import { signInThroughApi } from "./sign-in";

test.use({ storageState: { cookies: [], origins: [] } });

const VIEWER_PASSWORD = "viewer-password-1";

interface Seeded {
  viewer: string;
  group: string;
  user: string;
  server: string;
  /** The name every refused creation or rename would have used. */
  fresh: string;
}

/** A viewer account plus a group, a user and a server for the viewer to try to change. */
async function seed(api: APIRequestContext): Promise<Seeded> {
  const seeded = {
    viewer: uniqueName("viewer"),
    group: uniqueName("roles-group"),
    user: uniqueName("roles-user"),
    server: uniqueName("roles-server"),
    fresh: uniqueName("never-created"),
  };
  const calls = [
    api.post("/api/admins", { data: { username: seeded.viewer, password: VIEWER_PASSWORD, role: "viewer" } }),
    api.post("/api/groups", { data: { name: seeded.group } }),
    api.post("/api/servers", { data: { name: seeded.server, kind: "openvpn" } }),
  ];
  for (const response of await Promise.all(calls)) expect(response.status()).toBe(201);
  const user = await api.post("/api/vpn-users", { data: { username: seeded.user, group: seeded.group } });
  expect(user.status()).toBe(201);
  return seeded;
}

/** Every kind of change the admin API offers, aimed at the seeded records. */
function mutations({ viewer, group, user, server, fresh }: Seeded) {
  return [
    { method: "POST", path: "/api/groups", data: { name: fresh } },
    { method: "PATCH", path: `/api/groups/${group}`, data: { name: fresh } },
    { method: "DELETE", path: `/api/groups/${group}` },
    { method: "POST", path: "/api/vpn-users", data: { username: fresh } },
    { method: "PATCH", path: `/api/vpn-users/${user}`, data: { enabled: false, group: null } },
    { method: "DELETE", path: `/api/vpn-users/${user}` },
    { method: "POST", path: "/api/servers", data: { name: fresh, kind: "ocserv" } },
    { method: "PATCH", path: `/api/servers/${server}`, data: { name: fresh } },
    { method: "POST", path: `/api/servers/${server}/rotate-token` },
    { method: "POST", path: `/api/servers/${server}/revoke-token` },
    { method: "DELETE", path: `/api/servers/${server}` },
    { method: "POST", path: "/api/admins", data: { username: fresh, password: VIEWER_PASSWORD, role: "admin" } },
    { method: "PATCH", path: `/api/admins/${viewer}`, data: { role: "admin" } },
    { method: "POST", path: "/api/tokens", data: { name: fresh, role: "admin" } },
    { method: "PUT", path: "/api/policies/default", data: { maxSessions: 1 } },
  ] as const;
}

/** The records the viewer tried to change, as an admin reads them; only this test's own data. */
async function snapshot(api: APIRequestContext, { viewer, group, user, server, fresh }: Seeded) {
  const read = async (path: string) => {
    const response = await api.get(path);
    expect(response.status(), path).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };
  const status = async (path: string) => (await api.get(path)).status();
  const [seededGroup, seededUser, seededServer, admins, tokens, freshGroup, freshUser, freshServer] = await Promise.all([
    read(`/api/groups/${group}`),
    read(`/api/vpn-users/${user}`),
    read(`/api/servers/${server}`),
    read("/api/admins"),
    read("/api/tokens"),
    status(`/api/groups/${fresh}`),
    status(`/api/vpn-users/${fresh}`),
    status(`/api/servers/${fresh}`),
  ]);
  const accounts = admins.admins as { username: string; role: string }[];
  const tokenNames = (tokens.tokens as { name: string }[]).map((token) => token.name);
  return {
    group: seededGroup.group,
    user: seededUser.user,
    server: seededServer.server,
    viewerRole: accounts.find((account) => account.username === viewer)?.role,
    fresh: { freshGroup, freshUser, freshServer, admin: accounts.some((a) => a.username === fresh), token: tokenNames.includes(fresh) },
  };
}

/** Tries every change as `caller` and expects each to be refused because of the role. */
async function expectEveryChangeRefused(caller: APIRequestContext, callerName: string, api: APIRequestContext, seeded: Seeded) {
  const before = await snapshot(api, seeded);
  for (const { method, path, ...rest } of mutations(seeded)) {
    const response = await caller.fetch(path, { method, ...("data" in rest ? { data: rest.data } : {}) });
    expect(response.status(), `${method} ${path}`).toBe(403);
    expect(await response.json(), `${method} ${path}`).toEqual({ error: expect.stringContaining("viewer") });
  }
  const after = await snapshot(api, seeded);
  expect(after).toEqual(before);
  expect(after.fresh).toEqual({ freshGroup: 404, freshUser: 404, freshServer: 404, admin: false, token: false });
  // Nothing was recorded in the caller's name either (this covers the DEFAULT policy too).
  const audit = await api.get("/api/audit", { params: { actor: callerName } });
  expect(await audit.json()).toMatchObject({ total: 0 });
}

async function signInAsViewer(page: Page, viewer: string) {
  await signInThroughApi(page.request, viewer, VIEWER_PASSWORD);
  const me = await page.request.get("/api/me");
  expect(await me.json()).toMatchObject({ name: viewer, role: "viewer" });
}

test("a viewer sees everything but is offered no way to change it", async ({ page, api }) => {
  const seeded = await seed(api);
  await signInAsViewer(page, seeded.viewer);

  await page.goto(`/users?q=${seeded.user}`);
  await expect(page.getByRole("note")).toContainText("signed in as a viewer");
  const users = page.getByRole("table", { name: "VPN users" });
  const userRow = users.getByRole("row").filter({ hasText: seeded.user });
  await expect(userRow).toContainText(seeded.group);
  await expect(userRow.getByRole("button")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "New user" })).toBeDisabled();

  await page.getByRole("tab", { name: "Groups" }).click();
  const groupRow = page.getByRole("table", { name: "Groups" }).getByRole("row").filter({ hasText: seeded.group });
  await expect(groupRow).toBeVisible();
  await expect(groupRow.getByRole("button")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "New group" })).toBeDisabled();

  await page.goto("/servers");
  const serverRow = page.getByRole("table", { name: "Servers" }).getByRole("row").filter({ hasText: seeded.server });
  await expect(serverRow).toBeVisible();
  await expect(serverRow.getByRole("button")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Register server" })).toBeDisabled();

  await page.goto("/settings");
  await expect(page.getByRole("table", { name: "Console accounts" }).getByRole("row").filter({ hasText: seeded.viewer })).toBeVisible();
  await expect(page.getByRole("button", { name: "New account" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Create token" })).toBeDisabled();
  await expect(page.getByRole("table", { name: "Console accounts" }).getByRole("button")).toHaveCount(0);
});

test("the server refuses every change from a viewer's session, and nothing changes", async ({ page, api }) => {
  const seeded = await seed(api);
  await signInAsViewer(page, seeded.viewer);
  // Same-origin, as the console's own pages send it: the refusal must come from the role check.
  await page.context().setExtraHTTPHeaders({ Origin: BASE_URL });

  await expectEveryChangeRefused(page.request, seeded.viewer, api, seeded);
});

test("the server refuses every change from a viewer API token, and nothing changes", async ({ playwright, api }) => {
  const seeded = await seed(api);
  const tokenName = uniqueName("viewer-token");
  const issued = await api.post("/api/tokens", { data: { name: tokenName, role: "viewer" } });
  expect(issued.status()).toBe(201);
  const { token } = (await issued.json()) as { token: string };

  const viewerToken = await playwright.request.newContext({
    baseURL: BASE_URL,
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  try {
    const me = await viewerToken.get("/api/me");
    expect(await me.json()).toMatchObject({ name: tokenName, type: "api_token", role: "viewer" });
    // Reading works: the token is valid, only changes are refused.
    expect((await viewerToken.get(`/api/vpn-users/${seeded.user}`)).status()).toBe(200);

    await expectEveryChangeRefused(viewerToken, tokenName, api, seeded);
  } finally {
    await viewerToken.dispose();
  }
});

test("a role change or a deleted account takes effect at once, without signing in again", async ({ page, api }) => {
  const account = uniqueName("demoted");
  expect((await api.post("/api/admins", { data: { username: account, password: VIEWER_PASSWORD, role: "admin" } })).status()).toBe(201);
  await signInThroughApi(page.request, account, VIEWER_PASSWORD);
  await page.context().setExtraHTTPHeaders({ Origin: BASE_URL });
  const group = uniqueName("while-admin");
  expect((await page.request.post("/api/groups", { data: { name: group } })).status()).toBe(201);

  expect((await api.patch(`/api/admins/${account}`, { data: { role: "viewer" } })).status()).toBe(200);
  const refused = await page.request.post("/api/groups", { data: { name: uniqueName("while-viewer") } });
  expect(refused.status()).toBe(403);
  await page.goto("/users?tab=groups");
  await expect(page.getByRole("note")).toContainText("signed in as a viewer");
  await expect(page.getByRole("button", { name: "New group" })).toBeDisabled();

  expect((await api.delete(`/api/admins/${account}`)).status()).toBe(204);
  expect((await page.request.get("/api/me")).status()).toBe(401);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login/);
});

test("a revoked API token is refused at once", async ({ playwright, api }) => {
  const name = uniqueName("short-lived");
  const issued = await api.post("/api/tokens", { data: { name, role: "admin" } });
  const { token } = (await issued.json()) as { token: string };
  const client = await playwright.request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  try {
    expect((await client.get("/api/me")).status()).toBe(200);
    await expect(await api.delete(`/api/tokens/${name}`)).toBeOK();
    expect((await client.get("/api/me")).status()).toBe(401);
    expect((await client.post("/api/groups", { data: { name: uniqueName("after-revoke") } })).status()).toBe(401);
  } finally {
    await client.dispose();
  }
});
