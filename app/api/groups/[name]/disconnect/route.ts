// POST /api/groups/:name/disconnect: kill every tunnel of the group members' sessions ({reason?, dryRun?}).
import { sessionActionRoute } from "@/lib/http/session-action-route";

export const POST = sessionActionRoute<{ name: string }>("disconnect", ({ name }) => ({ kind: "group", name }));
