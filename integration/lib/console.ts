// The real console for the integration tests: server.ts (as `npm start` runs it, production mode)
// on a fresh SQLite database in STATE_DIR, listening on the root end of the uplink so that hooks
// inside the server namespace reach it. Tests change users, servers and policies through its admin
// API, and read sessions and connections from its database. integration/fleet.test.ts starts
// several, named, on one PostgreSQL database.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { cliActor } from "../../lib/actor";
import { createApiToken } from "../../lib/api-tokens";
import { db, type Db } from "../../lib/db";
import { CONSOLE_ADDRESS } from "./network";
import { labPort, ROOT, STATE_DIR } from "./paths";
import { isAlive } from "./processes";
import { logOffset, sleep, waitForLog } from "./wait";

/** vitest.config.mts points DATABASE_URL (and so lib/db's `db`) at this file. */
export const DATABASE_FILE = path.join(STATE_DIR, "console.db");
/** The console's port unless a test file asks for its own. */
export const CONSOLE_PORT = labPort(3241);
/** console.pid, or console-NAME.pid for a named instance of a fleet. */
const CONSOLE_PID_FILE = /^console(-[a-z0-9]+)?\.pid$/;

/** Stops consoles an interrupted run left behind (only pids that still run our server.ts). */
async function stopStaleConsoles(): Promise<void> {
  const files = await readdir(STATE_DIR).catch(() => []);
  for (const file of files.filter((name) => CONSOLE_PID_FILE.test(name))) {
    const pid = Number.parseInt(await readFile(path.join(STATE_DIR, file), "utf8").catch(() => ""), 10);
    if (!Number.isInteger(pid) || !isAlive(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(path.join(ROOT, "server.ts"))) process.kill(-pid, "SIGKILL");
  }
}

export async function removeState(): Promise<void> {
  await stopStaleConsoles();
  await rm(STATE_DIR, { recursive: true, force: true });
}

/** A fresh STATE_DIR. 0711: ocserv's unprivileged workers must traverse into their socket directory below. */
export async function createState(): Promise<void> {
  await removeState();
  await mkdir(STATE_DIR, { recursive: true, mode: 0o711 });
}

export interface ConsoleOptions {
  port?: number;
  /** Names an instance of a fleet: its own pid and log files. */
  name?: string;
  /** Default: a fresh SQLite database in a fresh STATE_DIR. Given: STATE_DIR is left as it is. */
  database?: { url: string; db: Db };
  /** Every instance of a fleet shares it; default a random one. */
  nextAuthSecret?: string;
  env?: Record<string, string>;
}

export interface RunningConsole {
  url: string;
  /** server.ts's stdout and stderr (JSON log lines), across restarts. */
  logPath: string;
  /** Calls the admin API with an admin token; throws on any non-2xx answer. */
  api<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  /** Registers a VPN server; returns its hook token. */
  registerServer(name: string, kind: "openvpn" | "ocserv"): Promise<string>;
  createUser(username: string, password: string): Promise<void>;
  /** Sets fields of a user's own policy (null = inherit). */
  setUserPolicy(username: string, fields: Record<string, unknown>): Promise<void>;
  /** Ends the console process with `signal` (default SIGTERM, SIGKILL after 10 s); the database stays. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL: the instance dies at once, giving nothing up (no lease released, no connection closed). */
  kill(): Promise<void>;
  /** Starts the console again after `stop` or `kill`, on the same database, port and secrets. */
  start(): Promise<void>;
}

export async function startConsole(options: ConsoleOptions = {}): Promise<RunningConsole> {
  const port = options.port ?? CONSOLE_PORT;
  const url = `http://${CONSOLE_ADDRESS}:${port}`;
  const suffix = options.name ? `-${options.name}` : "";
  const files = { pid: path.join(STATE_DIR, `console${suffix}.pid`), log: path.join(STATE_DIR, `console${suffix}.log`) };
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    throw new Error("the console has no production build: run `npx next build` first (scripts/test.sh runs it before this stage)");
  }
  if (!options.database) await createState();
  // Kept across restarts: a restarted console must accept the sign-in cookies of the one before.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOSTNAME: CONSOLE_ADDRESS,
    DATABASE_URL: options.database?.url ?? `file:${DATABASE_FILE}`,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: options.nextAuthSecret ?? randomBytes(32).toString("base64url"),
    ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
    ...options.env,
  };
  let running = await launch(env, files);

  const { token: adminToken } = await createApiToken(options.database?.db ?? db, cliActor(), { name: `integration${suffix}`, role: "admin" });
  async function api<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { Authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    url,
    logPath: files.log,
    api,
    async registerServer(name, kind) {
      return (await api<{ token: string }>("POST", "/api/servers", { name, kind })).token;
    },
    async createUser(username, password) {
      await api("POST", "/api/vpn-users", { username, password });
    },
    async setUserPolicy(username, fields) {
      await api("PUT", `/api/policies/users/${encodeURIComponent(username)}`, fields);
    },
    stop: (signal) => running.stop(signal),
    kill: () => running.stop("SIGKILL"),
    async start() {
      if (!running.exited()) throw new Error("the console is still running");
      running = await launch(env, files);
    },
  };
}

interface Launched {
  exited(): boolean;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts server.ts with `env` and waits until it listens. */
async function launch(env: NodeJS.ProcessEnv, files: { pid: string; log: string }): Promise<Launched> {
  const since = await logOffset(files.log);
  const log = await open(files.log, "a");
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "server.ts")], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", log.fd, log.fd],
    env,
  });
  await log.close();
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start server.ts");
  await writeFile(files.pid, `${pid}\n`);
  let exited = false;
  child.on("exit", () => (exited = true));
  try {
    await waitForLog(files.log, /"msg":"listening"/, 60_000, since);
  } catch (error) {
    if (!exited) process.kill(-pid, "SIGKILL");
    throw error;
  }
  return {
    exited: () => exited,
    async stop(signal = "SIGTERM") {
      if (exited) return;
      process.kill(-pid, signal);
      for (let i = 0; i < 100 && !exited; i++) await sleep(100);
      if (!exited) process.kill(-pid, "SIGKILL");
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    },
  };
}
