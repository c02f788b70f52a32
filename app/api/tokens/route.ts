// GET /api/tokens: admin API tokens (never the tokens themselves). POST /api/tokens: create one,
// returned this once.
import { createApiToken, listApiTokens } from "@/lib/api-tokens";
import { db } from "@/lib/db";
import { created, withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";

export const GET = withAdmin(async () => ({ tokens: await listApiTokens(db) }), { role: "viewer" });

export const POST = withAdmin(
  async ({ request, actor }) => created(await createApiToken(db, actor, await readJson(request))),
  { role: "admin" },
);
