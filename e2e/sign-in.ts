// Signs a request context (or a page's, which shares the browser's cookies) in through
// next-auth's own endpoints, the way the login form does, without depending on the form's markup.
import { expect, type APIRequestContext } from "@playwright/test";

export async function signInThroughApi(request: APIRequestContext, username: string, password: string): Promise<void> {
  const csrf = await request.get("/api/auth/csrf");
  expect(csrf.status()).toBe(200);
  const { csrfToken } = (await csrf.json()) as { csrfToken?: unknown };
  if (typeof csrfToken !== "string") throw new Error("next-auth did not hand out a CSRF token");

  const signIn = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, username, password, json: "true" },
  });
  expect(signIn.status()).toBe(200);
  const { url } = (await signIn.json()) as { url?: unknown };
  expect(String(url), `signing in as ${username} was refused`).not.toContain("error=");
}
