// Background work on a timer: one run at a time, failures logged and retried at the next tick.
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
