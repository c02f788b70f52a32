// GET /api/groups: every group with its member count. POST /api/groups: create a group.
import { db } from "@/lib/db";
import { createGroup, listGroups } from "@/lib/groups";
import { created, withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";

export const GET = withAdmin(async () => ({ groups: await listGroups(db) }), { role: "viewer" });

export const POST = withAdmin(
  async ({ request, actor }) => created({ group: await createGroup(db, actor, await readJson(request)) }),
  { role: "admin" },
);
