// POST /api/vpn-users/:username/disconnect: kill every tunnel of the user's sessions, on every server ({reason?, dryRun?}).
import { sessionActionRoute } from "@/lib/http/session-action-route";

export const POST = sessionActionRoute<{ username: string }>("disconnect", ({ username }) => ({ kind: "user", username }));
