// Current Users as an admin watches it: a tunnel brought up through the hook API appears, its
// counters move on screen as the server reports traffic, and the inactivity meter judges it
// against the group's threshold.
import { expect, test, uniqueName } from "./fixtures";
import { callHook, registerHookServer, reportTraffic } from "./hooks";

test("a live tunnel appears, its counters move, and the inactivity meter judges it", async ({ page, api }) => {
  const hookServer = await registerHookServer(api);
  const server = hookServer.name;
  const group = uniqueName("staff");
  const user = uniqueName("carol");
  const hook = async (action: string, fields: Record<string, string>) =>
    expect((await callHook(api, hookServer, action, fields)).status).toBe(200);
  expect((await api.post("/api/groups", { data: { name: group } })).status()).toBe(201);
  expect((await api.post("/api/vpn-users", { data: { username: user, password: "carol-password", group } })).status()).toBe(201);
  const policy = await api.put(`/api/policies/groups/${group}`, { data: { inactivityWindow: 300, inactivityBytes: 50_000 } });
  expect(policy.status(), await policy.text()).toBe(200);

  const endpoint = { username: user, client_ip: "203.0.113.50", client_port: "41000" };
  await hook("auth", { ...endpoint, password: "carol-password" });
  await hook("connect", { ...endpoint, vpn_ip: "10.8.0.50", connection_id: "203.0.113.50:41000" });
  expect((await reportTraffic(api, hookServer, [{ connection_id: "203.0.113.50:41000", bytes_received: 1_000, bytes_sent: 2_000 }])).status).toBe(200);

  await page.goto(`/current-users?server=${server}`);
  const row = page.getByRole("row").filter({ hasText: user });
  await expect(row).toContainText(group);
  await expect(row).toContainText("203.0.113.50");
  await expect(row).toContainText("10.8.0.50");
  // Cells: select, user, server, real IP, VPN IP, connected, bytes in, ...
  const bytesIn = row.getByRole("cell").nth(6);
  await expect(bytesIn).toHaveText("1000 B");
  // 3 KB moved of a 50 KB threshold: the meter shows it, and that the window is not complete yet.
  const meter = row.getByRole("meter", { name: "Traffic in the inactivity window" });
  await expect(meter).toHaveAttribute("aria-valuetext", /up for less than one window/);

  // The server reports more traffic; the page refreshes on its own.
  const more = { connection_id: "203.0.113.50:41000", bytes_received: 5_000_000, bytes_sent: 9_000_000, at: Date.now() / 1000 + 1 };
  expect((await reportTraffic(api, hookServer, [more])).status).toBe(200);
  await expect(bytesIn).toHaveText("4.77 MiB", { timeout: 10_000 });
  await expect(page.getByRole("definition").filter({ hasText: /^1$/ }).first()).toBeVisible();
  await expect(page.getByRole("table", { name: "Connections by server" })).toContainText(server);
  // The current rate and the inactivity window sort on the server, and the sort stays in the URL.
  await page.getByRole("button", { name: "Rate in / out" }).click();
  await expect(page).toHaveURL(/sort=rate/);
  await expect(bytesIn).toHaveText("4.77 MiB");
  await page.getByRole("button", { name: "Inactivity window" }).click();
  await expect(page).toHaveURL(/sort=window/);
  await expect(bytesIn).toHaveText("4.77 MiB");

  // The session page charts the recorded samples, with the threshold line of the group's policy.
  await row.getByRole("link", { name: user }).click();
  const rateChart = page.getByRole("figure", { name: /^Traffic rate, 1h/ });
  await expect(rateChart.locator(".recharts-area-area").first()).toBeVisible();
  await expect(page.getByRole("figure", { name: /against the threshold of 48\.83 KiB/ })).toContainText("threshold 48.83 KiB");
  // The user's page charts their traffic and the sessions they started.
  await page.goto(`/users/${user}`);
  await expect(page.getByRole("figure", { name: /^Traffic rate, 1h/ }).locator(".recharts-area-area").first()).toBeVisible();
  await expect(page.getByRole("figure", { name: /^Sessions started, 1h/ })).toBeVisible();
  const history = (await (await api.get(`/api/vpn-users/${user}/traffic?range=1h`)).json()) as { sessionsStarted: number[] };
  expect(history.sessionsStarted.reduce((a, b) => a + b, 0)).toBe(1);
  await page.goto(`/current-users?server=${server}`);

  // The tunnel ends: it leaves the live list.
  await hook("disconnect", {
    connection_id: "203.0.113.50:41000",
    bytes_received: "5000000",
    bytes_sent: "9000000",
    duration: "30",
    reason: "dropped",
  });
  await expect(page.getByText("No connections match these filters")).toBeVisible({ timeout: 10_000 });
});
