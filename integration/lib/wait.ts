// Polling helpers: the daemons report progress only through their log files and pid files.
import { readFile } from "node:fs/promises";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined, or throws after timeoutMs. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

async function readFrom(file: string, offset: number): Promise<string> {
  try {
    return (await readFile(file, "utf8")).slice(offset);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

/** Current length of a log file: pass it as `since` to wait only for lines written after now. */
export async function logOffset(file: string): Promise<number> {
  try {
    return (await readFile(file, "utf8")).length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

/** The last lines of a log, for error messages. */
export async function logTail(file: string, lines = 25, since = 0): Promise<string> {
  return `--- last lines of ${file} ---\n${(await readFrom(file, since)).split("\n").slice(-lines).join("\n")}`;
}

/** Waits until the log (from character `since` on) matches `pattern`; returns the match. */
export async function waitForLog(file: string, pattern: RegExp, timeoutMs: number, since = 0): Promise<RegExpMatchArray> {
  try {
    return await waitFor(`${pattern} in ${file}`, timeoutMs, async () => (await readFrom(file, since)).match(pattern) ?? undefined);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${await logTail(file, 25, since)}`, { cause: error });
  }
}
