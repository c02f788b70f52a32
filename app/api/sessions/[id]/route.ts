// GET /api/sessions/:id: one session with its state, reason, deadlines and counters.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { getSession } from "@/lib/sessions/queries";

export const GET = withAdmin<{ id: string }>(async ({ params }) => ({ session: await getSession(db, params.id) }), {
  role: "viewer",
});
