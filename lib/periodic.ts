// Background work on a timer: one run at a time, failures logged and retried at the next tick.
// Jobs that change shared data run under a lease (lib/leases.ts), so that several console
// instances on one database run each of them exactly once per tick.
import { backgroundLeaseSeconds } from "./config";
import type { Db } from "./db";
import { acquireLease, INSTANCE_ID, releaseLease } from "./leases";
import { log, type LogFields, type Logger } from "./log";

/** Runs `work` every `intervalMs` until stopped; what it returns (if anything) is logged as `name`. */
export function startPeriodic(
  name: string,
  intervalMs: number,
  work: () => Promise<LogFields | null>,
  logger: Logger = log,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    work()
      .then((fields) => {
        if (fields) logger.info(name, fields);
      })
      .catch((error: unknown) => logger.error(`${name} failed`, { error }))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** How long a job's lease lasts: BACKGROUND_LEASE_SECONDS, or three runs of the job. */
export function backgroundLeaseMs(intervalMs: number): number {
  const seconds = backgroundLeaseSeconds();
  return seconds === undefined ? intervalMs * 3 : seconds * 1000;
}

/**
 * A periodic job that runs on one instance only: the holder of the job's lease. The holder renews
 * the lease at least three times per lease, and runs the job every `intervalMs`. If that instance
 * dies, its lease runs out and another instance takes the job over and runs it at once; stopping
 * the job (on shutdown) gives the lease up, so that another takes it over at its next renewal.
 * Taking and losing a job are logged, so the logs of a fleet say where each job runs.
 */
export function startBackgroundJob(
  db: Db,
  job: string,
  name: string,
  intervalMs: number,
  work: () => Promise<LogFields | null>,
  logger: Logger = log,
  { leaseMs = backgroundLeaseMs(intervalMs), holder = INSTANCE_ID }: { leaseMs?: number; holder?: string } = {},
): () => Promise<void> {
  const renewEveryMs = Math.max(1, Math.min(intervalMs, Math.floor(leaseMs / 3)));
  let holding = false;
  let stopped = false;
  let lastRun = Number.NEGATIVE_INFINITY;
  const stopTicking = startPeriodic(
    name,
    renewEveryMs,
    async () => {
      const held = await acquireLease(db, job, holder, leaseMs);
      // A renewal that was under way when the job stopped must not keep the lease.
      if (stopped) {
        if (held) await releaseLease(db, job, holder);
        return null;
      }
      if (held && !holding) logger.info("background job taken", { job, instance: holder });
      // Another instance took it: this one stalled for longer than the lease.
      if (!held && holding) logger.warn("background job lost", { job, instance: holder });
      holding = held;
      // Half a renewal of slack, so that timer jitter does not skip a run.
      if (!held || Date.now() - lastRun < intervalMs - renewEveryMs / 2) return null;
      lastRun = Date.now();
      return work();
    },
    logger,
  );
  return async () => {
    stopped = true;
    stopTicking();
    if (holding) await releaseLease(db, job, holder);
  };
}
