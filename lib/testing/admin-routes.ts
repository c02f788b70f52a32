// The admin API routes under app/api (next-auth's own route aside), each method with the least
// role allowed to call it, and their handlers loaded from the real route modules: the table the
// role tests and the fuzz test share.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { Role } from "../actor";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Route (under app/api) → method → the least role allowed to call it. */
export const ROLE_RULES: Record<string, Partial<Record<Method, Role>>> = {
  admins: { GET: "viewer", POST: "admin" },
  "admins/[username]": { PATCH: "admin", DELETE: "admin" },
  audit: { GET: "viewer" },
  "current-users": { GET: "viewer" },
  "audit/[id]/revert": { POST: "admin" },
  groups: { GET: "viewer", POST: "admin" },
  "groups/[name]": { GET: "viewer", PATCH: "admin", DELETE: "admin" },
  // The session actions are admin-only even as a preview (dryRun): viewers get no actions.
  "groups/[name]/disconnect": { POST: "admin" },
  "groups/[name]/invalidate": { POST: "admin" },
  "groups/[name]/traffic": { GET: "viewer" },
  lockouts: { GET: "viewer" },
  "lockouts/[id]": { DELETE: "admin" },
  me: { GET: "viewer" },
  metrics: { GET: "viewer" },
  policies: { GET: "viewer" },
  "policies/default": { GET: "viewer", PUT: "admin" },
  "policies/export": { GET: "viewer" },
  "policies/groups/[name]": { GET: "viewer", PUT: "admin", DELETE: "admin" },
  "policies/import": { POST: "admin" },
  // A preview computes what an import would do and saves nothing.
  "policies/import/preview": { POST: "viewer" },
  "policies/tuning": { GET: "viewer" },
  "policies/users/[username]": { GET: "viewer", PUT: "admin", DELETE: "admin" },
  servers: { GET: "viewer", POST: "admin" },
  "servers/[name]": { GET: "viewer", PATCH: "admin", DELETE: "admin" },
  "servers/[name]/revoke-token": { POST: "admin" },
  "servers/[name]/rotate-token": { POST: "admin" },
  sessions: { GET: "viewer" },
  "sessions/[id]": { GET: "viewer" },
  "sessions/[id]/disconnect": { POST: "admin" },
  "sessions/[id]/invalidate": { POST: "admin" },
  "sessions/disconnect": { POST: "admin" },
  "sessions/invalidate": { POST: "admin" },
  "sessions/[id]/traffic": { GET: "viewer" },
  tokens: { GET: "viewer", POST: "admin" },
  "tokens/[name]": { DELETE: "admin" },
  "vpn-users": { GET: "viewer", POST: "admin" },
  "vpn-users/[username]": { GET: "viewer", PATCH: "admin", DELETE: "admin" },
  "vpn-users/[username]/disconnect": { POST: "admin" },
  "vpn-users/[username]/effective-policy": { GET: "viewer" },
  "vpn-users/[username]/invalidate": { POST: "admin" },
  "vpn-users/[username]/traffic": { GET: "viewer" },
};

export const API_DIR = path.resolve(import.meta.dirname, "../../app/api");
export const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
export type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Route files under app/api, as table keys; next-auth's own route is not an admin route. */
export function discoverRoutes(dir = API_DIR, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory()) return entry.name === "route.ts" && prefix ? [prefix] : [];
    if (entry.name === "auth") return [];
    return discoverRoutes(path.join(dir, entry.name), prefix ? `${prefix}/${entry.name}` : entry.name);
  });
}

export async function handlersOf(route: string): Promise<Partial<Record<Method, RouteHandler>>> {
  const routeModule = (await import(path.join(API_DIR, route, "route.ts"))) as Record<string, unknown>;
  return Object.fromEntries(METHODS.filter((m) => typeof routeModule[m] === "function").map((m) => [m, routeModule[m]]));
}

/** Every route and method of the table with its role rule. */
export const ROUTE_CASES = Object.entries(ROLE_RULES).flatMap(([route, rules]) =>
  METHODS.filter((m) => rules[m]).map((method) => ({ route, method, role: rules[method] as Role })),
);
