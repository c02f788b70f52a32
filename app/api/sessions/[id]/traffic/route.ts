// GET /api/sessions/:id/traffic?range=1h|24h|7d: traffic over time for a session, for the charts.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { searchParams } from "@/lib/http/respond";
import { trafficHistory, trafficHistoryQuerySchema } from "@/lib/live/traffic-history";

export const GET = withAdmin<{ id: string }>(
  async ({ request, params }) =>
    trafficHistory(db, { session: params.id }, trafficHistoryQuerySchema.parse(searchParams(request)).range),
  { role: "viewer" },
);
