// `npm run bench:traffic`: how fast the console takes traffic reports, and how fast Current Users
// answers while many tunnels are up. Starts the console (server.ts, production) on a fresh
// database, seeds N users each with one active session and one open connection, then
//  1. posts traffic reports of 1,000 cumulative counters each to POST /api/hooks/v1/traffic from
//     a separate load process and prints counter updates ingested per second, counted until the
//     last of them is in the database (the console answers before it writes), next to a bare Node
//     http server receiving the same reports (the ceiling on this machine, in the same run);
//  2. times GET /api/current-users with an admin API token: the default page, a sorted and
//     filtered page, and the rate and inactivity-window sorts (p50, p95, p99);
//  3. prints the console's resident memory with those N live connections.
//
//   npm run bench:traffic -- [--sessions 10000] [--batches 1000] [--concurrency 4] [--requests 200]
//                            [--port 3000] [--postgres] [--profile DIR]
//
// --postgres runs on a new database of the local PostgreSQL (TEST_POSTGRES_URL, default
// postgresql://postgres@127.0.0.1:5432/postgres), dropped afterwards; SQLite otherwise. --port
// also places the ceiling server on the next port. --profile writes a V8 CPU profile of the console.
//
// The same file is the load generator (`load <job.json>`) and the ceiling server (`ceiling <port>`).
import type { ChildProcess } from "node:child_process";
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
  residentMemory,
  root,
  runJsonChild,
  startChild,
  stopChildren,
} from "./common";

const self = path.join(root, "scripts", "bench", "traffic.ts");
/** Counters per traffic report, as an agent sends them. */
const BATCH_SIZE = 1000;

interface Job {
  baseUrl: string;
  serverToken: string;
  concurrency: number;
  connections: number;
  batches: number;
  /** Unix seconds before the first report; each round over all connections is one second later. */
  startAt: number;
}

interface LoadResult {
  requests: number;
  updates: number;
  applied: number;
  failures: number;
  firstFailure: string | null;
  seconds: number;
  requestMs: number[];
}

/** Round of report `index` (counting every counter of every report): counters and read time grow each round. */
const roundOf = (index: number, connections: number) => Math.floor(index / connections) + 1;
const BYTES_IN_PER_ROUND = 4096;

/** The report bodies of a job: batch b carries connections b*1000.. (wrapping), counters growing each round. */
function reportBodies(job: Job): string[] {
  return Array.from({ length: job.batches }, (_, batch) => {
    const connections = Array.from({ length: BATCH_SIZE }, (_, k) => {
      const index = batch * BATCH_SIZE + k;
      const round = roundOf(index, job.connections);
      return { connection_id: `c-${index % job.connections}`, bytes_received: round * BYTES_IN_PER_ROUND, bytes_sent: round * 1024, at: job.startAt + round };
    });
    return JSON.stringify({ connections });
  });
}

/** The sum of every connection's bytes in once all the job's reports are stored. */
function storedBytesIn(connections: number, batches: number): bigint {
  let total = 0n;
  const last = batches * BATCH_SIZE - 1;
  for (let c = 0; c < Math.min(connections, last + 1); c++) {
    // The last report of connection c is the last index ≡ c (mod connections).
    const index = last - ((((last - c) % connections) + connections) % connections);
    total += BigInt(roundOf(index, connections) * BYTES_IN_PER_ROUND);
  }
  return total;
}

/** Waits until the database holds `expected` bytes in over all connections; the seconds it took. */
async function waitUntilStored(url: string, expected: bigint): Promise<number> {
  const { createDb } = await import("../../lib/db");
  const db = createDb(url);
  const started = performance.now();
  try {
    for (;;) {
      const sum = await db.connection.aggregate({ _sum: { bytesIn: true } });
      if ((sum._sum.bytesIn ?? 0n) >= expected) return (performance.now() - started) / 1000;
      if (performance.now() - started > 60_000) throw new Error(`the reports were not all stored after 60 s (${sum._sum.bytesIn} of ${expected} bytes)`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await db.$disconnect();
  }
}

/**
 * The ceiling: answers a traffic report with its count, and a GET of Current Users with the last
 * page PUT to it (the console's own answer, so that both send the same bytes).
 */
function runCeiling(port: number): void {
  let page = "{}";
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method === "PUT") page = Buffer.concat(chunks).toString("utf8");
      if (request.method !== "POST") {
        response.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
        response.end(page);
        return;
      }
      const report = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { connections: unknown[] };
      response.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
      response.end(JSON.stringify({ applied: report.connections.length, stale: 0, resets: [], unknown: [], ended: [] }));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => console.log("listening"));
}

function postReport(agent: http.Agent, job: Job, body: string): Promise<{ status: number; body: string }> {
  const headers = { Authorization: `Bearer ${job.serverToken}`, "Content-Type": "application/json", Accept: "application/json" };
  return postText(agent, `${job.baseUrl}/api/hooks/v1/traffic`, headers, body);
}

/** Posts every report, `concurrency` at a time, and counts the updates the answers say were applied. */
async function runLoad(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, "utf8")) as Job;
  const bodies = reportBodies(job);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const result: LoadResult = { requests: 0, updates: 0, applied: 0, failures: 0, firstFailure: null, seconds: 0, requestMs: [] };
  // Reports of the same connections go out one after the other, as one agent sends them: a later
  // report overtaking an earlier one would make the earlier one stale.
  const blocks = Math.max(1, Math.floor(job.connections / BATCH_SIZE));
  const lastOfBlock = new Map<number, Promise<unknown>>();
  let next = 0;
  const client = async () => {
    for (let batch = next++, body = bodies[batch]; body; batch = next++, body = bodies[batch]) {
      const previous = lastOfBlock.get(batch % blocks);
      let done: () => void = () => undefined;
      lastOfBlock.set(batch % blocks, new Promise<void>((resolve) => (done = resolve)));
      await previous;
      const started = performance.now();
      const answer = await postReport(agent, job, body).finally(() => done());
      result.requestMs.push(performance.now() - started);
      result.requests += 1;
      result.updates += BATCH_SIZE;
      const applied = answer.status === 200 ? ((JSON.parse(answer.body) as { applied?: number }).applied ?? 0) : 0;
      result.applied += applied;
      if (applied !== BATCH_SIZE) {
        result.failures += 1;
        result.firstFailure ??= `${answer.status}: ${answer.body.slice(0, 300)}`;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: job.concurrency }, client));
  result.seconds = (performance.now() - started) / 1000;
  agent.destroy();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function summarise(label: string, result: LoadResult): number {
  const sorted = [...result.requestMs].sort((a, b) => a - b);
  const perSecond = result.applied / result.seconds;
  console.log(
    `${label.padEnd(22)} ${String(result.requests).padStart(5)} reports in ${result.seconds.toFixed(2).padStart(6)} s  ` +
      `${perSecond.toFixed(0).padStart(8)} updates/s  report p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms  ` +
      `p99 ${percentile(sorted, 99).toFixed(1).padStart(7)} ms  failures ${result.failures}`,
  );
  if (result.firstFailure) console.log(`  first failure: ${result.firstFailure}`);
  return perSecond;
}

/** N users, each with one active session and one open connection `c-<i>`; a server; an admin API token. */
async function seed(count: number) {
  const { createTestDb } = await import("../../lib/testing/test-db");
  const { cliActor } = await import("../../lib/actor");
  const { registerServer } = await import("../../lib/servers");
  const { createApiToken } = await import("../../lib/api-tokens");
  const { effectivePolicyFor, updateScopePolicy } = await import("../../lib/policies");

  const database = await createTestDb();
  const { db } = database;
  const { token: serverToken, server } = await registerServer(db, cliActor(), { name: "bench-edge", kind: "openvpn" });
  const { token: apiToken } = await createApiToken(db, cliActor(), { name: "bench", role: "admin" });
  // An inactivity threshold on DEFAULT, so that every tunnel shows its window against it.
  await updateScopePolicy(db, cliActor(), { scope: "default" }, { inactivityWindow: 60, inactivityBytes: 100_000 });
  const policy = await effectivePolicyFor(db, { id: "", username: "", groupId: null, group: null });
  const now = new Date();
  for (let start = 0; start < count; start += 1000) {
    const indexes = Array.from({ length: Math.min(1000, count - start) }, (_, k) => start + k);
    const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const rows = indexes.map((i) => {
      const user = { id: crypto.randomUUID(), username: `bench-${i}`, passwordHash: "-" };
      const session = {
        id: crypto.randomUUID(),
        userId: user.id,
        serverId: server.id,
        state: "active",
        clientIp: ip(i),
        authenticatedAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + policy.sessionLifetime * 1000),
      };
      const connection = {
        sessionId: session.id,
        serverId: server.id,
        externalId: `c-${i}`,
        clientIp: ip(i),
        vpnIp: `172.16.${(i >> 8) & 255}.${i & 255}`,
        // Up for a day and more, so every reading of the load (dated up to its start) follows the connect.
        connectedAt: new Date(now.getTime() - (86_400 + i) * 1000),
      };
      return { user, session, connection };
    });
    await db.vpnUser.createMany({ data: rows.map((row) => row.user) });
    await db.session.createMany({ data: rows.map((row) => row.session) });
    await db.connection.createMany({ data: rows.map((row) => row.connection) });
  }
  return { database, serverToken, apiToken };
}

export interface LatencyFigures {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** `requests` sequential GETs of one Current Users page; prints p50/p95/p99 and the rows it saw. */
async function timeCurrentUsers(
  baseUrl: string,
  apiToken: string,
  label: string,
  query: string,
  requests: number,
): Promise<{ figures: LatencyFigures; lastPage: string }> {
  const times: number[] = [];
  let total = -1;
  let lastPage = "";
  for (let i = 0; i < requests; i += 1) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/api/current-users${query}`, { headers: { Authorization: `Bearer ${apiToken}` } });
    lastPage = await response.text();
    times.push(performance.now() - started);
    if (!response.ok) throw new Error(`GET /api/current-users${query}: ${response.status} ${lastPage.slice(0, 300)}`);
    total = (JSON.parse(lastPage) as { total?: number }).total ?? -1;
  }
  const sorted = times.sort((a, b) => a - b);
  const matches = total >= 0 ? `, ${total} matching connections` : "";
  console.log(
    `${label.padEnd(38)} p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms  p95 ${percentile(sorted, 95).toFixed(1).padStart(6)} ms  ` +
      `p99 ${percentile(sorted, 99).toFixed(1).padStart(6)} ms  (${requests} requests${matches})`,
  );
  return { figures: { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99) }, lastPage };
}

/** The same sequential GETs against the ceiling, which answers with `page` (the console's own answer). */
async function timeCeilingPage(ceilingUrl: string, page: string, requests: number): Promise<LatencyFigures> {
  await fetch(`${ceilingUrl}/api/current-users`, { method: "PUT", body: page });
  return (await timeCurrentUsers(ceilingUrl, "-", "bare node http, same page", "", requests)).figures;
}

export interface TrafficBenchOptions {
  sessions: number;
  batches: number;
  concurrency: number;
  requests: number;
  postgres: boolean;
  port?: number;
  profileDir?: string;
}

export interface TrafficBenchFigures {
  updatesPerSecond: number;
  reportP50Ms: number;
  reportP95Ms: number;
  reportP99Ms: number;
  ceilingUpdatesPerSecond: number;
  cpuMicrosPerUpdate: number | null;
  failures: number;
  currentUsers: LatencyFigures;
  currentUsersSearch: LatencyFigures;
  /** The ceiling sending the console's default page. */
  currentUsersCeiling: LatencyFigures;
  /** The console's resident memory with N live connections, after the run, and its peak. */
  memory: { currentMiB: number; peakMiB: number } | null;
}

/** Seeds N live connections, starts the console and the ceiling, measures, prints and returns the figures. */
export async function benchTraffic(options: TrafficBenchOptions): Promise<TrafficBenchFigures> {
  const { sessions: count, batches, requests } = options;
  // Two reports of one connection in flight at once may land out of order (the later one is then
  // stale): keep at most one round of reports in flight.
  const concurrency = Math.min(options.concurrency, Math.max(1, Math.floor(count / BATCH_SIZE)));
  const port = options.port ?? (await freePort());
  const ceilingPort = options.port ? port + 1 : await freePort();
  process.env.TEST_DATABASE = options.postgres ? "postgresql" : "sqlite";

  ensureBuild();
  console.log(`seeding ${count} users with an active session and an open connection each (${options.postgres ? "PostgreSQL" : "SQLite"})...`);
  const { database, serverToken, apiToken } = await seed(count);
  await database.db.$disconnect();
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-traffic-"));
  const children: ChildProcess[] = [];
  try {
    const env = consoleEnv(database.url, port);
    children.push(await startChild([self, "ceiling", String(ceilingPort)], env, "listening"));
    const profile = profileFlags(options.profileDir);
    const server = await startChild([path.join(root, "server.ts")], env, "listening", profile);
    children.push(server);

    const job = (baseUrl: string) => {
      const file = path.join(dir, `job-${baseUrl.split(":").pop()}.json`);
      // The readings a second apart, the last one read as the load starts: Current Users, right
      // after, sees recent rates and inactivity windows.
      const startAt = Math.floor(Date.now() / 1000) - roundOf(batches * BATCH_SIZE - 1, count);
      writeFileSync(file, JSON.stringify({ baseUrl, serverToken, concurrency, connections: count, batches, startAt } satisfies Job));
      return file;
    };
    console.log(`${batches} traffic reports of ${BATCH_SIZE} counters over ${count} connections, concurrency ${concurrency}, ${os.cpus().length} CPUs\n`);
    const ceiling = summarise("bare node http", await runJsonChild<LoadResult>(self, ["load", job(`http://127.0.0.1:${ceilingPort}`)]));
    const cpuBefore = cpuSeconds(server.pid);
    const answered = await runJsonChild<LoadResult>(self, ["load", job(`http://127.0.0.1:${port}`)]);
    const tail = await waitUntilStored(database.url, storedBytesIn(count, batches));
    const cpuAfter = cpuSeconds(server.pid);
    summarise("console, answered", answered);
    // Ingested means in the database: the last reports were answered before they were written.
    const consoleResult = { ...answered, seconds: answered.seconds + tail };
    const consoleRate = summarise("console, stored", consoleResult);
    const cpuMicrosPerUpdate = cpuBefore !== null && cpuAfter !== null ? (1e6 * (cpuAfter - cpuBefore)) / Math.max(1, consoleResult.applied) : null;
    console.log(`\nthe last report was in the database ${(tail * 1000).toFixed(0)} ms after its answer`);
    console.log(`counter updates ingested/s ${consoleRate.toFixed(0)} (goal 100000); ${consoleResult.applied} of ${consoleResult.updates} applied`);
    if (cpuMicrosPerUpdate !== null) {
      console.log(`console CPU: ${((cpuMicrosPerUpdate * consoleResult.applied) / 1e6).toFixed(1)} s, ${cpuMicrosPerUpdate.toFixed(1)} µs per update`);
    }
    console.log(`ratio to the ceiling: 1/${(ceiling / consoleRate).toFixed(1)} (${((100 * consoleRate) / ceiling).toFixed(1)} %)\n`);

    const baseUrl = `http://127.0.0.1:${port}`;
    console.log(`GET /api/current-users with ${count} live connections (goal p95 < 100 ms):`);
    const defaultPage = await timeCurrentUsers(baseUrl, apiToken, "default page", "", requests);
    const search = await timeCurrentUsers(
      baseUrl,
      apiToken,
      "sorted by bytesIn, filtered q=bench-1",
      "?sort=bytesIn&order=desc&q=bench-1&server=bench-edge",
      requests,
    );
    await timeCurrentUsers(baseUrl, apiToken, "sorted by rate", "?sort=rate&order=desc", requests);
    await timeCurrentUsers(baseUrl, apiToken, "sorted by window, filtered q=bench-1", "?sort=window&order=asc&q=bench-1", requests);
    const currentUsersCeiling = await timeCeilingPage(`http://127.0.0.1:${ceilingPort}`, defaultPage.lastPage, requests);
    const memory = residentMemory(server.pid);
    if (memory) console.log(`\nconsole memory with ${count} live connections: ${memory.currentMiB.toFixed(0)} MiB resident, peak ${memory.peakMiB.toFixed(0)} MiB`);
    const sorted = [...consoleResult.requestMs].sort((a, b) => a - b);
    return {
      updatesPerSecond: consoleRate,
      reportP50Ms: percentile(sorted, 50),
      reportP95Ms: percentile(sorted, 95),
      reportP99Ms: percentile(sorted, 99),
      ceilingUpdatesPerSecond: ceiling,
      cpuMicrosPerUpdate,
      failures: consoleResult.failures,
      currentUsers: defaultPage.figures,
      currentUsersSearch: search.figures,
      currentUsersCeiling,
      memory,
    };
  } finally {
    await stopChildren(children);
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
}

async function main(): Promise<void> {
  const figures = await benchTraffic({
    sessions: option("sessions", 10_000),
    batches: option("batches", 1000),
    concurrency: option("concurrency", 4),
    requests: option("requests", 200),
    postgres: process.argv.includes("--postgres"),
    ...consoleOptions(),
  });
  if (figures.failures > 0) process.exitCode = 1;
}

benchScript(import.meta.url, { ceiling: runCeiling, load: runLoad, main });
