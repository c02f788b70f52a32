// GET /api/sessions: sessions by state (pending, active, dormant, expired, revoked, ended) with reasons.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { searchParams } from "@/lib/http/respond";
import { listSessions, sessionListSchema } from "@/lib/sessions/queries";

export const GET = withAdmin(async ({ request }) => listSessions(db, sessionListSchema.parse(searchParams(request))), {
  role: "viewer",
});
