// GET|PUT|DELETE /api/policies/groups/:name: a group's policy. PUT is partial (null = inherit);
// DELETE clears every field back to inherit.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";
import { clearScopePolicy, getScopePolicy, updateScopePolicy } from "@/lib/policies";

type Params = { name: string };
const scope = (params: Params) => ({ scope: "group" as const, name: params.name });

export const GET = withAdmin<Params>(async ({ params }) => getScopePolicy(db, scope(params)), { role: "viewer" });

export const PUT = withAdmin<Params>(
  async ({ request, actor, params }) => updateScopePolicy(db, actor, scope(params), await readJson(request)),
  { role: "admin" },
);

export const DELETE = withAdmin<Params>(async ({ actor, params }) => clearScopePolicy(db, actor, scope(params)), {
  role: "admin",
});
