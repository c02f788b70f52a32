// POST /api/policies/import/preview: what pasted OpenVPN AS / Blue Cedar / exported settings
// would change, scope by scope, with unknown and malformed lines listed. Saves nothing.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";
import { previewImport } from "@/lib/policies";

export const POST = withAdmin(async ({ request }) => previewImport(db, await readJson(request, 600 * 1024)), {
  role: "viewer",
});
