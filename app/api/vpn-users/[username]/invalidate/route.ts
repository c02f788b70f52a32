// POST /api/vpn-users/:username/invalidate: revoke all the user's sessions and kill their tunnels, on every server ({reason?, dryRun?}).
import { sessionActionRoute } from "@/lib/http/session-action-route";

export const POST = sessionActionRoute<{ username: string }>("invalidate", ({ username }) => ({ kind: "user", username }));
