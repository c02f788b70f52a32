// DELETE /api/tokens/:name: revoke an admin API token.
import { revokeApiToken } from "@/lib/api-tokens";
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";

export const DELETE = withAdmin<{ name: string }>(
  async ({ actor, params }) => ({ token: await revokeApiToken(db, actor, params.name) }),
  { role: "admin" },
);
