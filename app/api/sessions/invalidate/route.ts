// POST /api/sessions/invalidate: revoke the selected sessions and kill their tunnels ({sessionIds, reason?, dryRun?}).
import { sessionSelectionRoute } from "@/lib/http/session-action-route";

export const POST = sessionSelectionRoute("invalidate");
