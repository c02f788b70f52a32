// Admin sign-in and sign-out through the sign-in form, from a browser with no stored session:
// the right password opens the console, a wrong one is refused with a clear message, repeated
// failures lock the account out until an admin clears it, and after signing out neither the pages
// nor the admin API answer that browser any more.
import type { Page } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_STORAGE_STATE, ADMIN_USERNAME, BASE_URL } from "../playwright.config";
import { SIGN_IN_LOCKED_OUT } from "../lib/sign-in-errors";
import { expect, test, uniqueName } from "./fixtures";
import { signInError } from "./sign-in";

test.use({ storageState: { cookies: [], origins: [] } });

async function submitSignIn(page: Page, username: string, password: string) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The shell's account area names who is signed in. */
const signedInName = (page: Page) => page.getByTestId("signed-in-name");

test("a protected page sends a signed-out browser to sign in, and signing in returns to that page", async ({ page }) => {
  await page.goto("/users?tab=groups");
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();

  await submitSignIn(page, ADMIN_USERNAME, ADMIN_PASSWORD);
  await expect(signedInName(page)).toHaveText(ADMIN_USERNAME);
  await expect(page).toHaveURL(/\/users\?tab=groups$/);
  await expect(page.getByRole("tab", { name: "Groups" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Users & Groups" })).toHaveAttribute(
    "aria-current",
    "page",
  );

  const me = await page.request.get("/api/me");
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ name: ADMIN_USERNAME, role: "admin" });
});

for (const [what, username, password] of [
  ["a wrong password", ADMIN_USERNAME, "not-the-password"],
  ["an unknown username", "nobody-by-this-name", ADMIN_PASSWORD],
] as const) {
  test(`${what} shows a clear message and stays signed out`, async ({ page }) => {
    await page.goto("/login");
    await submitSignIn(page, username, password);

    await expect(page.getByRole("alert").filter({ hasText: "Wrong username or password." })).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
    // The form is ready for another try, with the username kept.
    await expect(page.getByLabel("Username")).toHaveValue(username);
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();

    expect((await page.request.get("/api/me")).status()).toBe(401);
    await page.goto("/servers");
    await expect(page).toHaveURL(/\/login/);
  });
}

test("failed sign-ins lock a console account out; clearing the lockout in the UI lets the right password in", async ({ page, api, browser }) => {
  // The e2e server slows a name down after 4 failures and locks it out at 5.
  const account = uniqueName("guessed-admin");
  const password = "right-password-123";
  expect((await api.post("/api/admins", { data: { username: account, password, role: "admin" } })).status()).toBe(201);
  for (let i = 0; i < 4; i++) expect(await signInError(page.request, account, `wrong-${i}`)).toBe("CredentialsSignin");
  expect(await signInError(page.request, account, password)).toBe(SIGN_IN_LOCKED_OUT);
  await page.waitForTimeout(1200);
  expect(await signInError(page.request, account, "wrong-again")).toBe("CredentialsSignin");

  await page.goto("/login");
  await submitSignIn(page, account, password);
  await expect(page.getByRole("alert").filter({ hasText: "Too many failed sign-ins. Try again later." })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  const admin = await browser.newContext({ storageState: ADMIN_STORAGE_STATE });
  try {
    const adminPage = await admin.newPage();
    await adminPage.goto("/users?tab=lockouts");
    const row = adminPage.getByRole("row").filter({ hasText: account });
    await expect(row.getByText("Locked out")).toBeVisible();
    await expect(row.getByText("console account")).toBeVisible();
    // The browser's address is counted too, as the console's server saw it.
    await expect(adminPage.getByRole("row").filter({ hasText: "address signing in to the console" })).toContainText("127.0.0.1");
    await row.getByRole("button", { name: `Clear console account ${account}` }).click();
    await adminPage.getByRole("dialog").getByRole("button", { name: "Clear" }).click();
    await expect(adminPage.getByText(`Failed logins of console account ${account} cleared.`)).toBeVisible();
  } finally {
    await admin.close();
  }

  await submitSignIn(page, account, password);
  await expect(signedInName(page)).toHaveText(account);
});

test("signing out returns to the sign-in page and the console then refuses the browser", async ({ page }) => {
  await page.goto("/login");
  await submitSignIn(page, ADMIN_USERNAME, ADMIN_PASSWORD);
  await expect(signedInName(page)).toHaveText(ADMIN_USERNAME);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();

  for (const path of ["/users", "/servers", "/audit", "/settings"]) {
    await page.goto(path);
    await expect(page, `${path} after sign-out`).toHaveURL(/\/login/);
  }

  expect((await page.request.get("/api/me")).status()).toBe(401);
  expect((await page.request.get("/api/vpn-users")).status()).toBe(401);
  const change = await page.request.post("/api/groups", {
    data: { name: "never-created-after-sign-out" },
    headers: { Origin: BASE_URL },
  });
  expect(change.status()).toBe(401);
});
