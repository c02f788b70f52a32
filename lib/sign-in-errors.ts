// What a refused console sign-in tells the sign-in form, beside next-auth's own
// "CredentialsSignin" for a wrong username or password. Shared with the browser, so nothing
// server-only is imported here.

/** The username or the browser's address is in a backoff or locked out (lib/lockout.ts). */
export const SIGN_IN_LOCKED_OUT = "TooManyFailedSignIns";
