// GET|PUT /api/policies/default: the DEFAULT scope. PUT takes a partial object; null clears a field.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";
import { getScopePolicy, updateScopePolicy } from "@/lib/policies";

export const GET = withAdmin(async () => getScopePolicy(db, { scope: "default" }), { role: "viewer" });

export const PUT = withAdmin(
  async ({ request, actor }) => updateScopePolicy(db, actor, { scope: "default" }, await readJson(request)),
  { role: "admin" },
);
