// GET /api/current-users: the tunnels up right now, one page at a time, with totals over the
// filtered set. Query: q, server, group, sort, order, page, pageSize.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { searchParams } from "@/lib/http/respond";
import { currentUsersQuerySchema, listCurrentUsers } from "@/lib/live/current-users";

export const GET = withAdmin(
  async ({ request }) => listCurrentUsers(db, currentUsersQuerySchema.parse(searchParams(request))),
  { role: "viewer" },
);
