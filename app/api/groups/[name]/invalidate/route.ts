// POST /api/groups/:name/invalidate: revoke the group members' sessions and kill their tunnels ({reason?, dryRun?}).
import { sessionActionRoute } from "@/lib/http/session-action-route";

export const POST = sessionActionRoute<{ name: string }>("invalidate", ({ name }) => ({ kind: "group", name }));
