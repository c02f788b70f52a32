// The guides in docs/ are reachable from the console and render as pages: the navigation leads to
// the index, a guide shows its sections, and links between guides stay inside the console.
import { expect, test } from "./fixtures";

test("the Docs area lists the guides and shows the admin API guide with working links", async ({ page }) => {
  await page.goto("/current-users");
  await page.getByRole("navigation").getByRole("link", { name: "Docs", exact: true }).click();
  await expect(page).toHaveURL(/\/docs$/);
  await expect(page.getByRole("heading", { level: 1, name: "Docs" })).toBeVisible();

  await page.getByRole("link", { name: "Admin API", exact: true }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  await expect(page.getByRole("heading", { level: 1, name: "Admin API" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Authentication" })).toBeVisible();
  await expect(page.locator("#errors-and-status-codes")).toBeVisible();
  // Tables with escaped bars show the bar, not the escape.
  await expect(page.getByRole("cell", { name: "seconds, 0 = no limit" })).toBeVisible();

  await page.locator(".markdown").getByRole("link", { name: "Policies", exact: true }).click();
  await expect(page).toHaveURL(/\/docs\/api#policies$/);
});

test("the API tokens card links to the admin API guide", async ({ page }) => {
  await page.goto("/settings");
  await page.getByRole("link", { name: "admin API guide" }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  await expect(page.getByRole("heading", { level: 2, name: "Authentication" })).toBeVisible();
});

test("an unknown guide is not found", async ({ page }) => {
  const response = await page.goto("/docs/secrets");
  expect(response?.status()).toBe(404);
});
