// The agent (scripts/agent.ts, as `npm run agent` runs it) next to a VPN server of the harness:
// attached to an OpenVPN server's management interface, or polling ocserv through occtl inside
// the server namespace. It reports counters and carries out the console's kill orders.
import { spawn } from "node:child_process";
import { open, writeFile } from "node:fs/promises";
import path from "node:path";
import { SERVER_NS } from "./network";
import type { OcservServer } from "./ocserv";
import type { OpenVpnServer } from "./openvpn";
import { ROOT, STATE_DIR } from "./paths";
import { logOffset, sleep, waitForLog } from "./wait";

export interface RunningAgent {
  logPath: string;
  stop(): Promise<void>;
}

/** `extraArgs`: more command-line flags, e.g. `["--buffer", "8"]`. */
export function startOpenVpnAgent(
  server: OpenVpnServer,
  consoleUrl: string,
  serverToken: string,
  extraArgs: readonly string[] = [],
): Promise<RunningAgent> {
  return startAgent(server.name, consoleUrl, serverToken, ["--openvpn-management", `unix:${server.managementSocket}`, ...extraArgs], /openvpn: connected to /);
}

/**
 * In ocserv's network namespace (occtl reads the counters from the tun devices there), with
 * `--occtl` pointing at the two-line wrapper docs/agent.md describes for a non-default socket.
 */
export async function startOcservAgent(server: OcservServer, consoleUrl: string, serverToken: string): Promise<RunningAgent> {
  const occtl = path.join(STATE_DIR, server.name, "occtl");
  await writeFile(occtl, `#!/bin/sh\nexec occtl -s ${server.occtlSocket} "$@"\n`, { mode: 0o755 });
  return startAgent(server.name, consoleUrl, serverToken, ["--ocserv", "--occtl", occtl], /agent: ocserv counters/, SERVER_NS);
}

async function startAgent(name: string, consoleUrl: string, serverToken: string, daemonArgs: string[], started: RegExp, ns?: string): Promise<RunningAgent> {
  const dir = path.join(STATE_DIR, name);
  const tokenFile = path.join(dir, "agent-token");
  const logPath = path.join(dir, "agent.log");
  await writeFile(tokenFile, `${serverToken}\n`, { mode: 0o600 });
  // An agent started again on the same server appends to the same log.
  const since = await logOffset(logPath);
  const log = await open(logPath, "a");
  const agent = [path.join(ROOT, "node_modules", ".bin", "tsx"), path.join(ROOT, "scripts", "agent.ts"), "--console", consoleUrl, "--token-file", tokenFile, "--interval", "1", ...daemonArgs];
  const [file, ...args] = ns ? ["ip", "netns", "exec", ns, ...agent] : agent;
  if (!file) throw new Error("no agent command");
  // `ip netns exec` replaces itself with tsx, so the process group is the agent's.
  const child = spawn(file, args, { cwd: ROOT, detached: true, stdio: ["ignore", log.fd, log.fd] });
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
    await waitForLog(logPath, started, 30_000, since);
  } catch (error) {
    await stop();
    throw error;
  }
  return { logPath, stop };
}
