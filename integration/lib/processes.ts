// Daemons are tracked through their pid files. Before signalling a pid we
// check that it still runs the binary we started, so a recycled pid is never hit.
import { readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { sleep } from "./wait";

export async function readPid(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(pidFile, "utf8")).trim(), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when pid is alive and its executable is `binary` (the title may be rewritten: ocserv-main). */
export async function runsBinary(pid: number, binary: string): Promise<boolean> {
  try {
    return path.basename(await readlink(`/proc/${pid}/exe`)) === binary;
  } catch {
    return false;
  }
}

/** Signals the process named by pidFile (if it is still ours) and waits for it to end. */
export async function stopByPidFile(pidFile: string, binary: string, signal: NodeJS.Signals = "SIGTERM", graceMs = 5_000): Promise<void> {
  const pid = await readPid(pidFile);
  if (pid === undefined || !(await runsBinary(pid, binary))) return;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (await runsBinary(pid, binary)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      await sleep(200);
      return;
    }
    await sleep(100);
  }
}
