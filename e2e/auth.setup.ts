// Setup project: signs in as the first admin once and saves the session cookies, so that every
// spec's `page` starts signed in. It goes through next-auth's own endpoints rather than the
// login form, so a change to the form's markup cannot break every spec at once (the form itself
// is covered by smoke.spec.ts and auth.spec.ts).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test as setup } from "@playwright/test";
import { ADMIN_PASSWORD, ADMIN_STORAGE_STATE, ADMIN_USERNAME } from "../playwright.config";
import { signInThroughApi } from "./sign-in";

setup("sign in as admin", async ({ page }) => {
  await signInThroughApi(page.request, ADMIN_USERNAME, ADMIN_PASSWORD);

  // The cookie works: the API knows who we are.
  const me = await page.request.get("/api/me");
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ name: ADMIN_USERNAME, role: "admin" });

  mkdirSync(path.dirname(ADMIN_STORAGE_STATE), { recursive: true });
  await page.context().storageState({ path: ADMIN_STORAGE_STATE });
});
