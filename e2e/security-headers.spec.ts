// Security headers: every page works under the Content-Security-Policy (no violation reported in
// Chromium), HSTS only over https, and every answer carries its request id.
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

const PAGES = ["/login", "/", "/current-users", "/sessions", "/users", "/users?tab=groups", "/users?tab=lockouts", "/policies", "/policies/default", "/servers", "/audit", "/settings", "/docs/openvpn", "/no-such-page"];

/** CSP violations as the page sees them, and the console errors Chromium writes for them. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Content-Security-Policy|Permissions-Policy/i.test(message.text())) seen.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return seen;
}

test("every page renders and hydrates under the Content-Security-Policy without a violation", async ({ page }) => {
  test.setTimeout(90_000);
  const violations = await watchViolations(page);
  for (const path of PAGES) {
    const response = await page.goto(path);
    const policy = response?.headers()["content-security-policy"] ?? "";
    expect(policy, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(policy, path).not.toContain("unsafe-eval");
    // Every script and request of the page has run, so any violation has been reported.
    await page.waitForLoadState("networkidle");
  }
  // Hydrated and interactive under the policy: a client component opens a dialog.
  await page.goto("/servers");
  await page.getByRole("button", { name: "Register server" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  expect(violations).toEqual([]);
});

test("a nonce is fresh for every request and scripts without it are refused", async ({ page }) => {
  const first = (await page.request.get("/login")).headers()["content-security-policy"];
  const second = (await page.request.get("/login")).headers()["content-security-policy"];
  expect(first).not.toBe(second);
  const violations = await watchViolations(page);
  await page.goto("/login");
  // Injected markup without the nonce does not run.
  const ran = await page.evaluate(async () => {
    const div = document.createElement("div");
    div.innerHTML = '<img src="x" onerror="window.injected = true">';
    document.body.append(div);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return (window as unknown as { injected?: boolean }).injected === true;
  });
  expect(ran).toBe(false);
  expect(violations.length).toBeGreaterThan(0);
});

test("Strict-Transport-Security only over https; Permissions-Policy and request ids always", async ({ request }) => {
  const plain = await request.get("/login");
  expect(plain.headers()["strict-transport-security"]).toBeUndefined();
  expect(plain.headers()["permissions-policy"]).toContain("camera=()");
  expect(plain.headers()["x-frame-options"]).toBe("DENY");
  const https = await request.get("/login", { headers: { "X-Forwarded-Proto": "https" } });
  expect(https.headers()["strict-transport-security"]).toMatch(/^max-age=\d+/);

  const given = await request.get("/api/me", { headers: { "X-Request-Id": "lb-trace-0123456789" } });
  expect(given.headers()["x-request-id"]).toBe("lb-trace-0123456789");
  const forged = await request.get("/api/me", { headers: { "X-Request-Id": "bad id\"with quotes" } });
  expect(forged.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  const hook = await request.post("/api/hooks/v1/auth", { headers: { "X-Request-Id": "lb-trace-hook-42" } });
  expect(hook.status()).toBe(401);
  expect(hook.headers()["x-request-id"]).toBe("lb-trace-hook-42");
});
