// The audit trail: changes made in the UI and through the admin API each show up once on the
// Audit page with who made them, what they did, to what, and the before/after; the page filters
// by actor, action, target and time, and keeps its filters in the URL.
import type { APIRequestContext, APIResponse, Page, PlaywrightWorkerArgs } from "@playwright/test";
import { BASE_URL } from "../playwright.config";
import { expect, test, uniqueName } from "./fixtures";

// The time filter works in the browser's time zone; pinning it lets the test type exact minutes.
test.use({ timezoneId: "UTC" });

const MINUTE_MS = 60_000;
/** What a datetime-local input holds for `ms` in UTC. */
const minuteInput = (ms: number) => new Date(ms).toISOString().slice(0, 16);

const eventsTable = (page: Page) => page.getByRole("table", { name: "Audit events" });
const eventRows = (page: Page) => eventsTable(page).locator("tbody").getByRole("row");
const eventRow = (page: Page, action: string, target: string) =>
  eventRows(page)
    .filter({ has: page.getByText(action, { exact: true }) })
    .filter({ hasText: target });

/** An admin API token of its own, so its changes carry an actor name no other test uses. */
async function tokenActor(api: APIRequestContext, playwright: PlaywrightWorkerArgs["playwright"]) {
  const name = uniqueName("audit-bot");
  const issued = await api.post("/api/tokens", { data: { name, role: "admin" } });
  expect(issued.status()).toBe(201);
  const { token } = (await issued.json()) as { token: string };
  const request = await playwright.request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  return { name, request };
}

async function expectStatus(response: Promise<APIResponse>, status: number) {
  const answer = await response;
  expect(answer.status(), await answer.text()).toBe(status);
}

async function filter(page: Page, label: string, value: string) {
  await page.getByLabel(label, { exact: true }).fill(value);
}

test("changes from the UI and the API are listed with actor, action, target and before/after", async ({ page, api, playwright }) => {
  const tag = uniqueName("aud");
  const group = `${tag}-grp`;
  const user = `${tag}-usr`;
  const renamed = `${tag}-usr2`;
  const server = `${tag}-srv`;
  const bot = await tokenActor(api, playwright);

  try {
    // An admin in the UI...
    await page.goto("/users?tab=groups");
    await page.getByRole("button", { name: "New group" }).click();
    const dialog = page.getByRole("dialog", { name: "New group" });
    await dialog.getByLabel("Name").fill(group);
    await dialog.getByRole("button", { name: "Create group" }).click();
    await expect(dialog).toBeHidden();

    // ...and an API token.
    await expectStatus(bot.request.post("/api/vpn-users", { data: { username: user, group, password: "first-password" } }), 201);
    await expectStatus(bot.request.patch(`/api/vpn-users/${user}`, { data: { username: renamed, enabled: false } }), 200);
    await expectStatus(bot.request.post("/api/servers", { data: { name: server, kind: "openvpn" } }), 201);
    await expectStatus(bot.request.post(`/api/servers/${server}/rotate-token`), 200);
    await expectStatus(bot.request.post(`/api/servers/${server}/revoke-token`), 200);
    await expectStatus(bot.request.delete(`/api/vpn-users/${renamed}`), 204);
    // Saving what is already there changes nothing, so it records nothing.
    await expectStatus(bot.request.patch(`/api/groups/${group}`, { data: { name: group, description: "" } }), 200);
    await expectStatus(bot.request.patch(`/api/servers/${server}`, { data: { name: server } }), 200);
  } finally {
    await bot.request.dispose();
  }

  await page.goto("/audit");
  await filter(page, "Target", tag);
  await expect(page).toHaveURL(new RegExp(`[?&]target=${tag}`));
  // One event per change, newest first.
  await expect(eventRows(page)).toHaveCount(7);
  await expect(eventRows(page).first()).toContainText("vpn_user.deleted");
  await expect(eventRows(page).last()).toContainText("group.created");

  const created = eventRow(page, "group.created", group);
  await expect(created.getByRole("cell").nth(1)).toHaveText("admin admin");
  await expect(created).toContainText(`name:${group}`);

  const userCreated = eventRow(page, "vpn_user.created", user);
  await expect(userCreated).toContainText(bot.name);
  await expect(userCreated).toContainText("API token");
  await expect(userCreated).toContainText(`group:${group}`);
  // The password is never in the trail, only that there is one.
  await expect(userCreated).toContainText("hasPassword:true");
  await expect(eventsTable(page)).not.toContainText("first-password");

  const updated = eventRow(page, "vpn_user.updated", renamed);
  await expect(updated).toContainText(bot.name);
  await expect(updated).toContainText(`username:${user} → ${renamed}`);
  await expect(updated).toContainText("enabled:true → false");
  // Only what changed is shown.
  await expect(updated).not.toContainText("group:");

  for (const action of ["server.registered", "server.token_rotated", "server.token_revoked"]) {
    await expect(eventRow(page, action, server)).toContainText(bot.name);
  }
  await expect(eventRow(page, "server.token_revoked", server)).toContainText("hasToken:true → false");
  await expect(eventRow(page, "vpn_user.deleted", renamed)).toContainText(`username:${renamed}`);
});

test("the Audit page filters by actor, action, target and time", async ({ page, api, playwright }) => {
  const tag = uniqueName("audf");
  const start = Date.now();
  const bot = await tokenActor(api, playwright);
  try {
    await expectStatus(bot.request.post("/api/groups", { data: { name: `${tag}-bot-grp` } }), 201);
    await expectStatus(bot.request.post("/api/vpn-users", { data: { username: `${tag}-bot-usr` } }), 201);
    await expectStatus(bot.request.patch(`/api/vpn-users/${tag}-bot-usr`, { data: { enabled: false } }), 200);
  } finally {
    await bot.request.dispose();
  }
  // The same kinds of change by another actor, so each filter has something to leave out.
  await expectStatus(api.post("/api/groups", { data: { name: `${tag}-other-grp` } }), 201);
  await expectStatus(api.post("/api/vpn-users", { data: { username: `${tag}-other-usr` } }), 201);

  await page.goto("/audit");
  await filter(page, "Target", tag);
  await expect(eventRows(page)).toHaveCount(5);

  await filter(page, "Actor", bot.name);
  await expect(eventRows(page)).toHaveCount(3);
  for (const row of await eventRows(page).all()) await expect(row).toContainText(bot.name);

  await filter(page, "Action", "vpn_user.");
  await expect(eventRows(page)).toHaveCount(2);
  await filter(page, "Action", "vpn_user.updated");
  await expect(eventRows(page)).toHaveCount(1);
  await expect(eventRow(page, "vpn_user.updated", `${tag}-bot-usr`)).toContainText("enabled:true → false");

  // The filters live in the URL: a reload shows the same selection.
  await page.reload();
  await expect(page.getByLabel("Actor", { exact: true })).toHaveValue(bot.name);
  await expect(eventRows(page)).toHaveCount(1);

  await page.getByRole("button", { name: "Clear filters" }).first().click();
  await expect(page.getByLabel("Target", { exact: true })).toHaveValue("");
  await expect(page).not.toHaveURL(/[?&](actor|action|target)=/);
  await filter(page, "Target", `${tag}-other`);
  await expect(eventRows(page)).toHaveCount(2);
  await filter(page, "Target", tag);
  await expect(eventRows(page)).toHaveCount(5);

  // Time: a window that starts after the changes is empty, one around them holds all of them,
  // and one that ends before them is empty.
  await filter(page, "From", minuteInput(Date.now() + 2 * MINUTE_MS));
  await expect(page.getByText("No events match these filters")).toBeVisible();
  await filter(page, "From", minuteInput(start - MINUTE_MS));
  await expect(eventRows(page)).toHaveCount(5);
  await filter(page, "To", minuteInput(start - 2 * MINUTE_MS));
  await expect(page.getByText("No events match these filters")).toBeVisible();
  await filter(page, "To", minuteInput(Date.now() + MINUTE_MS));
  await expect(eventRows(page)).toHaveCount(5);
});
