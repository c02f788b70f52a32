// `npm run bench:hooks`: how fast the hook API takes a reconnect storm (a VPN server restarts and
// every client comes back with its session token). Starts the console (server.ts, production) on
// a fresh database, seeds N dormant sessions, replays token auth + connect for all of them at a
// given concurrency from a separate load process, and prints the figures next to a bare Node http
// server answering the same requests (the ceiling on this machine, in the same run).
//
//   npm run bench:hooks -- [--sessions 10000] [--concurrency 64] [--postgres] [--instances 1]
//                          [--port 3000] [--profile DIR]
//
// --postgres runs on a new database of the local PostgreSQL (TEST_POSTGRES_URL), dropped
// afterwards; SQLite otherwise. --instances N starts N consoles on that database and spreads the
// clients over them as a load balancer would (with N ceiling servers to compare against).
// --profile writes a V8 CPU profile of the console process into DIR (open it in Chrome DevTools).
//
// The same file is the load generator (`load <job.json>`) and the ceiling server (`ceiling <port>`),
// run as child processes so that neither shares an event loop with the server it measures.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import {
  benchScript,
  consoleEnv,
  consoleOptions,
  cpuSeconds,
  ensureBuild,
  freePort,
  option,
  percentile,
  postText,
  profileFlags,
  root,
  runJsonChild,
  startChild,
  stopChildren,
} from "./common";

const self = path.join(root, "scripts", "bench", "hooks.ts");

interface Job {
  /** The instances to spread the clients over (client k talks to baseUrls[k % length]). */
  baseUrls: string[];
  serverToken: string;
  concurrency: number;
  sessions: { username: string; token: string; ip: string; port: number }[];
}

interface LoadResult {
  requests: number;
  failures: number;
  firstFailure: string | null;
  seconds: number;
  requestMs: number[];
}

/** The answers the ceiling gives: what the console answers to the same requests. */
const CEILING_ANSWERS: Record<string, string> = {
  auth: "allow\n",
  connect: 'push "ping 10"\npush "ping-restart 60"\npush "session-timeout 86400"\n',
};

function runCeiling(port: number): void {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const action = (request.url ?? "").split("/").pop() ?? "";
      response.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
      response.end(CEILING_ANSWERS[action] ?? "ok\n");
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => console.log("listening"));
}

function post(agent: http.Agent, baseUrl: string, job: Job, action: string, fields: Record<string, string>): Promise<{ status: number; body: string }> {
  const headers = { Authorization: `Bearer ${job.serverToken}`, "Content-Type": "application/x-www-form-urlencoded", Accept: "text/plain" };
  return postText(agent, `${baseUrl}/api/hooks/v1/${action}`, headers, new URLSearchParams(fields).toString());
}

/** Token re-authentication then connect for every session, `concurrency` clients at a time. */
async function runLoad(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, "utf8")) as Job;
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const result: LoadResult = { requests: 0, failures: 0, firstFailure: null, seconds: 0, requestMs: [] };
  const timed = async (baseUrl: string, action: string, fields: Record<string, string>, ok: (body: string) => boolean) => {
    const started = performance.now();
    const answer = await post(agent, baseUrl, job, action, fields);
    result.requestMs.push(performance.now() - started);
    result.requests += 1;
    if (answer.status !== 200 || !ok(answer.body)) {
      result.failures += 1;
      result.firstFailure ??= `${action} ${answer.status}: ${answer.body.trim()}`;
    }
  };
  let next = 0;
  const client = async (baseUrl: string) => {
    for (let session = job.sessions[next++]; session; session = job.sessions[next++]) {
      const endpoint = { username: session.username, client_ip: session.ip, client_port: String(session.port) };
      await timed(baseUrl, "auth", { ...endpoint, password: session.token }, (body) => body === "allow\n");
      await timed(baseUrl, "connect", { ...endpoint, connection_id: `${session.ip}:${session.port}` }, (body) => body.includes("ping"));
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: job.concurrency }, (_, k) => client(job.baseUrls[k % job.baseUrls.length] ?? "")));
  result.seconds = (performance.now() - started) / 1000;
  agent.destroy();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runLoadProcess(jobFile: string): Promise<LoadResult> {
  return runJsonChild<LoadResult>(self, ["load", jobFile]);
}

function summarise(label: string, result: LoadResult) {
  const sorted = [...result.requestMs].sort((a, b) => a - b);
  const perSecond = result.requests / result.seconds;
  console.log(
    `${label.padEnd(22)} ${String(result.requests).padStart(7)} requests in ${result.seconds.toFixed(2).padStart(6)} s  ` +
      `${perSecond.toFixed(0).padStart(7)} req/s  p50 ${percentile(sorted, 50).toFixed(2).padStart(6)} ms  ` +
      `p99 ${percentile(sorted, 99).toFixed(2).padStart(7)} ms  failures ${result.failures}`,
  );
  if (result.firstFailure) console.log(`  first failure: ${result.firstFailure}`);
  return perSecond;
}

/** N users, each with one dormant session and its token, as a server restart leaves them. */
async function seed(count: number) {
  const { createTestDb } = await import("../../lib/testing/test-db");
  const { cliActor } = await import("../../lib/actor");
  const { registerServer } = await import("../../lib/servers");
  const { hashPassword, hashToken } = await import("../../lib/crypto");
  const { newSessionToken } = await import("../../lib/sessions/authority");
  const { effectivePolicyFor } = await import("../../lib/policies");

  const database = await createTestDb();
  const { db } = database;
  try {
    const { token: serverToken, server } = await registerServer(db, cliActor(), { name: "bench-edge", kind: "openvpn" });
    // One scrypt hash for all: seeding 10,000 real password hashes would take minutes.
    const passwordHash = await hashPassword(randomBytes(12).toString("base64url"));
    const now = new Date();
    const sessions: Job["sessions"] = [];
    const users = Array.from({ length: count }, (_, i) => ({ id: crypto.randomUUID(), username: `bench-${i}`, passwordHash }));
    // Every seeded user is in no group with no policy of their own: the DEFAULT policy applies.
    const policy = await effectivePolicyFor(db, { id: "", username: "", groupId: null, group: null });
    const rows = users.map((user, i) => {
      const token = newSessionToken();
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      sessions.push({ username: user.username, token, ip, port: 1024 + (i % 60_000) });
      return {
        userId: user.id,
        serverId: server.id,
        state: "dormant",
        stateReason: "tunnel dropped",
        tokenHash: hashToken(token),
        clientIp: ip,
        authenticatedAt: now,
        lastSeenAt: now,
        dormantSince: now,
        idleExpiresAt: new Date(now.getTime() + policy.idleTokenExpiry * 1000),
        expiresAt: new Date(now.getTime() + policy.sessionLifetime * 1000),
      };
    });
    for (let i = 0; i < count; i += 1000) {
      await db.vpnUser.createMany({ data: users.slice(i, i + 1000) });
      await db.session.createMany({ data: rows.slice(i, i + 1000) });
    }
    return { database, serverToken, sessions };
  } catch (error) {
    await database.drop();
    throw error;
  } finally {
    await db.$disconnect();
  }
}

async function checkOutcome(url: string, count: number): Promise<string> {
  const { createDb } = await import("../../lib/db");
  const db = createDb(url);
  try {
    const active = await db.session.count({ where: { state: "active" } });
    const connections = await db.connection.count({ where: { disconnectedAt: null } });
    const ok = active === count && connections === count;
    return `${ok ? "ok" : "MISMATCH"}: ${active} of ${count} sessions active, ${connections} open connections`;
  } finally {
    await db.$disconnect();
  }
}

export interface HookBenchOptions {
  sessions: number;
  concurrency: number;
  postgres: boolean;
  /** Console instances sharing the database, the load spread over them as a load balancer would. */
  instances: number;
  /** Port of the first instance; further instances and the ceilings take free ports. */
  port?: number;
  profileDir?: string;
}

export interface HookBenchFigures {
  reconnects: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  reconnectsPerSecond: number;
  ceilingRequestsPerSecond: number;
  /** Console CPU time per reconnect over all instances, or null off Linux. */
  cpuMsPerReconnect: number | null;
  failures: number;
  outcome: string;
}

/** Seeds, starts the console instances and their ceilings, replays the storm, prints and returns the figures. */
export async function benchHooks(options: HookBenchOptions): Promise<HookBenchFigures> {
  const { sessions: count, concurrency, instances } = options;
  process.env.TEST_DATABASE = options.postgres ? "postgresql" : "sqlite";
  ensureBuild();

  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-hooks-"));
  const children: ChildProcess[] = [];
  console.log(`seeding ${count} users with a dormant session each (${options.postgres ? "PostgreSQL" : "SQLite"})...`);
  const { database, serverToken, sessions } = await seed(count);
  try {
    const consoles: ChildProcess[] = [];
    const consoleUrls: string[] = [];
    const ceilingUrls: string[] = [];
    const profile = profileFlags(options.profileDir);
    for (let k = 0; k < instances; k += 1) {
      const port = k === 0 && options.port ? options.port : await freePort();
      const ceilingPort = await freePort();
      const env = consoleEnv(database.url, port);
      children.push(await startChild([self, "ceiling", String(ceilingPort)], env, "listening"));
      const server = await startChild([path.join(root, "server.ts")], env, "listening", profile);
      children.push(server);
      consoles.push(server);
      consoleUrls.push(`http://127.0.0.1:${port}`);
      ceilingUrls.push(`http://127.0.0.1:${ceilingPort}`);
    }

    const job = (name: string, baseUrls: string[]) => {
      const file = path.join(dir, `job-${name}.json`);
      writeFileSync(file, JSON.stringify({ baseUrls, serverToken, concurrency, sessions } satisfies Job));
      return file;
    };
    const spread = instances > 1 ? ` spread over ${instances} instances` : "";
    console.log(`${count} reconnects (token auth + connect), concurrency ${concurrency}${spread}, ${os.cpus().length} CPUs\n`);
    const ceilingResult = await runLoadProcess(job("ceiling", ceilingUrls));
    const ceiling = summarise(instances > 1 ? `bare node http x${instances}` : "bare node http", ceilingResult);
    const cpu = () => consoles.reduce<number | null>((sum, server) => {
      const seconds = cpuSeconds(server.pid);
      return sum === null || seconds === null ? null : sum + seconds;
    }, 0);
    const cpuBefore = cpu();
    const consoleResult = await runLoadProcess(job("console", consoleUrls));
    const cpuAfter = cpu();
    const consoleRate = summarise(instances > 1 ? `console hook API x${instances}` : "console hook API", consoleResult);
    const cpuMsPerReconnect = cpuBefore !== null && cpuAfter !== null ? (1000 * (cpuAfter - cpuBefore)) / count : null;
    console.log(`\nreconnects/s ${(count / consoleResult.seconds).toFixed(0)}; ${count} reconnects in ${consoleResult.seconds.toFixed(2)} s`);
    if (cpuMsPerReconnect !== null) {
      console.log(`console CPU: ${((cpuMsPerReconnect * count) / 1000).toFixed(1)} s, ${cpuMsPerReconnect.toFixed(2)} ms per reconnect`);
    }
    console.log(`ratio to the ceiling: 1/${(ceiling / consoleRate).toFixed(1)} (${((100 * consoleRate) / ceiling).toFixed(1)} %)`);
    const outcome = await checkOutcome(database.url, count);
    console.log(`database after the run: ${outcome}`);
    const sorted = [...consoleResult.requestMs].sort((a, b) => a - b);
    return {
      reconnects: count,
      seconds: consoleResult.seconds,
      requestsPerSecond: consoleRate,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      p99Ms: percentile(sorted, 99),
      reconnectsPerSecond: count / consoleResult.seconds,
      ceilingRequestsPerSecond: ceiling,
      cpuMsPerReconnect,
      failures: consoleResult.failures,
      outcome,
    };
  } finally {
    await stopChildren(children);
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
}

async function main(): Promise<void> {
  const figures = await benchHooks({
    sessions: option("sessions", 10_000),
    concurrency: option("concurrency", 64),
    postgres: process.argv.includes("--postgres"),
    instances: option("instances", 1),
    ...consoleOptions(),
  });
  if (figures.failures > 0 || figures.outcome.startsWith("MISMATCH")) process.exitCode = 1;
}

benchScript(import.meta.url, { ceiling: runCeiling, load: runLoad, main });
