// POST /api/servers/:name/revoke-token: the server's hook calls are refused until a new token is issued.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { revokeServerToken } from "@/lib/servers";

export const POST = withAdmin<{ name: string }>(
  async ({ actor, params }) => ({ server: await revokeServerToken(db, actor, params.name) }),
  { role: "admin" },
);
