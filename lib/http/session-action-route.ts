// The admin API routes of the two session actions (disconnect, invalidate): body
// {reason?, dryRun?}; dryRun answers the preview and changes nothing. Admins only.
import { db } from "../db";
import { runSessionAction, sessionActionSchema, sessionSelectionSchema, type SessionAction, type SessionTarget } from "../sessions/control";
import { withAdmin } from "./admin-route";
import { readJson } from "./respond";

/** A route acting on what its path names (a session, a user, a group). */
export function sessionActionRoute<P>(action: SessionAction, target: (params: P) => SessionTarget) {
  return withAdmin<P>(
    async ({ request, actor, params }) =>
      runSessionAction(db, actor, action, target(params), sessionActionSchema.parse(await readJson(request))),
    { role: "admin" },
  );
}

/** A route acting on a selection: body {sessionIds, reason?, dryRun?}. */
export function sessionSelectionRoute(action: SessionAction) {
  return withAdmin(
    async ({ request, actor }) => {
      const { sessionIds, ...input } = sessionSelectionSchema.parse(await readJson(request));
      return runSessionAction(db, actor, action, { kind: "selection", sessionIds }, input);
    },
    { role: "admin" },
  );
}
