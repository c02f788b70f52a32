// GET /api/me: who is calling and with which role.
import { withAdmin } from "@/lib/http/admin-route";

export const GET = withAdmin(async ({ actor }) => ({ name: actor.name, type: actor.type, role: actor.role }), {
  role: "viewer",
});
