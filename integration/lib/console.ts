// The real console for the integration tests: server.ts (as `npm start` runs it, production mode)
// on a fresh SQLite database in STATE_DIR, listening on the root end of the uplink so that hooks
// inside the server namespace reach it. Tests change users, servers and policies through its admin
// API, and read sessions and connections from its database.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { cliActor } from "../../lib/actor";
import { createApiToken } from "../../lib/api-tokens";
import { db } from "../../lib/db";
import { CONSOLE_ADDRESS } from "./network";
import { labPort, ROOT, STATE_DIR } from "./paths";
import { isAlive } from "./processes";
import { logOffset, sleep, waitForLog } from "./wait";

/** vitest.config.mts points DATABASE_URL (and so lib/db's `db`) at this file. */
export const DATABASE_FILE = path.join(STATE_DIR, "console.db");
/** The console's port unless a test file asks for its own. */
export const CONSOLE_PORT = labPort(3241);
const PID_FILE = path.join(STATE_DIR, "console.pid");
const CONSOLE_LOG = path.join(STATE_DIR, "console.log");

/** Stops a console an interrupted run left behind (only if the pid still runs our server.ts). */
async function stopStaleConsole(): Promise<void> {
  const pid = Number.parseInt(await readFile(PID_FILE, "utf8").catch(() => ""), 10);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  if (!cmdline.includes(path.join(ROOT, "server.ts"))) return;
  process.kill(-pid, "SIGKILL");
}

export async function removeState(): Promise<void> {
  await stopStaleConsole();
  await rm(STATE_DIR, { recursive: true, force: true });
}

export interface RunningConsole {
  url: string;
  /** server.ts's stdout and stderr, across restarts. */
  logPath: string;
  /** Calls the admin API with an admin token; throws on any non-2xx answer. */
  api<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  /** Registers a VPN server and returns its hook token. */
  registerServer(name: string, kind: "openvpn" | "ocserv"): Promise<string>;
  createUser(username: string, password: string): Promise<void>;
  /** Sets fields of a user's own policy (null = inherit). */
  setUserPolicy(username: string, fields: Record<string, unknown>): Promise<void>;
  /** Ends the console process with `signal` (default SIGTERM, SIGKILL after 10 s); the database stays. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the console again after `stop`, on the same database, port and secrets. */
  start(): Promise<void>;
}

export async function startConsole(port = CONSOLE_PORT): Promise<RunningConsole> {
  const url = `http://${CONSOLE_ADDRESS}:${port}`;
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    throw new Error("the console has no production build: run `npx next build` first (scripts/test.sh runs it before this stage)");
  }
  await removeState();
  // 0711: ocserv's unprivileged workers must traverse into their socket directory below.
  await mkdir(STATE_DIR, { recursive: true, mode: 0o711 });
  // Kept across restarts: a restarted console must accept the sign-in cookies of the one before.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOSTNAME: CONSOLE_ADDRESS,
    DATABASE_URL: `file:${DATABASE_FILE}`,
    NEXTAUTH_URL: url,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
  };
  let running = await launch(env);

  const { token: adminToken } = await createApiToken(db, cliActor(), { name: "integration", role: "admin" });
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
    logPath: CONSOLE_LOG,
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
    async start() {
      if (!running.exited()) throw new Error("the console is still running");
      running = await launch(env);
    },
  };
}

interface Launched {
  exited(): boolean;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts server.ts on the state directory's database and waits until it listens. */
async function launch(env: NodeJS.ProcessEnv): Promise<Launched> {
  const since = await logOffset(CONSOLE_LOG);
  const log = await open(CONSOLE_LOG, "a");
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "server.ts")], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", log.fd, log.fd],
    env,
  });
  await log.close();
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start server.ts");
  await writeFile(PID_FILE, `${pid}\n`);
  let exited = false;
  child.on("exit", () => (exited = true));
  try {
    await waitForLog(CONSOLE_LOG, /"msg":"listening"/, 60_000, since);
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
