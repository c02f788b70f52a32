// GET /api/admins: console accounts. POST /api/admins: create an admin or a viewer.
import { createAdmin, listAdmins } from "@/lib/admins";
import { db } from "@/lib/db";
import { created, withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";

export const GET = withAdmin(async () => ({ admins: await listAdmins(db) }), { role: "viewer" });

export const POST = withAdmin(
  async ({ request, actor }) => created({ admin: await createAdmin(db, actor, await readJson(request)) }),
  { role: "admin" },
);
