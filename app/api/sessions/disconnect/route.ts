// POST /api/sessions/disconnect: kill the tunnels of the selected sessions ({sessionIds, reason?, dryRun?}).
import { sessionSelectionRoute } from "@/lib/http/session-action-route";

export const POST = sessionSelectionRoute("disconnect");
