// ocserv (Debian's) in the server namespace, configured from the blocks in docs/ocserv.md (its
// config and its PAM service), and openconnect clients in client namespaces.
import { spawn } from "node:child_process";
import { chmod, mkdir, open, writeFile } from "node:fs/promises";
import path from "node:path";
import { docsBlock, replaceAll } from "./docs";
import { command, inNamespace } from "./exec";
import { SERVER_NS, type ClientSide } from "./network";
import { ROOT, STATE_DIR } from "./paths";
import type { Pki } from "./pki";
import { readPid, runsBinary, stopByPidFile } from "./processes";
import { logOffset, waitFor, waitForLog } from "./wait";

const DOCS = path.join(ROOT, "docs", "ocserv.md");

export interface OcservOptions {
  name: string;
  port: number;
  /** Tunnel network, e.g. 10.9.1.0 (a /24). */
  network: string;
  consoleUrl: string;
  token: string;
}

export interface OcservServer {
  name: string;
  port: number;
  logPath: string;
  /** What the auth hook says (pam_exec's log= file). */
  authLogPath: string;
  caCert: string;
  /** ocserv's occtl-socket-file (occtl -s). */
  occtlSocket: string;
  /** occtl's id (the worker pid) of the user's one tunnel, waiting for it to appear. */
  idOf(username: string): Promise<number>;
  /** occtl's ids of the user's tunnels now. */
  workerIds(username: string): Promise<number[]>;
  /** ocserv's own address inside the user's one tunnel (`P-t-P IPv4`). */
  tunnelGateway(username: string): Promise<string>;
  logOffset(): Promise<number>;
  stop(): Promise<void>;
}

/** Spawns `ip netns exec NS ...command` detached, output to logPath, and records its pid. */
async function spawnLogged(
  ns: string,
  command: string[],
  logPath: string,
  pidFile: string,
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<void> {
  const log = await open(logPath, "a");
  const child = spawn("ip", ["netns", "exec", ns, ...command], {
    detached: true,
    stdio: [options.input === undefined ? "ignore" : "pipe", log.fd, log.fd],
    env: options.env ?? process.env,
  });
  child.stdin?.on("error", () => undefined);
  child.stdin?.end(options.input);
  child.unref();
  await log.close();
  // `ip netns exec` (and sh's exec) replace themselves: the child's pid is the daemon's.
  await writeFile(pidFile, `${child.pid}\n`);
}

export async function startOcserv(pki: Pki, options: OcservOptions): Promise<OcservServer> {
  const dir = path.join(STATE_DIR, options.name);
  // Workers run as nobody and must reach the sockets in here.
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o711);
  const configPath = path.join(dir, "ocserv.conf");
  const logPath = path.join(dir, "ocserv.log");
  const pidFile = path.join(dir, "ocserv.pid");
  const occtlSocket = path.join(dir, "occtl.socket");
  const authLogPath = path.join(dir, "auth.log");
  const hookEnv = path.join(dir, "hook.env");
  await writeFile(hookEnv, `CONSOLE_URL=${options.consoleUrl}\nCONSOLE_SERVER_TOKEN=${options.token}\n`, { mode: 0o600 });
  // The PAM service "ocserv" of this server only: a directory mounted over /etc/pam.d inside
  // ocserv's own mount namespace (which `ip netns exec` creates), so the machine's PAM
  // configuration is never touched and two servers can point at different consoles.
  const pamDir = path.join(dir, "pam.d");
  await mkdir(pamDir, { recursive: true });
  const pamService = replaceAll(await docsBlock(DOCS, "ocserv-pam"), {
    "/var/log/session-console-ocserv-auth.log": authLogPath,
    "/opt/session-console/hooks": path.join(ROOT, "hooks"),
    "/etc/session-console/hook.env": hookEnv,
  });
  await writeFile(path.join(pamDir, "ocserv"), pamService, { mode: 0o644 });
  const config = replaceAll(await docsBlock(DOCS, "ocserv"), {
    "tcp-port = 443": `tcp-port = ${options.port}`,
    "udp-port = 443": `udp-port = ${options.port}`,
    "/run/ocserv.socket": path.join(dir, "ocserv.socket"),
    "/etc/ocserv/server.crt": pki.serverCert,
    "/etc/ocserv/server.key": pki.serverKey,
    "/run/occtl.socket": occtlSocket,
    "/run/ocserv.pid": path.join(dir, "ocserv.pid-file"),
    "device = vpns": `device = ${options.name}-`,
    "192.168.100.0": options.network,
    "/opt/session-console/hooks": path.join(ROOT, "hooks"),
  });
  await writeFile(configPath, config, { mode: 0o600 });
  // In the foreground so its log (and the hooks' stderr) lands in logPath; the console settings
  // in its environment, as the systemd EnvironmentFile of docs/ocserv.md puts them there.
  await spawnLogged(
    SERVER_NS,
    ["sh", "-c", 'mount --bind "$0" /etc/pam.d && exec "$@"', pamDir, "ocserv", "--foreground", "--debug", "2", "--config", configPath],
    logPath,
    pidFile,
    { env: { ...process.env, CONSOLE_URL: options.consoleUrl, CONSOLE_SERVER_TOKEN: options.token } },
  );
  await waitForLog(logPath, /listening \(TCP\) on/, 10_000);

  const occtl = async (args: readonly string[]) => (await command("occtl", ["-s", occtlSocket, ...args])).stdout;
  const usersOf = async (username: string) =>
    (JSON.parse((await occtl(["--json", "show", "users"])) || "[]") as Record<string, unknown>[]).filter((row) => row.Username === username);
  return {
    name: options.name,
    port: options.port,
    logPath,
    authLogPath,
    caCert: pki.caCert,
    occtlSocket,
    async idOf(username) {
      return waitFor(`${username} in occtl show users`, 10_000, async () => {
        const mine = await usersOf(username);
        return mine.length === 1 ? Number(mine[0]?.ID) : undefined;
      });
    },
    async workerIds(username) {
      return (await usersOf(username)).map((row) => Number(row.ID));
    },
    async tunnelGateway(username) {
      const [row, ...more] = await usersOf(username);
      const gateway = row?.["P-t-P IPv4"];
      if (typeof gateway !== "string" || more.length > 0) throw new Error(`no single tunnel of ${username} in occtl show users`);
      return gateway;
    },
    logOffset: () => logOffset(logPath),
    stop: () => stopByPidFile(pidFile, "ocserv"),
  };
}

/** A vpnc-script stand-in: gives the tun device its address and a route to the tunnel network, leaves DNS alone. */
const VPNC_SCRIPT = `#!/bin/sh
if [ "$reason" = connect ]; then
	ip link set dev "$TUNDEV" up
	ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV"
	if [ -n "$INTERNAL_IP4_NETADDR" ] && [ -n "$INTERNAL_IP4_NETMASKLEN" ]; then
		ip route replace "$INTERNAL_IP4_NETADDR/$INTERNAL_IP4_NETMASKLEN" dev "$TUNDEV"
	fi
fi
exit 0
`;

export interface OpenconnectClient {
  logPath: string;
  logOffset(): Promise<number>;
  waitConnected(since?: number): Promise<void>;
  waitExited(): Promise<void>;
  /** SIGHUP: the tunnel ends without logging off, so the cookie stays usable. */
  disconnect(): Promise<void>;
  /** SIGTERM: logs off (ocserv forgets the cookie) and exits. */
  logout(): Promise<void>;
}

let clientCount = 0;

function serverUrl(server: OcservServer, side: ClientSide): string {
  return `https://${side.serverAddress}:${server.port}/`;
}

function commonArgs(server: OcservServer, side: ClientSide, username: string): string[] {
  return ["--protocol=anyconnect", `--user=${username}`, `--cafile=${server.caCert}`, "--no-dtls", "--non-inter", serverUrl(server, side)];
}

/** Logs in without connecting (`openconnect --authenticate`) and returns the session cookie. */
export async function openconnectLogin(server: OcservServer, side: ClientSide, username: string, password: string): Promise<string> {
  const { stdout } = await inNamespace(side.ns, "openconnect", ["--authenticate", "--passwd-on-stdin", ...commonArgs(server, side, username)], {
    input: `${password}\n`,
  });
  const cookie = /^COOKIE='([^']*)'/m.exec(stdout)?.[1];
  if (!cookie) throw new Error(`openconnect --authenticate printed no cookie: ${stdout}`);
  return cookie;
}

/** Connects with a password, or with a cookie from openconnectLogin (no password involved). */
export async function startOpenconnect(
  server: OcservServer,
  side: ClientSide,
  username: string,
  secret: { password: string } | { cookie: string },
): Promise<OpenconnectClient> {
  clientCount++;
  const dir = path.join(STATE_DIR, `openconnect${clientCount}`);
  await mkdir(dir, { mode: 0o700 });
  const script = path.join(dir, "vpnc-script");
  await writeFile(script, VPNC_SCRIPT, { mode: 0o755 });
  const logPath = path.join(dir, "openconnect.log");
  const pidFile = path.join(dir, "openconnect.pid");
  const byCookie = "cookie" in secret;
  await spawnLogged(
    side.ns,
    ["openconnect", byCookie ? "--cookie-on-stdin" : "--passwd-on-stdin", `--script=${script}`, ...commonArgs(server, side, username)],
    logPath,
    pidFile,
    { input: `${byCookie ? secret.cookie : secret.password}\n` },
  );
  // Until `ip netns exec` has replaced itself with openconnect, the pid runs `ip`: not exited yet.
  const hasExited = async () => {
    const pid = await readPid(pidFile);
    return pid === undefined || !((await runsBinary(pid, "openconnect")) || (await runsBinary(pid, "ip")));
  };
  return {
    logPath,
    logOffset: () => logOffset(logPath),
    async waitConnected(since = 0) {
      await waitForLog(logPath, /CSTP connected/, 30_000, since);
    },
    async waitExited() {
      await waitFor(`openconnect of ${username} to exit`, 30_000, async () => ((await hasExited()) ? true : undefined));
    },
    disconnect: () => stopByPidFile(pidFile, "openconnect", "SIGHUP", 10_000),
    logout: () => stopByPidFile(pidFile, "openconnect", "SIGTERM", 10_000),
  };
}
