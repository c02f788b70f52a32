// PATCH|DELETE /api/admins/:username: change a console account's role or password, or delete it.
import { deleteAdmin, updateAdmin } from "@/lib/admins";
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";

type Params = { username: string };

export const PATCH = withAdmin<Params>(
  async ({ request, actor, params }) => ({
    admin: await updateAdmin(db, actor, params.username, await readJson(request)),
  }),
  { role: "admin" },
);

export const DELETE = withAdmin<Params>(async ({ actor, params }) => deleteAdmin(db, actor, params.username), {
  role: "admin",
});
