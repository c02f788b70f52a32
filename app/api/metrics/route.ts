// GET /api/metrics: Prometheus text format. Scrape it with an admin API token (viewer is enough).
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { renderMetrics } from "@/lib/metrics";

export const GET = withAdmin(
  async () => {
    const { contentType, body } = await renderMetrics(db);
    return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
  },
  { role: "viewer" },
);
