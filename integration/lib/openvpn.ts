// OpenVPN 2.6 servers (in the server namespace) configured from the block in docs/openvpn.md, and
// clients (in client namespaces) that log in with a password file.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { docsBlock, replaceAll } from "./docs";
import { inNamespace } from "./exec";
import { managementCommand } from "./management";
import { ROOT, STATE_DIR } from "./paths";
import type { Pki } from "./pki";
import { readPid, runsBinary, stopByPidFile } from "./processes";
import { SERVER_NS, type ClientSide } from "./network";
import { logOffset, logTail, waitFor, waitForLog } from "./wait";

const DOCS = path.join(ROOT, "docs", "openvpn.md");

export interface OpenVpnServerOptions {
  name: string;
  port: number;
  /** Tunnel network, e.g. 10.8.1.0 (a /24). */
  network: string;
  consoleUrl: string;
  token: string;
  /** Lines appended to the docs block (e.g. `auth-gen-token 0 external-auth`). */
  extraConfig?: string[];
}

/** One `CLIENT_LIST` row of the management interface's `status 3`. */
export interface ClientListRow {
  username: string;
  /** "ip:port": the connection_id the hooks report. */
  realAddress: string;
  virtualAddress: string;
  clientId: number;
  /** The daemon's own counters for the tunnel: from the client, and to it. */
  bytesReceived: bigint;
  bytesSent: bigint;
}

export interface OpenVpnServer {
  name: string;
  port: number;
  logPath: string;
  caCert: string;
  /** The management interface's unix socket (one client at a time: the harness or an agent). */
  managementSocket: string;
  clientList(): Promise<ClientListRow[]>;
  /** The one row of `username`, waiting for it to appear. */
  clientOf(username: string): Promise<ClientListRow>;
  /** `client-kill CID`: drops the tunnel; the client reconnects (with its session token). */
  killClient(clientId: number): Promise<void>;
  logOffset(): Promise<number>;
  /** SIGTERM by default (clients are told to restart, hooks run); SIGKILL as a crash would end it. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the daemon again after `stop`, with the same configuration (its counters start at 0). */
  start(): Promise<void>;
}

/** `openvpn --daemon`: config errors end it before it forks, and are only in its log. */
async function startDaemon(ns: string, configPath: string, pidFile: string, logPath: string): Promise<void> {
  const result = await inNamespace(ns, "openvpn", ["--config", configPath, "--daemon", "--writepid", pidFile], { allowFailure: true });
  if (result.code !== 0) throw new Error(`openvpn --config ${configPath} failed (exit ${result.code})\n${await logTail(logPath)}`);
  // The daemon writes its pid file after forking, a moment after the parent has returned.
  await waitFor(`${pidFile} to be written`, 5_000, async () => ((await readPid(pidFile)) === undefined ? undefined : true));
}

export async function startOpenVpnServer(pki: Pki, options: OpenVpnServerOptions): Promise<OpenVpnServer> {
  const dir = path.join(STATE_DIR, options.name);
  await mkdir(path.join(dir, "tmp"), { recursive: true, mode: 0o700 });
  const configPath = path.join(dir, "server.conf");
  const logPath = path.join(dir, "server.log");
  const pidFile = path.join(dir, "openvpn.pid");
  const managementSocket = path.join(dir, "management.sock");
  const documented = replaceAll(await docsBlock(DOCS, "openvpn-server"), {
    "port 1194": `port ${options.port}`,
    "10.8.0.0": options.network,
    "/etc/openvpn/server/ca.crt": pki.caCert,
    "/etc/openvpn/server/server.crt": pki.serverCert,
    "/etc/openvpn/server/server.key": pki.serverKey,
    "https://console.example.net": options.consoleUrl,
    scs_replace_with_the_token_from_step_1: options.token,
    "/opt/session-console/hooks": path.join(ROOT, "hooks"),
  });
  const testing = [
    // What the tests observe the server through.
    `management ${managementSocket} unix`,
    // Appending: a restarted daemon keeps the log of the one before.
    `log-append ${logPath}`,
    `tmp-dir ${path.join(dir, "tmp")}`,
    "verb 3",
    ...(options.extraConfig ?? []),
  ];
  await writeFile(configPath, `${documented}\n${testing.join("\n")}\n`, { mode: 0o600 });
  await startDaemon(SERVER_NS, configPath, pidFile, logPath);
  await waitForLog(logPath, /Initialization Sequence Completed/, 15_000);

  const management = (cmd: string) => managementCommand(managementSocket, cmd);
  const clientList = async () =>
    (await management("status 3"))
      .map((line) => line.split("\t"))
      .filter((cols) => cols[0] === "CLIENT_LIST")
      .map((cols) => ({
        realAddress: cols[2] ?? "",
        virtualAddress: cols[3] ?? "",
        bytesReceived: BigInt(cols[5] ?? ""),
        bytesSent: BigInt(cols[6] ?? ""),
        username: cols[9] ?? "",
        clientId: Number(cols[10]),
      }));
  return {
    name: options.name,
    port: options.port,
    logPath,
    caCert: pki.caCert,
    managementSocket,
    clientList,
    async clientOf(username) {
      return waitFor(`${username} in status 3`, 10_000, async () => {
        const rows = (await clientList()).filter((row) => row.username === username);
        return rows.length === 1 ? rows[0] : undefined;
      });
    },
    async killClient(clientId) {
      await management(`client-kill ${clientId}`);
    },
    logOffset: () => logOffset(logPath),
    stop: (signal) => stopByPidFile(pidFile, "openvpn", signal),
    async start() {
      const since = await logOffset(logPath);
      await startDaemon(SERVER_NS, configPath, pidFile, logPath);
      await waitForLog(logPath, /Initialization Sequence Completed/, 15_000, since);
    },
  };
}

export interface OpenVpnClient {
  logPath: string;
  /** The credentials file OpenVPN reads the password from (again) whenever it needs one. */
  credentialsPath: string;
  logOffset(): Promise<number>;
  /** Waits for the next "Initialization Sequence Completed" after log offset `since`. */
  waitConnected(since?: number): Promise<void>;
  waitExited(): Promise<void>;
  /** Replaces the stored password, e.g. so that a reconnect can succeed only with the token. */
  setPassword(password: string): Promise<void>;
  signal(signal: NodeJS.Signals): Promise<void>;
  /** Graceful exit: SIGTERM, and the client tells the server it leaves (explicit-exit-notify). */
  stop(): Promise<void>;
}

let clientCount = 0;

export async function startOpenVpnClient(
  server: OpenVpnServer,
  side: ClientSide,
  credentials: { username: string; password: string },
  extraConfig: string[] = [],
  /** A fixed source port (`lport`): every reconnect comes from the same ip:port, the same connection id. */
  localPort?: number,
): Promise<OpenVpnClient> {
  clientCount++;
  const dir = path.join(STATE_DIR, `openvpn-client${clientCount}`);
  await mkdir(dir, { mode: 0o700 });
  const credentialsPath = path.join(dir, "credentials");
  const writeCredentials = (password: string) => writeFile(credentialsPath, `${credentials.username}\n${password}\n`, { mode: 0o600 });
  await writeCredentials(credentials.password);
  const configPath = path.join(dir, "client.conf");
  const logPath = path.join(dir, "client.log");
  const pidFile = path.join(dir, "openvpn.pid");
  const lines = [
    "client",
    "dev tun",
    "proto udp",
    `remote ${side.serverAddress} ${server.port}`,
    localPort === undefined ? "nobind" : `lport ${localPort}`,
    `ca ${server.caCert}`,
    "remote-cert-tls server",
    `auth-user-pass ${credentialsPath}`,
    // Keep no password in memory: a reconnect uses the pushed token, or reads the file again.
    "auth-nocache",
    "auth-retry none",
    "connect-retry 1 2",
    "explicit-exit-notify 1",
    // No routes or DNS from the server: the client namespace only needs the tunnel itself.
    "pull-filter ignore redirect-gateway",
    `log ${logPath}`,
    "verb 3",
    ...extraConfig,
  ];
  await writeFile(configPath, `${lines.join("\n")}\n`, { mode: 0o600 });
  await startDaemon(side.ns, configPath, pidFile, logPath);

  const isRunning = async () => {
    const pid = await readPid(pidFile);
    return pid !== undefined && (await runsBinary(pid, "openvpn"));
  };
  return {
    logPath,
    credentialsPath,
    logOffset: () => logOffset(logPath),
    async waitConnected(since = 0) {
      await waitForLog(logPath, /Initialization Sequence Completed/, 30_000, since);
    },
    async waitExited() {
      await waitFor(`the client of ${credentials.username} to exit`, 30_000, async () => ((await isRunning()) ? undefined : true));
    },
    setPassword: writeCredentials,
    async signal(signal) {
      const pid = await readPid(pidFile);
      if (pid !== undefined && (await runsBinary(pid, "openvpn"))) process.kill(pid, signal);
    },
    stop: () => stopByPidFile(pidFile, "openvpn", "SIGTERM", 10_000),
  };
}
