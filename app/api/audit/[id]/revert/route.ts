// POST /api/audit/:id/revert: put a policy back to what it was before the audited change.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { revertPolicyChange } from "@/lib/policies";

export const POST = withAdmin<{ id: string }>(async ({ actor, params }) => revertPolicyChange(db, actor, params.id), {
  role: "admin",
});
