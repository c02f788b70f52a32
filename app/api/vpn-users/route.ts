// GET /api/vpn-users: search, filter, sort and page VPN users. POST /api/vpn-users: create one.
import { db } from "@/lib/db";
import { created, withAdmin } from "@/lib/http/admin-route";
import { readJson, searchParams } from "@/lib/http/respond";
import { createVpnUser, listVpnUsers, vpnUserListSchema } from "@/lib/vpn-users";

export const GET = withAdmin(
  async ({ request }) => listVpnUsers(db, vpnUserListSchema.parse(searchParams(request))),
  { role: "viewer" },
);

export const POST = withAdmin(
  async ({ request, actor }) => created({ user: await createVpnUser(db, actor, await readJson(request)) }),
  { role: "admin" },
);
