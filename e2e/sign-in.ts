// Signs a request context (or a page's, which shares the browser's cookies) in through
// next-auth's own endpoints, the way the login form does, without depending on the form's markup.
import { expect, type APIRequestContext } from "@playwright/test";

export async function signInThroughApi(request: APIRequestContext, username: string, password: string): Promise<void> {
  expect(await signInError(request, username, password), `signing in as ${username} was refused`).toBeNull();
}

/** next-auth's error for a sign-in attempt ("CredentialsSignin" for a wrong password), or null when it succeeded. */
export async function signInError(request: APIRequestContext, username: string, password: string): Promise<string | null> {
  const csrf = await request.get("/api/auth/csrf");
  expect(csrf.status()).toBe(200);
  const { csrfToken } = (await csrf.json()) as { csrfToken?: unknown };
  if (typeof csrfToken !== "string") throw new Error("next-auth did not hand out a CSRF token");

  const signIn = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, username, password, json: "true" },
  });
  // 200 when signed in, 401 when refused; the error is in the URL either way.
  expect([200, 401]).toContain(signIn.status());
  const { url } = (await signIn.json()) as { url?: unknown };
  return new URL(String(url)).searchParams.get("error");
}
