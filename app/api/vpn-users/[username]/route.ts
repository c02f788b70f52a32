// GET|PATCH|DELETE /api/vpn-users/:username: PATCH renames, enables/disables, sets password or group.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";
import { deleteVpnUser, getVpnUser, updateVpnUser } from "@/lib/vpn-users";

type Params = { username: string };

export const GET = withAdmin<Params>(async ({ params }) => ({ user: await getVpnUser(db, params.username) }), {
  role: "viewer",
});

export const PATCH = withAdmin<Params>(
  async ({ request, actor, params }) => ({
    user: await updateVpnUser(db, actor, params.username, await readJson(request)),
  }),
  { role: "admin" },
);

export const DELETE = withAdmin<Params>(async ({ actor, params }) => deleteVpnUser(db, actor, params.username), {
  role: "admin",
});
