// GET /api/lockouts: usernames and client IPs slowed down or locked out after failed logins.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { listLockouts } from "@/lib/lockout";

export const GET = withAdmin(async () => ({ lockouts: await listLockouts(db) }), { role: "viewer" });
