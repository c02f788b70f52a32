// Who is doing something: a signed-in admin, an admin API token, the CLI or the console itself.
export type Role = "admin" | "viewer";

export const ROLES: readonly Role[] = ["admin", "viewer"];

export type Actor =
  | { type: "admin"; id: string; name: string; role: Role }
  | { type: "api_token"; id: string; name: string; role: Role }
  | { type: "cli"; name: string; role: "admin" }
  | { type: "system"; name: string; role: "admin" };

export const cliActor = (): Actor => ({
  type: "cli",
  name: process.env.SUDO_USER || process.env.USER || "cli",
  role: "admin",
});

export const systemActor: Actor = { type: "system", name: "console", role: "admin" };

export function canChange(actor: Actor): boolean {
  return actor.role === "admin";
}
