// GET /api/policies: the overview matrix: DEFAULT, every group and each user that overrides anything.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { listPolicyScopes } from "@/lib/policies";

export const GET = withAdmin(async () => ({ scopes: await listPolicyScopes(db) }), { role: "viewer" });
