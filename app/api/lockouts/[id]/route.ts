// DELETE /api/lockouts/:id: forget a username's or client IP's failed logins, ending its lockout.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { clearLockout } from "@/lib/lockout";

export const DELETE = withAdmin<{ id: string }>(
  async ({ actor, params }) => {
    await clearLockout(db, actor, params.id);
  },
  { role: "admin" },
);
