// Disconnect and invalidate from the browser: where each target's action lives in the admin API,
// its preview as a query, and the words the confirmation and the notice use.
import { queryOptions } from "@tanstack/react-query";
import type { SessionAction, SessionActionResult, SessionTarget } from "@/lib/sessions/control";
import { apiFetch, seg } from "./api";
import { sessionQueries } from "./query-keys";

export function sessionActionPath(action: SessionAction, target: SessionTarget): string {
  switch (target.kind) {
    case "session":
      return `/api/sessions/${seg(target.id)}/${action}`;
    case "user":
      return `/api/vpn-users/${seg(target.username)}/${action}`;
    case "group":
      return `/api/groups/${seg(target.name)}/${action}`;
    case "selection":
      return `/api/sessions/${action}`;
  }
}

/** Calls the action (or, with dryRun, its preview) for a target. */
export function requestSessionAction(action: SessionAction, target: SessionTarget, body: { reason?: string; dryRun?: boolean }) {
  return apiFetch<SessionActionResult>(sessionActionPath(action, target), {
    method: "POST",
    json: target.kind === "selection" ? { ...body, sessionIds: target.sessionIds } : body,
  });
}

/** The preview, under the sessions key so that every session change refreshes an open dialog. */
export const sessionActionPreview = (action: SessionAction, target: SessionTarget) =>
  queryOptions({
    queryKey: [...sessionQueries.all, "action-preview", action, target] as const,
    queryFn: () => requestSessionAction(action, target, { dryRun: true }),
    staleTime: 0,
    gcTime: 0,
  });

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What the target is, in a sentence: "the session of alice", "all sessions of alice". */
export function describeSessionTarget(target: SessionTarget, username?: string): string {
  switch (target.kind) {
    case "session":
      return username ? `the session of ${username}` : "this session";
    case "user":
      return `every session of ${target.username}, on every server`;
    case "group":
      return `every session of the users in group ${target.name}`;
    case "selection":
      return plural(target.sessionIds.length, "selected session");
  }
}

/** The notice after the action: what was done. */
export function sessionActionDone(result: SessionActionResult): string {
  const { summary } = result;
  const kills = `${plural(summary.tunnelsKillQueued, "tunnel")} queued for killing`;
  return result.action === "invalidate"
    ? `Invalidated ${plural(summary.sessionsRevoked, "session")}; ${kills}.`
    : `Disconnected: ${kills}; the sessions stay valid.`;
}
