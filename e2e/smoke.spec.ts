// The console is up and the sign-in form works: a wrong password is refused, the right one
// opens the console.
import { ADMIN_PASSWORD, ADMIN_USERNAME } from "../playwright.config";
import { expect, test } from "./fixtures";

// This spec signs in itself, so it starts without the setup project's cookies.
test.use({ storageState: { cookies: [], origins: [] } });

test("signs in: a wrong password is refused, the right one shows the console", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN_USERNAME);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong username or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation").getByRole("link", { name: "Servers", exact: true })).toBeVisible();
  await expect(page).not.toHaveURL(/\/login/);
});

test("the api fixture calls the admin API with an admin token", async ({ api }) => {
  const me = await api.get("/api/me");
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ type: "api_token", role: "admin" });
});
