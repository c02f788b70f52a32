// GET /api/vpn-users/:username/effective-policy: each field's value and source, warnings, and
// what the policy means for this user's sessions.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { effectivePolicyView } from "@/lib/policies";

export const GET = withAdmin<{ username: string }>(async ({ params }) => effectivePolicyView(db, params.username), {
  role: "viewer",
});
