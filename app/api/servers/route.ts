// GET /api/servers: registered VPN servers. POST /api/servers: register one; the answer holds its
// token, shown this once.
import { db } from "@/lib/db";
import { created, withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";
import { listServers, registerServer } from "@/lib/servers";

export const GET = withAdmin(async () => ({ servers: await listServers(db) }), { role: "viewer" });

export const POST = withAdmin(
  async ({ request, actor }) => created(await registerServer(db, actor, await readJson(request))),
  { role: "admin" },
);
