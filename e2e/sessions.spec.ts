// The Sessions area: sessions seeded through the hook API with a registered server's token, listed
// by state with their reasons, filtered and paged through the URL, and one session's detail page
// with its connections.
import type { APIRequestContext } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";

const PASSWORD = "e2e-vpn-password";

/** A VPN server as the console sees it: its token, and the hook calls its daemon would make. */
async function registerServer(api: APIRequestContext) {
  const name = uniqueName("e2e-edge");
  const registered = await api.post("/api/servers", { data: { name, kind: "openvpn" } });
  expect(registered.status()).toBe(201);
  const { token } = (await registered.json()) as { token: string };
  const hook = async (action: "auth" | "connect" | "disconnect", fields: Record<string, string>) => {
    const response = await api.post(`/api/hooks/v1/${action}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: "text/plain" },
      form: fields,
    });
    return { status: response.status(), body: await response.text() };
  };
  /** Password login then tunnel up from ip:port; the connection id is ip:port as OpenVPN's. */
  const connect = async (username: string, ip: string, port: number) => {
    const endpoint = { username, client_ip: ip, client_port: String(port) };
    expect(await hook("auth", { ...endpoint, password: PASSWORD })).toEqual({ status: 200, body: "allow\n" });
    const up = await hook("connect", { ...endpoint, vpn_ip: "10.8.0.6", connection_id: `${ip}:${port}` });
    expect(up.status).toBe(200);
    expect(up.body).toContain('push "auth-token ');
  };
  const disconnect = async (ip: string, port: number, reason: "graceful" | "dropped") => {
    const fields = { connection_id: `${ip}:${port}`, bytes_received: "2048", bytes_sent: "4096", reason };
    expect(await hook("disconnect", fields)).toEqual({ status: 200, body: "ok\n" });
  };
  return { name, connect, disconnect };
}

async function createUser(api: APIRequestContext, username: string) {
  const response = await api.post("/api/vpn-users", { data: { username, password: PASSWORD } });
  expect(response.status()).toBe(201);
}

test("lists sessions by state with their reasons, filters in the URL, and shows one with its connections", async ({
  page,
  api,
}) => {
  const server = await registerServer(api);
  const prefix = uniqueName("sess");
  const active = `${prefix}-active`;
  const dormant = `${prefix}-dormant`;
  const ended = `${prefix}-ended`;
  const replaced = `${prefix}-replaced`;
  for (const username of [active, dormant, ended, replaced]) await createUser(api, username);

  await server.connect(active, "198.51.100.10", 40001);
  await server.connect(dormant, "198.51.100.11", 40002);
  await server.disconnect("198.51.100.11", 40002, "dropped");
  await server.connect(ended, "198.51.100.12", 40003);
  await server.disconnect("198.51.100.12", 40003, "graceful");
  // Max concurrent sessions 1, replacing the oldest: a second login revokes the first session.
  const policy = await api.put(`/api/policies/users/${replaced}`, { data: { maxSessions: 1, maxSessionsAction: "replace_oldest" } });
  expect(policy.status()).toBe(200);
  await server.connect(replaced, "198.51.100.13", 40004);
  await server.connect(replaced, "198.51.100.14", 40005);

  await page.goto(`/sessions?user=${encodeURIComponent(prefix)}`);
  const table = page.getByRole("table", { name: "Sessions" });
  const row = (username: string, clientIp: string) =>
    table.getByRole("row").filter({ has: page.getByRole("link", { name: username, exact: true }) }).filter({ hasText: clientIp });
  await expect(table.getByRole("row")).toHaveCount(1 + 5);
  await expect(row(active, "198.51.100.10")).toContainText("active");
  await expect(row(dormant, "198.51.100.11")).toContainText("dormant");
  await expect(row(dormant, "198.51.100.11")).toContainText("tunnel dropped");
  await expect(row(ended, "198.51.100.12")).toContainText("ended");
  await expect(row(ended, "198.51.100.12")).toContainText("client disconnected");
  await expect(row(replaced, "198.51.100.13")).toContainText("revoked");
  await expect(row(replaced, "198.51.100.13")).toContainText("replaced by a newer login (max concurrent sessions)");
  await expect(row(replaced, "198.51.100.14")).toContainText("active");
  await expect(page.getByLabel("User")).toHaveValue(prefix);

  // A state tab narrows the list and goes into the URL, keeping the user filter.
  // The counts on the state tabs follow the user filter.
  await expect(page.getByRole("tab", { name: "All (5)" })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Active (2)" })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Revoked (1)" })).toBeVisible();
  await page.getByRole("tab", { name: /^Dormant/ }).click();
  await expect(page).toHaveURL(/state=dormant/);
  await expect(page).toHaveURL(new RegExp(`user=${prefix}`));
  await expect(table.getByRole("row")).toHaveCount(1 + 1);
  await expect(row(dormant, "198.51.100.11")).toBeVisible();
  await page.getByRole("tab", { name: /^Revoked/ }).click();
  await expect(page).toHaveURL(/state=revoked/);
  await expect(table.getByRole("row")).toHaveCount(1 + 1);
  await expect(row(replaced, "198.51.100.13")).toBeVisible();

  // The URL alone restores the view (a reload, a shared link).
  await page.reload();
  await expect(page.getByRole("tab", { name: /^Revoked/ })).toHaveAttribute("aria-selected", "true");
  await expect(table.getByRole("row")).toHaveCount(1 + 1);

  // A filter that matches nothing says so and offers to clear it.
  await page.goto(`/sessions?user=${encodeURIComponent(`${prefix}-nobody`)}`);
  await expect(page.getByText("No sessions match these filters")).toBeVisible();

  // The detail page: state, reason, and the tunnel with its counters and end reason.
  await page.goto(`/sessions?user=${encodeURIComponent(dormant)}`);
  await page.getByRole("link", { name: dormant, exact: true }).click();
  await expect(page).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: `Session of ${dormant}` })).toBeVisible();
  await expect(page.getByText("tunnel dropped")).toBeVisible();
  const connections = page.getByRole("table", { name: "Connections" });
  await expect(connections.getByRole("row")).toHaveCount(1 + 1);
  const tunnel = connections.getByRole("row").nth(1);
  await expect(tunnel).toContainText(server.name);
  await expect(tunnel).toContainText("198.51.100.11:40002");
  await expect(tunnel).toContainText("10.8.0.6");
  await expect(tunnel).toContainText("dropped");
  await expect(tunnel).toContainText("2 KiB");
  await expect(tunnel).toContainText("4 KiB");

  // An unknown session id is a clear "not found", not an error.
  await page.goto("/sessions/00000000-0000-0000-0000-000000000000");
  await expect(page.getByText("There is no such session")).toBeVisible();
});

test("pages through sessions with the page in the URL", async ({ page, api }) => {
  const server = await registerServer(api);
  const username = uniqueName("pager");
  await createUser(api, username);
  for (let port = 41000; port < 41026; port += 1) await server.connect(username, "198.51.100.20", port);

  await page.goto(`/sessions?user=${encodeURIComponent(username)}&pageSize=25`);
  const table = page.getByRole("table", { name: "Sessions" });
  const pagination = page.getByRole("navigation", { name: "Pagination" });
  await expect(pagination).toContainText("1–25 of 26 sessions");
  await expect(table.getByRole("row")).toHaveCount(1 + 25);
  await pagination.getByRole("button", { name: "Next page" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(pagination).toContainText("26–26 of 26 sessions");
  await expect(table.getByRole("row")).toHaveCount(1 + 1);
  await page.reload();
  await expect(table.getByRole("row")).toHaveCount(1 + 1);
  await pagination.getByRole("button", { name: "Previous page" }).click();
  await expect(page).not.toHaveURL(/page=/);
  await expect(table.getByRole("row")).toHaveCount(1 + 25);
});
