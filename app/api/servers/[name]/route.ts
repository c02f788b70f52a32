// GET|PATCH|DELETE /api/servers/:name: one VPN server; PATCH renames it.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";
import { deleteServer, getServer, renameServer } from "@/lib/servers";

type Params = { name: string };

export const GET = withAdmin<Params>(async ({ params }) => ({ server: await getServer(db, params.name) }), {
  role: "viewer",
});

export const PATCH = withAdmin<Params>(
  async ({ request, actor, params }) => ({ server: await renameServer(db, actor, params.name, await readJson(request)) }),
  { role: "admin" },
);

export const DELETE = withAdmin<Params>(async ({ actor, params }) => deleteServer(db, actor, params.name), {
  role: "admin",
});
