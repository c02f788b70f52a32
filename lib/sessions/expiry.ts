// Session expiry on time, even when no VPN server calls in. Each rule is one conditional UPDATE,
// so even two instances sweeping at once would be harmless; the lease makes it one.
import type { Db } from "../db";
import { log, type Logger } from "../log";
import { startBackgroundJob } from "../periodic";
import { PENDING_TIMEOUT_SECONDS } from "./states";

export interface SweepResult {
  idle: number;
  lifetime: number;
  pending: number;
}

export async function sweepExpiredSessions(db: Db, now = new Date()): Promise<SweepResult> {
  const lifetime = await db.session.updateMany({
    where: { state: { in: ["pending", "active", "dormant"] }, expiresAt: { lte: now } },
    data: { state: "expired", stateReason: "session lifetime reached", endedAt: now },
  });
  const idle = await db.session.updateMany({
    where: { state: "dormant", idleExpiresAt: { lte: now } },
    data: { state: "expired", stateReason: "idle token expiry: no tunnel used the token", endedAt: now },
  });
  const pending = await db.session.updateMany({
    where: { state: "pending", lastAuthAt: { lte: new Date(now.getTime() - PENDING_TIMEOUT_SECONDS * 1000) } },
    data: { state: "expired", stateReason: "tunnel never came up after login", endedAt: now },
  });
  return { idle: idle.count, lifetime: lifetime.count, pending: pending.count };
}

/** Runs the sweep every `intervalMs` (on one console instance) until the returned stop function is called. */
export function startExpirySweeper(db: Db, intervalMs = 5000, logger: Logger = log): () => Promise<void> {
  return startBackgroundJob(
    db,
    "session-expiry",
    "sessions expired",
    intervalMs,
    async () => {
      const result = await sweepExpiredSessions(db);
      return result.idle + result.lifetime + result.pending > 0
        ? { idle: result.idle, lifetime: result.lifetime, never_connected: result.pending }
        : null;
    },
    logger,
  );
}
