// POST /api/sessions/:id/invalidate: revoke the session and kill its tunnels; its token is refused everywhere ({reason?, dryRun?}).
import { sessionActionRoute } from "@/lib/http/session-action-route";

export const POST = sessionActionRoute<{ id: string }>("invalidate", ({ id }) => ({ kind: "session", id }));
