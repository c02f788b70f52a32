// Policies in the browser: a group override that a member inherits with its source shown, cleared
// back; a warning for a bad combination that does not block the save; a revert from the audit
// entry; an Access Server import previewed before it is applied. DEFAULT is left alone, so specs
// running beside this one keep the policy they expect.
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";

async function groupWithMember(api: APIRequestContext) {
  const group = uniqueName("contractors");
  const username = uniqueName("alice");
  expect((await api.post("/api/groups", { data: { name: group } })).status()).toBe(201);
  expect((await api.post("/api/vpn-users", { data: { username, group } })).status()).toBe(201);
  return { group, username };
}

/** One field of the scope editor: its label, value, source and Override / Clear. */
const fieldRow = (page: Page, label: string): Locator => page.getByRole("group", { name: label, exact: true });

async function save(page: Page, message: RegExp) {
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(message)).toBeVisible();
  await expect(page.getByText("No unsaved changes")).toBeVisible();
}

test("a group override is inherited by its member with the source shown, then cleared back", async ({ page, api }) => {
  const { group, username } = await groupWithMember(api);

  await page.goto(`/policies/groups/${group}`);
  await expect(page.getByRole("heading", { name: `Group ${group}` })).toBeVisible();
  const idle = fieldRow(page, "Idle token expiry");
  await expect(idle).toContainText(/from DEFAULT|built-in default/);
  await idle.getByRole("button", { name: "Override" }).click();
  const input = idle.getByRole("textbox", { name: "Idle token expiry" });
  await expect(input).toBeFocused();
  await input.fill("15min");
  await input.blur();
  // Typed in any spelling, shown back in the console's units.
  await expect(input).toHaveValue("15 min");
  await save(page, new RegExp(`Policy of group ${group} saved`));
  await expect(idle).toContainText("set here");

  // The overview marks the override; a click on the row opens the scope.
  await page.goto("/policies");
  const row = page.getByRole("row", { name: new RegExp(group) });
  await expect(row.getByRole("cell", { name: "15 min" })).toBeVisible();
  await row.getByRole("cell", { name: "15 min" }).click();
  await expect(page).toHaveURL(new RegExp(`/policies/groups/${group}$`));

  await page.goto(`/policies/users/${username}`);
  const inherited = fieldRow(page, "Idle token expiry");
  await expect(inherited).toContainText("15 min");
  await expect(inherited).toContainText(`from group ${group}`);
  await expect(page.getByRole("region", { name: `What this means for ${username}'s sessions` })).toContainText(
    "15 min",
  );

  await page.goto(`/policies/groups/${group}`);
  await fieldRow(page, "Idle token expiry").getByRole("button", { name: "Clear" }).click();
  await save(page, new RegExp(`Policy of group ${group} saved`));
  await expect(fieldRow(page, "Idle token expiry")).toContainText(/from DEFAULT|built-in default/);

  await page.goto(`/policies/users/${username}`);
  await expect(fieldRow(page, "Idle token expiry")).not.toContainText(`from group ${group}`);
  const effective = await api.get(`/api/vpn-users/${username}/effective-policy`);
  expect((await effective.json()).fields.idleTokenExpiry.source.scope).not.toBe("group");
});

test("warns about a bad combination without blocking the save, and reverts it from its audit entry", async ({
  page,
  api,
}) => {
  const { group } = await groupWithMember(api);
  await page.goto(`/policies/groups/${group}`);
  const lifetime = fieldRow(page, "Session lifetime");
  await lifetime.getByRole("button", { name: "Override" }).click();
  await lifetime.getByRole("textbox", { name: "Session lifetime" }).fill("1 min");

  // The warning shows while typing, before anything is saved.
  const warnings = page.getByRole("status", { name: "Policy warnings" });
  await expect(warnings).toContainText("not longer than the idle token expiry");
  await expect(warnings).toContainText("not saved yet");

  // A field error blocks the save; the warning never does.
  await lifetime.getByRole("textbox", { name: "Session lifetime" }).fill("-5 min");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(lifetime.getByRole("textbox", { name: "Session lifetime" })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Fix the fields marked in red")).toBeVisible();
  expect((await (await api.get(`/api/policies/groups/${group}`)).json()).overrides).toEqual({});

  await lifetime.getByRole("textbox", { name: "Session lifetime" }).fill("1 min");
  await save(page, new RegExp(`Policy of group ${group} saved`));
  await expect(warnings).toContainText("not longer than the idle token expiry");
  await expect(warnings).toContainText("for the saved policy");
  expect((await (await api.get(`/api/policies/groups/${group}`)).json()).overrides).toEqual({ sessionLifetime: 60 });

  const history = page.getByRole("table", { name: `History of group ${group}` });
  const change = history.getByRole("row").filter({ hasText: "Session lifetime" });
  await expect(change).toContainText("inherit");
  await expect(change).toContainText("1 min");
  await change.getByRole("button", { name: "Revert" }).click();
  const dialog = page.getByRole("dialog", { name: "Revert this change?" });
  await expect(dialog).toContainText("Every field will inherit.");
  await dialog.getByRole("button", { name: "Revert" }).click();
  await expect(page.getByText(`Policy of group ${group} reverted.`)).toBeVisible();
  await expect(fieldRow(page, "Session lifetime")).toContainText(/from DEFAULT|built-in default/);
  await expect(warnings).not.toContainText("not longer than the idle token expiry");
  await expect(history.getByRole("row").filter({ hasText: "Reverted" })).toBeVisible();
  expect((await (await api.get(`/api/policies/groups/${group}`)).json()).overrides).toEqual({});
});

test("imports an Access Server snippet: a preview first, then applied", async ({ page, api }) => {
  const group = uniqueName("as-group");
  const snippet = [
    `sacli --user ${group} --key group_declare --value true UserPropPut`,
    `sacli --user ${group} --key prop_isec --value 900 UserPropPut`,
    `sacli --user ${group} --key prop_ibytes --value 100000 UserPropPut`,
    `sacli --user ${group} --key prop_deny --value true UserPropPut`,
  ].join("\n");

  await page.goto("/policies");
  await page.getByRole("link", { name: "Import" }).click();
  await expect(page.getByRole("heading", { name: "Import policies" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Apply import" })).toBeDisabled();
  await page.getByRole("textbox", { name: "Pasted settings" }).fill(snippet);
  await page.getByRole("button", { name: "Preview" }).click();

  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview).toContainText("Read as OpenVPN Access Server");
  const changes = preview.getByRole("region", { name: `Changes to group ${group}` });
  await expect(changes).toContainText("new group: created on apply");
  await expect(changes).toContainText(/Inactivity window:\s*inherit\s*→\s*15 min/);
  await expect(changes).toContainText(/Inactivity bytes:\s*inherit\s*→/);
  // The property with no equivalent is listed, not dropped.
  await expect(preview.getByRole("region", { name: /Not imported/ })).toContainText("prop_deny");
  // Nothing is saved by a preview.
  expect((await api.get(`/api/policies/groups/${group}`)).status()).toBe(404);

  await page.getByRole("button", { name: "Apply import" }).click();
  await expect(page.getByText("Import applied")).toBeVisible();
  await page.getByRole("link", { name: `group ${group}` }).click();
  await expect(page).toHaveURL(new RegExp(`/policies/groups/${group}$`));
  await expect(fieldRow(page, "Inactivity window")).toContainText("set here");
  await expect(fieldRow(page, "Inactivity window").getByRole("textbox")).toHaveValue("15 min");
  const stored = await (await api.get(`/api/policies/groups/${group}`)).json();
  expect(stored.overrides).toEqual({ inactivityWindow: 900, inactivityBytes: 100_000 });
});

test("exports every policy as JSON, and the import reads that file back", async ({ page, api }) => {
  const { group } = await groupWithMember(api);
  expect((await api.put(`/api/policies/groups/${group}`, { data: { maxSessions: 2 } })).status()).toBe(200);

  await page.goto("/policies");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export JSON" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^session-console-policies-\d{4}-\d{2}-\d{2}\.json$/);

  await page.goto("/policies/import");
  await page.locator('input[type="file"]').setInputFiles(await download.path());
  await expect(page.getByRole("textbox", { name: "Pasted settings" })).toHaveValue(new RegExp(group));
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("region", { name: "Preview" });
  await expect(preview).toContainText("Read as Session Console export");
  // Already saved, so importing it back changes nothing.
  await expect(preview.getByRole("region", { name: `Changes to group ${group}` })).toContainText("No change");
});
