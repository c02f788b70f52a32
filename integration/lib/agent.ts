// The agent (scripts/agent.ts, as `npm run agent` runs it) next to an OpenVPN server of the
// harness, attached to its management interface: it carries out the console's kill orders.
import { spawn } from "node:child_process";
import { open, writeFile } from "node:fs/promises";
import path from "node:path";
import type { OpenVpnServer } from "./openvpn";
import { ROOT, STATE_DIR } from "./paths";
import { logOffset, sleep, waitForLog } from "./wait";

export interface RunningAgent {
  logPath: string;
  stop(): Promise<void>;
}

/** `extraArgs`: more command-line flags, e.g. `["--buffer", "8"]`. */
export async function startOpenVpnAgent(
  server: OpenVpnServer,
  consoleUrl: string,
  serverToken: string,
  extraArgs: readonly string[] = [],
): Promise<RunningAgent> {
  const dir = path.join(STATE_DIR, server.name);
  const tokenFile = path.join(dir, "agent-token");
  const logPath = path.join(dir, "agent.log");
  await writeFile(tokenFile, `${serverToken}\n`, { mode: 0o600 });
  // An agent started again on the same server appends to the same log.
  const since = await logOffset(logPath);
  const log = await open(logPath, "a");
  const child = spawn(
    path.join(ROOT, "node_modules", ".bin", "tsx"),
    [path.join(ROOT, "scripts", "agent.ts"), "--console", consoleUrl, "--token-file", tokenFile, "--openvpn-management", `unix:${server.managementSocket}`, "--interval", "1", ...extraArgs],
    { cwd: ROOT, detached: true, stdio: ["ignore", log.fd, log.fd] },
  );
  await log.close();
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start the agent");
  let exited = false;
  child.on("exit", () => (exited = true));
  const stop = async () => {
    if (exited) return;
    process.kill(-pid, "SIGTERM");
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    if (!exited) process.kill(-pid, "SIGKILL");
  };
  try {
    await waitForLog(logPath, /openvpn: connected to /, 30_000, since);
  } catch (error) {
    await stop();
    throw error;
  }
  return { logPath, stop };
}
