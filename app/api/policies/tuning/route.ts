// GET /api/policies/tuning?scope=default|group:NAME|user:NAME[&window=S][&threshold=B][&period=24h|7d]:
// bytes per inactivity window from recorded traffic, what-if counts and a suggested threshold.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { searchParams } from "@/lib/http/respond";
import { tuneInactivity, tuningQuerySchema } from "@/lib/live/tuning";

export const GET = withAdmin(async ({ request }) => tuneInactivity(db, tuningQuerySchema.parse(searchParams(request))), {
  role: "viewer",
});
