// GET /api/policies/export: every scope that sets anything, as JSON that the import reads back.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { exportAllPolicies } from "@/lib/policies";

export const GET = withAdmin(async () => exportAllPolicies(db), { role: "viewer" });
