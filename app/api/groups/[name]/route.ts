// GET|PATCH|DELETE /api/groups/:name: one group; PATCH renames or edits its description.
import { db } from "@/lib/db";
import { deleteGroup, getGroup, updateGroup } from "@/lib/groups";
import { withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";

type Params = { name: string };

export const GET = withAdmin<Params>(async ({ params }) => ({ group: await getGroup(db, params.name) }), {
  role: "viewer",
});

export const PATCH = withAdmin<Params>(
  async ({ request, actor, params }) => ({ group: await updateGroup(db, actor, params.name, await readJson(request)) }),
  { role: "admin" },
);

export const DELETE = withAdmin<Params>(async ({ actor, params }) => deleteGroup(db, actor, params.name), {
  role: "admin",
});
