// The two admin actions on sessions (product.md), for one session, a user's sessions on every
// server, a group's sessions, or a selection:
// - disconnect: queue kills for the sessions' open tunnels; the sessions stay valid and clients
//   may reconnect silently with their tokens;
// - invalidate: revoke the sessions and queue kills for their open tunnels, in one transaction,
//   so no agent can kill anything before the revocation is recorded, and a crash in between
//   cannot leave a session that can still reconnect.
// Each has a preview that says exactly what the action would do, for confirmation dialogs.
import { z } from "zod";
import type { Actor } from "../actor";
import { queueKill } from "../agent-orders";
import { recordAudit } from "../audit";
import type { Db, Tx } from "../db";
import { AppError, conflict, notFound } from "../errors";
import { LIVE_STATES } from "./states";
import { freeTextSchema } from "../validation/common";

export type SessionAction = "disconnect" | "invalidate";

export type SessionTarget =
  | { kind: "session"; id: string }
  | { kind: "user"; username: string }
  | { kind: "group"; name: string }
  | { kind: "selection"; sessionIds: string[] };

/** An agent that polled within this many seconds counts as live (it polls about every second). */
export const AGENT_LIVE_SECONDS = 10;
/** The most sessions one selection may name. */
export const MAX_SELECTION = 500;

const reasonSchema = freeTextSchema("reason", 500)
  .optional()
  .transform((value) => (value ? value : null));

/** Body of every disconnect/invalidate request: an optional reason, and dryRun for the preview. */
export const sessionActionSchema = z.object({
  reason: reasonSchema,
  dryRun: z.boolean({ error: "dryRun must be true or false" }).default(false),
});

export const sessionSelectionSchema = sessionActionSchema.extend({
  sessionIds: z
    .array(z.string({ error: "session ids must be text" }).trim().min(1, "a session id is empty").max(100), {
      error: "sessionIds must be a list of session ids",
    })
    .min(1, "select at least one session")
    .max(MAX_SELECTION, `select at most ${MAX_SELECTION} sessions`),
});

export interface ControlledSession {
  id: string;
  username: string;
  group: string | null;
  server: string | null;
  state: string;
  /** Whether this action revokes it (invalidate, and the session is still usable). */
  revoke: boolean;
  openTunnels: number;
}

export interface ControlledTunnel {
  id: string;
  sessionId: string;
  server: string;
  /** The tunnel's id on its server; without one no agent can find it to kill it. */
  externalId: string | null;
  vpnIp: string | null;
}

export interface ControlledServer {
  name: string;
  kind: string;
  tunnels: number;
  /** An agent polled recently: its tunnels are killed within about two seconds. */
  agentLive: boolean;
  agentLastSeenAt: string | null;
}

export interface SessionActionResult {
  action: SessionAction;
  /** True for a preview: nothing was changed. */
  dryRun: boolean;
  target: SessionTarget;
  reason: string | null;
  sessions: ControlledSession[];
  tunnels: ControlledTunnel[];
  servers: ControlledServer[];
  summary: {
    sessions: number;
    sessionsRevoked: number;
    tunnels: number;
    /** Kill orders queued for the servers' agents (tunnels with an id on their server). */
    tunnelsKillQueued: number;
    /** Tunnels no agent can be told to kill: their server reported no id for them. */
    tunnelsWithoutId: number;
    serversReached: string[];
    serversWithoutAgent: string[];
  };
}

export function agentIsLive(agentLastSeenAt: Date | null, now: Date): boolean {
  return agentLastSeenAt !== null && now.getTime() - agentLastSeenAt.getTime() <= AGENT_LIVE_SECONDS * 1000;
}

/** The sessions a target covers, checking that what it names exists. */
async function targetWhere(db: Db | Tx, target: SessionTarget) {
  switch (target.kind) {
    case "session": {
      const found = await db.session.count({ where: { id: target.id } });
      if (found === 0) throw notFound(`session "${target.id}"`);
      return { id: target.id };
    }
    case "user": {
      const user = await db.vpnUser.findUnique({ where: { username: target.username }, select: { id: true } });
      if (!user) throw notFound(`VPN user "${target.username}"`);
      return { userId: user.id };
    }
    case "group": {
      const group = await db.group.findUnique({ where: { name: target.name }, select: { id: true } });
      if (!group) throw notFound(`group "${target.name}"`);
      return { user: { groupId: group.id } };
    }
    case "selection": {
      const ids = [...new Set(target.sessionIds)];
      const found = await db.session.findMany({ where: { id: { in: ids } }, select: { id: true } });
      const known = new Set(found.map((s) => s.id));
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length > 0) {
        throw new AppError("not_found", `session${missing.length > 1 ? "s" : ""} not found: ${missing.join(", ")}`);
      }
      return { id: { in: ids } };
    }
  }
}

interface Plan {
  result: SessionActionResult;
  revokeIds: string[];
}

/** What the action would do now: read only, usable inside the transaction that carries it out. */
async function plan(db: Db | Tx, action: SessionAction, target: SessionTarget, reason: string | null, now: Date): Promise<Plan> {
  const scope = await targetWhere(db, target);
  const openTunnel = { connections: { some: { disconnectedAt: null } } };
  const rows = await db.session.findMany({
    where: { AND: [scope, action === "invalidate" ? { OR: [{ state: { in: LIVE_STATES } }, openTunnel] } : openTunnel] },
    orderBy: [{ authenticatedAt: "asc" }, { id: "asc" }],
    select: {
      id: true,
      state: true,
      user: { select: { username: true, group: { select: { name: true } } } },
      server: { select: { name: true } },
      connections: {
        where: { disconnectedAt: null },
        orderBy: { connectedAt: "asc" },
        select: {
          id: true,
          externalId: true,
          vpnIp: true,
          server: { select: { name: true, kind: true, agentLastSeenAt: true } },
        },
      },
    },
  });

  const servers = new Map<string, ControlledServer>();
  const tunnels: ControlledTunnel[] = [];
  const sessions: ControlledSession[] = rows.map((row) => {
    for (const connection of row.connections) {
      tunnels.push({
        id: connection.id,
        sessionId: row.id,
        server: connection.server.name,
        externalId: connection.externalId,
        vpnIp: connection.vpnIp,
      });
      const server = servers.get(connection.server.name) ?? {
        name: connection.server.name,
        kind: connection.server.kind,
        tunnels: 0,
        agentLive: agentIsLive(connection.server.agentLastSeenAt, now),
        agentLastSeenAt: connection.server.agentLastSeenAt?.toISOString() ?? null,
      };
      server.tunnels += 1;
      servers.set(server.name, server);
    }
    return {
      id: row.id,
      username: row.user.username,
      group: row.user.group?.name ?? null,
      server: row.server?.name ?? null,
      state: row.state,
      revoke: action === "invalidate" && (LIVE_STATES as string[]).includes(row.state),
      openTunnels: row.connections.length,
    };
  });
  const serverList = [...servers.values()].sort((a, b) => a.name.localeCompare(b.name));
  const killable = tunnels.filter((t) => t.externalId !== null).length;
  const revokeIds = sessions.filter((s) => s.revoke).map((s) => s.id);
  return {
    revokeIds,
    result: {
      action,
      dryRun: true,
      target,
      reason,
      sessions,
      tunnels,
      servers: serverList,
      summary: {
        sessions: sessions.length,
        sessionsRevoked: revokeIds.length,
        tunnels: tunnels.length,
        tunnelsKillQueued: killable,
        tunnelsWithoutId: tunnels.length - killable,
        serversReached: serverList.filter((s) => s.agentLive).map((s) => s.name),
        serversWithoutAgent: serverList.filter((s) => !s.agentLive).map((s) => s.name),
      },
    },
  };
}

/**
 * Queues kills for the open tunnels of these sessions that their servers can identify, inside
 * the caller's transaction (the one that records why). Returns how many kills are queued.
 */
export async function queueKillsForSessions(tx: Tx, sessionIds: string[], reason: string, now: Date): Promise<number> {
  if (sessionIds.length === 0) return 0;
  const tunnels = await tx.connection.findMany({
    where: { sessionId: { in: sessionIds }, disconnectedAt: null, externalId: { not: null } },
    select: { id: true },
  });
  let queued = 0;
  for (const tunnel of tunnels) {
    try {
      await queueKill(tx, tunnel.id, reason, now);
      queued += 1;
    } catch (error) {
      // The tunnel ended since it was read: nothing left to kill.
      if (!(error instanceof AppError && error.code === "conflict")) throw error;
    }
  }
  return queued;
}

function describeTarget(target: SessionTarget): string {
  switch (target.kind) {
    case "session":
      return `session ${target.id}`;
    case "user":
      return `VPN user ${target.username}`;
    case "group":
      return `group ${target.name}`;
    case "selection":
      return `${target.sessionIds.length} selected session${target.sessionIds.length === 1 ? "" : "s"}`;
  }
}

/** The audit target: what the admin pointed at. */
function auditTarget(target: SessionTarget): { targetType: "session" | "vpn_user" | "group"; target: string } {
  switch (target.kind) {
    case "session":
      return { targetType: "session", target: target.id };
    case "user":
      return { targetType: "vpn_user", target: target.username };
    case "group":
      return { targetType: "group", target: target.name };
    case "selection":
      return { targetType: "session", target: [...new Set(target.sessionIds)].join(",") };
  }
}

async function carryOut(db: Db, actor: Actor, action: SessionAction, target: SessionTarget, reason: string | null, now: Date) {
  const verb = action === "invalidate" ? "invalidated" : "disconnected";
  // Kill orders carry this to the agent and, where the daemon can, to the client: no admin name.
  const killReason = `session ${verb} by an administrator${reason ? `: ${reason}` : ""}`;
  return db.$transaction(async (tx) => {
    const planned = await plan(tx, action, target, reason, now);
    const { result } = planned;
    if (result.sessions.length === 0) {
      throw conflict(
        action === "invalidate"
          ? `nothing to invalidate: ${describeTarget(target)} has no usable session and no open tunnel`
          : `nothing to disconnect: ${describeTarget(target)} has no open tunnel`,
      );
    }
    let revoked = 0;
    if (planned.revokeIds.length > 0) {
      // Conditional, so a session that ended meanwhile keeps its own end.
      const updated = await tx.session.updateMany({
        where: { id: { in: planned.revokeIds }, state: { in: LIVE_STATES } },
        data: { state: "revoked", stateReason: `invalidated by ${actor.name}${reason ? `: ${reason}` : ""}`, endedAt: now },
      });
      revoked = updated.count;
    }
    const queued = await queueKillsForSessions(tx, planned.result.sessions.map((s) => s.id), killReason, now);
    const done: SessionActionResult = {
      ...result,
      dryRun: false,
      summary: { ...result.summary, sessionsRevoked: revoked, tunnelsKillQueued: queued },
    };
    await recordAudit(tx, {
      actor,
      action: action === "invalidate" ? "session.invalidated" : "session.disconnected",
      ...auditTarget(target),
      after: {
        reason,
        sessions: result.sessions.map((s) => ({ id: s.id, username: s.username, state: s.state, openTunnels: s.openTunnels })),
        summary: done.summary,
      },
    });
    return done;
  });
}

/** What disconnecting would do: which tunnels get kill orders, and which servers have an agent. */
export async function previewDisconnect(db: Db, target: SessionTarget, reason: string | null = null, now = new Date()) {
  return (await plan(db, "disconnect", target, reason, now)).result;
}

/** Queues kills for the target's open tunnels. The sessions stay valid. */
export async function disconnectSessions(db: Db, actor: Actor, target: SessionTarget, reason: string | null = null, now = new Date()) {
  return carryOut(db, actor, "disconnect", target, reason, now);
}

/** What invalidating would do: which sessions are revoked and which tunnels get kill orders. */
export async function previewInvalidate(db: Db, target: SessionTarget, reason: string | null = null, now = new Date()) {
  return (await plan(db, "invalidate", target, reason, now)).result;
}

/** Revokes the target's usable sessions and queues kills for their open tunnels, in one transaction. */
export async function invalidateSessions(db: Db, actor: Actor, target: SessionTarget, reason: string | null = null, now = new Date()) {
  return carryOut(db, actor, "invalidate", target, reason, now);
}

export type SessionActionInput = z.infer<typeof sessionActionSchema>;

/** One request of the admin API, its body parsed: a preview (dryRun) or the action itself. */
export async function runSessionAction(
  db: Db,
  actor: Actor,
  action: SessionAction,
  target: SessionTarget,
  input: SessionActionInput,
): Promise<SessionActionResult> {
  if (action === "invalidate") {
    return input.dryRun ? previewInvalidate(db, target, input.reason) : invalidateSessions(db, actor, target, input.reason);
  }
  return input.dryRun ? previewDisconnect(db, target, input.reason) : disconnectSessions(db, actor, target, input.reason);
}
