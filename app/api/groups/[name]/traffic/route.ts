// GET /api/groups/:name/traffic?range=1h|24h|7d: traffic over time for a group, for the charts.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { searchParams } from "@/lib/http/respond";
import { trafficHistory, trafficHistoryQuerySchema } from "@/lib/live/traffic-history";

export const GET = withAdmin<{ name: string }>(
  async ({ request, params }) =>
    trafficHistory(db, { group: params.name }, trafficHistoryQuerySchema.parse(searchParams(request)).range),
  { role: "viewer" },
);
