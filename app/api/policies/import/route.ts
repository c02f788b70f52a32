// POST /api/policies/import: apply an import all-or-nothing (same body as the preview).
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/respond";
import { applyImport } from "@/lib/policies";

export const POST = withAdmin(
  async ({ request, actor }) => applyImport(db, actor, await readJson(request, 600 * 1024)),
  { role: "admin" },
);
