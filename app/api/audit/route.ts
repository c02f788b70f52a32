// GET /api/audit: audit events, newest first, filtered by actor, action, target and time.
import { auditQuerySchema, listAuditEvents } from "@/lib/audit";
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { searchParams } from "@/lib/http/respond";

export const GET = withAdmin(
  async ({ request }) => listAuditEvents(db, auditQuerySchema.parse(searchParams(request))),
  { role: "viewer" },
);
