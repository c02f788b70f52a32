// Password guessing through the auth hook: failures slow the username down, then lock it out
// (the e2e server runs with LOCKOUT_USER_BACKOFF_AFTER=4, LOCKOUT_USER_LOCK_AFTER=5); Users &
// Groups → Lockouts shows it, and clearing it lets the right password in again.
import { expect, test, uniqueName } from "./fixtures";
import { callHook, registerHookServer } from "./hooks";

const LOCKED = "deny too many failed logins: try again later";

test("failed logins lock a user out; clearing the lockout in the UI lets the right password in", async ({ page, api }) => {
  const server = await registerHookServer(api);
  const username = uniqueName("guessed");
  const password = "right-password-123";
  expect((await api.post("/api/vpn-users", { data: { username, password } })).status()).toBe(201);
  const login = (pw: string) => callHook(api, server, "auth", { username, password: pw, client_ip: "203.0.113.50", client_port: "1194" });

  for (let i = 0; i < 4; i++) expect(await login(`wrong-${i}`)).toMatchObject({ status: 403, body: "deny unknown user or wrong password" });
  // Inside the backoff the right password is refused too, without being checked.
  expect(await login(password)).toMatchObject({ status: 403, body: LOCKED });
  await page.waitForTimeout(1200);
  expect(await login("wrong-again")).toMatchObject({ status: 403, body: "deny unknown user or wrong password" });
  expect(await login(password)).toMatchObject({ status: 403, body: LOCKED });
  // An unknown username locked out the same way gets the same answers.
  const nobody = uniqueName("nobody");
  const unknown = (pw: string) => callHook(api, server, "auth", { username: nobody, password: pw, client_ip: "203.0.113.51" });
  for (let i = 0; i < 4; i++) expect((await unknown(`wrong-${i}`)).body).toBe("deny unknown user or wrong password");
  expect((await unknown(password)).body).toBe(LOCKED);

  await page.goto("/users?tab=lockouts");
  const row = page.getByRole("row").filter({ hasText: username });
  await expect(row.getByText("Locked out")).toBeVisible();
  await expect(row.getByRole("cell", { name: "5", exact: true })).toBeVisible();
  // The unknown username is counted like a known one (its 1 s backoff may be over by now).
  await expect(page.getByRole("row").filter({ hasText: nobody }).getByRole("cell", { name: "4", exact: true })).toBeVisible();

  await row.getByRole("button", { name: `Clear user ${username}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Clear" }).click();
  await expect(page.getByText(`Failed logins of user ${username} cleared.`)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: username })).toHaveCount(0);

  expect(await login(password)).toMatchObject({ status: 200, body: "allow" });
  const audit = await api.get(`/api/audit?action=lockout.cleared&target=${encodeURIComponent(username)}`);
  expect((await audit.json()) as object).toMatchObject({ total: 1, events: [{ target: `user ${username}` }] });
});
