// POST /api/servers/:name/rotate-token: a new token for the server (shown once); the old one stops working.
import { db } from "@/lib/db";
import { withAdmin } from "@/lib/http/admin-route";
import { rotateServerToken } from "@/lib/servers";

export const POST = withAdmin<{ name: string }>(
  async ({ actor, params }) => rotateServerToken(db, actor, params.name),
  { role: "admin" },
);
