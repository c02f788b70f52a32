// VPN servers through the UI: registering shows the hook token exactly once; rotating shows a new
// one once and the old one stops working at the hook API; revoking stops the current one. The
// hook API is called for real (POST /api/hooks/v1/auth), with a VPN user that may log in.
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";

const VPN_PASSWORD = "vpn-user-password";

/** A login attempt as a VPN server makes it; the status says whether the token was accepted. */
async function hookAuth(request: APIRequestContext, token: string, username: string) {
  const response = await request.post("/api/hooks/v1/auth", {
    headers: { Authorization: `Bearer ${token}`, Accept: "text/plain" },
    form: { username, password: VPN_PASSWORD, client_ip: "198.51.100.7", client_port: "51820" },
  });
  return { status: response.status(), body: (await response.text()).trim() };
}

const tokenDialog = (page: Page, server: string) => page.getByRole("dialog", { name: `Token for ${server}` });

/** Reads the token out of the one-time dialog, then closes it with Done. */
async function takeTokenOnce(page: Page, server: string): Promise<string> {
  const dialog = tokenDialog(page, server);
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("shown only once");
  const token = (await dialog.getByText(/^scs_\S+$/).textContent())?.trim() ?? "";
  expect(token).toMatch(/^scs_\S{20,}$/);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  return token;
}

/** The token is nowhere to be seen again: not on the page, not after a reload, not in the API. */
async function expectTokenGone(page: Page, api: APIRequestContext, token: string) {
  await expect(page.getByText(token)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Servers", level: 1 })).toBeVisible();
  expect(await page.content()).not.toContain(token);
  const list = await api.get("/api/servers");
  expect(list.status()).toBe(200);
  expect(await list.text()).not.toContain(token);
  const audit = await api.get("/api/audit", { params: { pageSize: "500" } });
  expect(await audit.text()).not.toContain(token);
}

test("register a server, see its token once, rotate it and revoke it", async ({ page, api }) => {
  const server = uniqueName("vpn-ams");
  const vpnUser = uniqueName("hook-user");
  expect((await api.post("/api/vpn-users", { data: { username: vpnUser, password: VPN_PASSWORD } })).status()).toBe(201);

  await page.goto("/servers");
  await page.getByRole("button", { name: "Register server" }).click();
  const register = page.getByRole("dialog", { name: "Register server" });
  await register.getByLabel("Name").fill(server);
  await register.getByLabel("Kind").selectOption("ocserv");
  await register.getByRole("button", { name: "Register" }).click();
  const first = await takeTokenOnce(page, server);

  const row = page.getByRole("table", { name: "Servers" }).getByRole("row").filter({ hasText: server });
  await expect(row).toContainText("ocserv");
  await expect(row).toContainText("Active");
  await expect(row.getByRole("cell").nth(3)).toHaveText("never");
  await expectTokenGone(page, api, first);
  expect((await (await api.get(`/api/servers/${server}`)).json()).server).toMatchObject({ name: server, kind: "ocserv", hasToken: true });

  // The token works at the hook API, and the server's last-seen time shows it called in.
  expect(await hookAuth(page.request, first, vpnUser)).toEqual({ status: 200, body: "allow" });
  await page.reload();
  await expect(row.getByRole("cell").nth(3)).not.toHaveText("never");

  await row.getByRole("button", { name: "Rotate token" }).click();
  const rotate = page.getByRole("dialog", { name: `Rotate the token of ${server}?` });
  await expect(rotate).toContainText("old token stops working");
  await rotate.getByRole("button", { name: "Confirm" }).click();
  const second = await takeTokenOnce(page, server);
  expect(second).not.toBe(first);
  await expectTokenGone(page, api, second);

  expect((await hookAuth(page.request, first, vpnUser)).status).toBe(401);
  expect(await hookAuth(page.request, second, vpnUser)).toEqual({ status: 200, body: "allow" });

  await row.getByRole("button", { name: "Revoke token" }).click();
  const revoke = page.getByRole("dialog", { name: `Revoke the token of ${server}?` });
  await revoke.getByRole("button", { name: "Confirm" }).click();
  await expect(revoke).toBeHidden();
  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button", { name: "Revoke token" })).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Issue token" })).toBeVisible();
  expect((await (await api.get(`/api/servers/${server}`)).json()).server).toMatchObject({ hasToken: false, tokenCreatedAt: null });

  expect((await hookAuth(page.request, second, vpnUser)).status).toBe(401);
  expect((await hookAuth(page.request, first, vpnUser)).status).toBe(401);
});

test("registering a server with a name in use is refused inline and issues no token", async ({ page, api }) => {
  const server = uniqueName("vpn-dup");
  expect((await api.post("/api/servers", { data: { name: server, kind: "openvpn" } })).status()).toBe(201);

  await page.goto("/servers");
  await page.getByRole("button", { name: "Register server" }).click();
  const register = page.getByRole("dialog", { name: "Register server" });
  await register.getByLabel("Name").fill(server);
  await register.getByRole("button", { name: "Register" }).click();
  await expect(register.getByText(/already exists/i)).toBeVisible();
  await expect(tokenDialog(page, server)).toHaveCount(0);
  const { servers } = (await (await api.get("/api/servers")).json()) as { servers: { name: string; kind: string }[] };
  expect(servers.filter((item) => item.name === server)).toEqual([expect.objectContaining({ kind: "openvpn" })]);
});
