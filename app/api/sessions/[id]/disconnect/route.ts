// POST /api/sessions/:id/disconnect: kill the session's tunnels; it stays valid and may reconnect ({reason?, dryRun?}).
import { sessionActionRoute } from "@/lib/http/session-action-route";

export const POST = sessionActionRoute<{ id: string }>("disconnect", ({ id }) => ({ kind: "session", id }));
