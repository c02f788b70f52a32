// Users & Groups through the UI: an admin creates a group and a user in it, sets the user's
// password, renames, disables and deletes them (with confirmation), and finds users among many by
// search and paging. Every step is checked on screen and then through the admin API.
import type { APIRequestContext, Page } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";

const usersTable = (page: Page) => page.getByRole("table", { name: "VPN users" });
const userRow = (page: Page, username: string) =>
  usersTable(page).getByRole("row").filter({ has: page.getByText(username, { exact: true }) });

async function readUser(api: APIRequestContext, username: string) {
  const response = await api.get(`/api/vpn-users/${username}`);
  return { status: response.status(), user: response.ok() ? ((await response.json()) as { user: Record<string, unknown> }).user : null };
}

/** Narrows the list to one user, so the row is on the first page whatever else exists. */
async function searchUsers(page: Page, text: string) {
  await page.getByRole("searchbox", { name: "Search" }).fill(text);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${text}`));
}

test("create a group and a user in it, set the password, rename, disable and delete the user", async ({ page, api }) => {
  const group = uniqueName("staff");
  const username = uniqueName("alice");
  const renamed = uniqueName("alice-renamed");

  await page.goto("/users?tab=groups");
  await page.getByRole("button", { name: "New group" }).click();
  const groupDialog = page.getByRole("dialog", { name: "New group" });
  await groupDialog.getByLabel("Name").fill(group);
  await groupDialog.getByLabel("Description").fill("Permanent staff");
  await groupDialog.getByRole("button", { name: "Create group" }).click();
  await expect(groupDialog).toBeHidden();
  await expect(page.getByRole("status").getByText(`Group ${group} created.`)).toBeVisible();
  await expect(page.getByRole("table", { name: "Groups" }).getByRole("row").filter({ hasText: group })).toContainText("Permanent staff");
  expect((await (await api.get(`/api/groups/${group}`)).json()).group).toMatchObject({ name: group, description: "Permanent staff", userCount: 0 });

  // A user without a password first, so that setting one is visible.
  await page.getByRole("tab", { name: "Users" }).click();
  await page.getByRole("button", { name: "New user" }).click();
  const userDialog = page.getByRole("dialog", { name: "New user" });
  await userDialog.getByLabel("Username").fill(username);
  await userDialog.getByLabel("Group").selectOption(group);
  await expect(userDialog.getByLabel("Enabled")).toBeChecked();
  await userDialog.getByRole("button", { name: "Create user" }).click();
  await expect(userDialog).toBeHidden();
  await searchUsers(page, username);
  const row = userRow(page, username);
  await expect(row).toContainText(group);
  await expect(row).toContainText("Enabled");
  await expect(row).toContainText("no password");
  expect((await readUser(api, username)).user).toMatchObject({ username, group, enabled: true, hasPassword: false });

  await row.getByRole("button", { name: "Set password" }).click();
  const passwordDialog = page.getByRole("dialog", { name: `Set password for ${username}` });
  await passwordDialog.getByLabel("New password").fill("short");
  await passwordDialog.getByRole("button", { name: "Save" }).click();
  // Too short: the field says why and nothing is saved.
  await expect(passwordDialog.getByLabel("New password")).toHaveAttribute("aria-invalid", "true");
  await expect(passwordDialog.getByText("password must be at least 8 characters")).toBeVisible();
  expect((await readUser(api, username)).user).toMatchObject({ hasPassword: false });
  await passwordDialog.getByLabel("New password").fill("correct-horse-battery");
  await passwordDialog.getByRole("button", { name: "Save" }).click();
  await expect(passwordDialog).toBeHidden();
  await expect(row.getByText("no password")).toBeHidden();
  expect((await readUser(api, username)).user).toMatchObject({ hasPassword: true });

  await row.getByRole("button", { name: "Edit" }).click();
  const editDialog = page.getByRole("dialog", { name: `Edit user ${username}` });
  await editDialog.getByLabel("Username").fill(renamed);
  await editDialog.getByRole("button", { name: "Save" }).click();
  await expect(editDialog).toBeHidden();
  await searchUsers(page, renamed);
  await expect(userRow(page, renamed)).toContainText(group);
  expect((await readUser(api, username)).status).toBe(404);
  expect((await readUser(api, renamed)).user).toMatchObject({ username: renamed, group, enabled: true, hasPassword: true });

  const renamedRow = userRow(page, renamed);
  await renamedRow.getByRole("button", { name: "Disable" }).click();
  await expect(renamedRow).toContainText("Disabled");
  await expect(renamedRow.getByRole("button", { name: "Enable" })).toBeVisible();
  expect((await readUser(api, renamed)).user).toMatchObject({ enabled: false });

  // Cancelling the confirmation keeps the user; confirming deletes them.
  await renamedRow.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: `Delete user ${renamed}?` });
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  expect((await readUser(api, renamed)).status).toBe(200);

  await renamedRow.getByRole("button", { name: "Delete" }).click();
  await confirm.getByRole("button", { name: "Confirm" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText("No users match these filters")).toBeVisible();
  expect((await readUser(api, renamed)).status).toBe(404);
});

test("rename a group, then delete it with confirmation: its users stay, without a group", async ({ page, api }) => {
  const group = uniqueName("team");
  const renamed = uniqueName("team-renamed");
  const member = uniqueName("member");
  const other = uniqueName("other-team");
  for (const name of [group, other]) expect((await api.post("/api/groups", { data: { name } })).status()).toBe(201);
  expect((await api.post("/api/vpn-users", { data: { username: member, group } })).status()).toBe(201);

  await page.goto("/users?tab=groups");
  const groups = page.getByRole("table", { name: "Groups" });
  await groups.getByRole("row").filter({ hasText: group }).getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: `Edit group ${group}` });
  await edit.getByLabel("Name").fill(renamed);
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  const row = groups.getByRole("row").filter({ hasText: renamed });
  await expect(row.getByRole("cell").nth(2)).toHaveText("1");
  expect((await api.get(`/api/groups/${group}`)).status()).toBe(404);
  expect((await readUser(api, member)).user).toMatchObject({ group: renamed });

  await row.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: `Delete group ${renamed}?` });
  await expect(confirm).toContainText("1 user will have no group.");
  await confirm.getByRole("button", { name: "Confirm" }).click();
  await expect(confirm).toBeHidden();
  await expect(groups.getByRole("row").filter({ hasText: renamed })).toHaveCount(0);
  expect((await api.get(`/api/groups/${renamed}`)).status()).toBe(404);
  expect((await readUser(api, member)).user).toMatchObject({ username: member, group: null });

  // The user's group can be set again from the user's Edit dialog.
  await page.getByRole("tab", { name: "Users" }).click();
  await searchUsers(page, member);
  await userRow(page, member).getByRole("button", { name: "Edit" }).click();
  const userEdit = page.getByRole("dialog", { name: `Edit user ${member}` });
  await userEdit.getByLabel("Group").selectOption(other);
  await userEdit.getByRole("button", { name: "Save" }).click();
  await expect(userEdit).toBeHidden();
  await expect(userRow(page, member)).toContainText(other);
  expect((await readUser(api, member)).user).toMatchObject({ group: other });
});

test("a duplicate group name is refused inline and nothing is created", async ({ page, api }) => {
  const group = uniqueName("dup");
  expect((await api.post("/api/groups", { data: { name: group } })).status()).toBe(201);

  await page.goto("/users?tab=groups");
  await page.getByRole("button", { name: "New group" }).click();
  const dialog = page.getByRole("dialog", { name: "New group" });
  await dialog.getByLabel("Name").fill(group);
  await dialog.getByRole("button", { name: "Create group" }).click();
  await expect(dialog.getByText(/already exists/i)).toBeVisible();
  await expect(dialog).toBeVisible();
  const { groups } = (await (await api.get("/api/groups")).json()) as { groups: { name: string }[] };
  expect(groups.filter((item) => item.name === group)).toHaveLength(1);
});

test("search and paging find users among many", async ({ page, api }) => {
  const prefix = uniqueName("bulk");
  const count = 60;
  const names = Array.from({ length: count }, (_, index) => `${prefix}-u${String(index).padStart(3, "0")}`);
  for (let start = 0; start < count; start += 20) {
    const batch = names.slice(start, start + 20).map((username) => api.post("/api/vpn-users", { data: { username } }));
    for (const response of await Promise.all(batch)) expect(response.status()).toBe(201);
  }

  await page.goto("/users");
  await searchUsers(page, prefix);
  const pagination = page.getByRole("navigation", { name: "Pagination" });
  await expect(pagination).toContainText(`1–50 of ${count} users`);
  await expect(usersTable(page).getByRole("row")).toHaveCount(51);
  await expect(userRow(page, names[0] ?? "")).toBeVisible();
  await expect(pagination.getByRole("button", { name: "Previous page" })).toBeDisabled();

  await pagination.getByRole("button", { name: "Next page" }).click();
  await expect(pagination).toContainText(`51–60 of ${count} users`);
  await expect(pagination).toContainText("Page 2 of 2");
  await expect(usersTable(page).getByRole("row")).toHaveCount(11);
  await expect(userRow(page, names[59] ?? "")).toBeVisible();
  await expect(userRow(page, names[0] ?? "")).toBeHidden();
  await expect(pagination.getByRole("button", { name: "Next page" })).toBeDisabled();

  await pagination.getByLabel("Rows per page").selectOption("25");
  await expect(pagination).toContainText(`1–25 of ${count} users`);
  await expect(pagination).toContainText("Page 1 of 3");

  // Sorted by username, ascending, until the header is clicked; descending puts the last one first.
  const usernameHeader = usersTable(page).getByRole("columnheader", { name: "Username" });
  await expect(usernameHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(usersTable(page).getByRole("row").nth(1)).toContainText(names[0] ?? "");
  await usernameHeader.getByRole("button").click();
  await expect(usernameHeader).toHaveAttribute("aria-sort", "descending");
  await expect(usersTable(page).getByRole("row").nth(1)).toContainText(names[59] ?? "");

  // A narrower search goes back to page 1 and finds exactly the ten users u050..u059.
  await searchUsers(page, `${prefix}-u05`);
  await expect(pagination).toContainText("1–10 of 10 users");
  await expect(usersTable(page).getByRole("row")).toHaveCount(11);
});

/** Keyboard focus must be seen: an outline of some width in a visible style. */
async function expectVisibleFocus(page: Page) {
  const outline = await page.evaluate(() => {
    const focused = document.activeElement;
    if (!focused) return null;
    const style = getComputedStyle(focused);
    return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
  });
  expect(outline?.style).not.toBe("none");
  expect(outline?.width).toBeGreaterThan(0);
}

test("a group can be created with the keyboard alone, with focus visible and returned", async ({ page, api }) => {
  const group = uniqueName("keys");
  await page.goto("/users");

  // The skip link is the first stop and leads into the page.
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();

  // Into the tabs; arrows switch between Users and Groups.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("tab", { name: "Users" })).toBeFocused();
  await expectVisibleFocus(page);
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: "Groups" })).toBeFocused();
  await expect(page.getByRole("tab", { name: "Groups" })).toHaveAttribute("aria-selected", "true");

  const newGroup = page.getByRole("button", { name: "New group" });
  await page.keyboard.press("Tab");
  await expect(newGroup).toBeFocused();
  await expectVisibleFocus(page);

  // Escape closes a dialog and gives focus back to what opened it.
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "New group" });
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(newGroup).toBeFocused();

  // Enter in the form submits it.
  await page.keyboard.press("Enter");
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await page.keyboard.type(group);
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(newGroup).toBeFocused();
  await expect(page.getByRole("table", { name: "Groups" }).getByRole("row").filter({ hasText: group })).toBeVisible();
  expect((await api.get(`/api/groups/${group}`)).status()).toBe(200);
});

test.describe("on a narrow window", () => {
  test.use({ viewport: { width: 390, height: 800 } });

  test("the navigation folds into a menu, and the top bar stays compact on a short page", async ({ page }) => {
    await page.goto("/servers");
    await expect(page.getByRole("heading", { name: "Servers", level: 1 })).toBeVisible();
    const topBar = page.getByRole("complementary");
    // The page is shorter than the window: the top bar must not grow to fill it.
    const height = (await topBar.boundingBox())?.height ?? 0;
    expect(height).toBeLessThan(80);

    const menu = page.getByRole("button", { name: "Menu" });
    const nav = page.getByRole("navigation", { name: "Console" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(nav).toBeHidden();
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await nav.getByRole("link", { name: "Users & Groups" }).click();
    await expect(page).toHaveURL(/\/users$/);
    await expect(nav).toBeHidden();
    await expect(menu).toHaveAttribute("aria-expanded", "false");
  });
});
