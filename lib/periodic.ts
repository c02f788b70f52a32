// Background work on a timer: one run at a time, failures logged and retried at the next tick.
// Jobs that change shared data run under a lease (lib/leases.ts), so that several console
// instances on one database run each of them exactly once per tick.
import type { Db } from "./db";
import { acquireLease, INSTANCE_ID } from "./leases";
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

/**
 * A periodic job that runs on one instance only: the holder of the job's lease, renewed on every
 * tick. If that instance dies, its lease runs out after three intervals and another takes over.
 */
export function startBackgroundJob(
  db: Db,
  job: string,
  name: string,
  intervalMs: number,
  work: () => Promise<LogFields | null>,
  logger: Logger = log,
): () => void {
  return startPeriodic(
    name,
    intervalMs,
    async () => ((await acquireLease(db, job, INSTANCE_ID, intervalMs * 3)) ? work() : null),
    logger,
  );
}
