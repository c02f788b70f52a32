// Server-side inactivity enforcement. A pushed `inactive W B` relies on the client, which may
// ignore it; where the policy turns enforcement on, the console itself cuts a tunnel that moved
// fewer than B bytes (in + out) over its last W seconds, through the agent next to its server,
// audited, with the reason kept on the session when the tunnel's end is reported.
import { queueKill } from "../agent-orders";
import { systemActor } from "../actor";
import { recordAudit } from "../audit";
import type { Db } from "../db";
import { startBackgroundJob } from "../periodic";
import { sampleTotals } from "../traffic/read";
import { formatBytes, formatDuration } from "../policy/duration";
import { AGENT_LIVE_SECONDS, agentIsLive } from "../sessions/control";
import { inactivityPolicies } from "./current-users";

export interface EnforcementResult {
  /** Tunnels whose policy enforces a threshold and that were up for a whole window. */
  judged: number;
  /** Tunnels below the threshold, now queued to be cut. */
  cut: number;
}

export async function enforceInactivity(db: Db, now = new Date()): Promise<EnforcementResult> {
  // Only tunnels an agent can cut, and not those already waiting to be cut.
  const candidates = await db.connection.findMany({
    where: {
      disconnectedAt: null,
      externalId: { not: null },
      server: { agentLastSeenAt: { gte: new Date(now.getTime() - AGENT_LIVE_SECONDS * 1000) } },
      agentOrders: { none: { state: "pending" } },
    },
    select: {
      id: true,
      connectedAt: true,
      externalId: true,
      server: { select: { name: true, agentLastSeenAt: true } },
      session: { select: { id: true, user: { select: { id: true, username: true, groupId: true, group: { select: { name: true } } } } } },
    },
  });
  if (candidates.length === 0) return { judged: 0, cut: 0 };
  const users = [...new Map(candidates.map((c) => [c.session.user.id, c.session.user])).values()];
  const policies = await inactivityPolicies(db, users);

  const judged = candidates.flatMap((connection) => {
    const policy = policies.get(connection.session.user.id);
    if (!policy?.enforced || policy.window <= 0 || policy.threshold <= 0) return [];
    if (!agentIsLive(connection.server.agentLastSeenAt, now)) return [];
    if (connection.connectedAt.getTime() > now.getTime() - policy.window * 1000) return [];
    return [{ connection, policy }];
  });

  let cut = 0;
  for (const window of new Set(judged.map((j) => j.policy.window))) {
    const group = judged.filter((j) => j.policy.window === window);
    const moved = await sampleTotals(db, group.map((j) => j.connection.id), new Date(now.getTime() - window * 1000), now, now);
    const bytesOf = new Map([...moved].map(([id, bytes]) => [id, Number(bytes.bytesIn) + Number(bytes.bytesOut)]));
    for (const { connection, policy } of group) {
      const bytes = bytesOf.get(connection.id) ?? 0;
      if (bytes >= policy.threshold) continue;
      const reason = `inactive: ${formatBytes(bytes)} in ${formatDuration(policy.window)}, below the threshold of ${formatBytes(policy.threshold)}`;
      await db.$transaction(async (tx) => {
        await queueKill(tx, connection.id, reason, now);
        await recordAudit(tx, {
          actor: systemActor,
          action: "session.disconnected",
          targetType: "session",
          target: connection.session.id,
          after: { reason, server: connection.server.name, connection: connection.externalId, username: connection.session.user.username },
        });
      });
      cut += 1;
    }
  }
  return { judged: judged.length, cut };
}

/** Every 10 s, on one console instance. */
export function startInactivityEnforcement(db: Db, intervalMs = 10_000): () => Promise<void> {
  return startBackgroundJob(db, "inactivity-enforcement", "idle tunnels cut", intervalMs, async () => {
    const result = await enforceInactivity(db);
    return result.cut > 0 ? { cut: result.cut, judged: result.judged } : null;
  });
}
