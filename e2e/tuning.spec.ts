// Tuning the inactivity threshold from real recorded traffic: idle tunnels move keepalive-sized
// counts, busy ones megabytes; the console suggests a threshold just above idle, and applying it
// changes the group's policy through the normal, audited path.
import { expect, test, uniqueName } from "./fixtures";
import { callHook, registerHookServer, reportTraffic } from "./hooks";

test("suggests a threshold above idle traffic and applies it to the group's policy", async ({ page, api }) => {
  test.slow();
  const group = uniqueName("night");
  const server = await registerHookServer(api);
  expect((await api.post("/api/groups", { data: { name: group } })).status()).toBe(201);

  const traffic: { connection_id: string; bytes_received: number; bytes_sent: number }[] = [];
  for (let i = 0; i < 10; i++) {
    const username = uniqueName(`u${i}`);
    expect((await api.post("/api/vpn-users", { data: { username, password: "tuning-password", group } })).status()).toBe(201);
    const endpoint = { username, client_ip: `198.18.0.${i + 1}`, client_port: String(5000 + i) };
    expect((await callHook(api, server, "auth", { ...endpoint, password: "tuning-password" })).status).toBe(200);
    expect((await callHook(api, server, "connect", { ...endpoint, connection_id: `198.18.0.${i + 1}:${5000 + i}` })).status).toBe(200);
    // Six idle tunnels (keepalives), four busy ones.
    const bytes = i < 6 ? 60 + i : 1_000_000;
    traffic.push({ connection_id: `198.18.0.${i + 1}:${5000 + i}`, bytes_received: bytes, bytes_sent: bytes });
  }
  expect((await reportTraffic(api, server, traffic)).status).toBe(200);

  // Each tunnel needs one whole 10 s window before it can be judged.
  await expect
    .poll(
      async () => ((await (await api.get(`/api/policies/tuning?scope=group:${group}&window=10`)).json()) as { windows: number }).windows,
      { timeout: 30_000, intervals: [1_000] },
    )
    .toBe(10);

  await page.goto(`/policies/tuning?scope=group:${group}&window=10`);
  await expect(page.getByText("10 windows of 10 s from 10 tunnels.")).toBeVisible();
  const suggestion = page.getByRole("status").filter({ hasText: "Suggested threshold" });
  // The idle cluster tops out at 2 × 65 B = 130 B; twice that is suggested.
  await expect(suggestion).toContainText("Suggested threshold: 260 B per 10 s");
  await expect(suggestion).toContainText("60% of the 10 s windows moved at most 130 B");
  await expect(page.getByRole("table", { name: "What if" }).getByRole("row", { name: /Suggested/ })).toContainText("6 of 10");

  await suggestion.getByRole("button", { name: `Apply to group ${group}` }).click();
  await expect(page.getByText(`group ${group}: inactivity threshold set to 260 B per 10 s`)).toBeVisible();
  const policy = (await (await api.get(`/api/policies/groups/${group}`)).json()) as { fields: Record<string, { set: unknown }> };
  expect(policy.fields.inactivityBytes?.set).toBe(260);
  expect(policy.fields.inactivityWindow?.set).toBe(10);
  const audit = (await (await api.get(`/api/audit?target=group:${group}&action=policy.updated`)).json()) as { events: unknown[] };
  expect(audit.events).toHaveLength(1);
});
