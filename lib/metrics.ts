// Prometheus metrics for GET /api/metrics. Hook traffic is counted in the process that serves it;
// session, connection and server figures are read from the database at scrape time, so every
// instance on a shared database reports the same fleet-wide values for those.
//
// server.ts (loaded by tsx) and the Next.js route handler (bundled) each get their own copy of
// this module, so the registry lives on globalThis, like the Prisma client.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "./db";
import { SESSION_STATES } from "./sessions/states";

const HOOK_ENDPOINTS = new Set(["auth", "connect", "disconnect", "traffic", "agent/orders"]);

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "session_console_" });
  return {
    registry,
    hookRequests: new Counter({
      name: "session_console_hook_requests_total",
      help: "Hook API requests by endpoint and HTTP status.",
      labelNames: ["endpoint", "status"] as const,
      registers: [registry],
    }),
    hookDecisions: new Counter({
      name: "session_console_hook_decisions_total",
      help: "Answers to auth and connect hooks by outcome (allow or deny).",
      labelNames: ["endpoint", "outcome"] as const,
      registers: [registry],
    }),
    hookDuration: new Histogram({
      name: "session_console_hook_duration_seconds",
      help: "Time to answer a hook request, from the request's arrival to the answer being written.",
      labelNames: ["endpoint"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    sessions: new Gauge({
      name: "session_console_sessions",
      help: "Sessions by state.",
      labelNames: ["state"] as const,
      registers: [registry],
    }),
    connections: new Gauge({
      name: "session_console_open_connections",
      help: "Tunnels up, by server.",
      labelNames: ["server"] as const,
      registers: [registry],
    }),
    serverLastSeen: new Gauge({
      name: "session_console_server_last_seen_timestamp_seconds",
      help: "When each VPN server last called the hook API (Unix time; absent if never).",
      labelNames: ["server"] as const,
      registers: [registry],
    }),
    trafficPending: new Gauge({
      name: "session_console_traffic_pending_connections",
      help: "Tunnels with traffic reports this instance applied and has not written to the database yet.",
      registers: [registry],
    }),
    trafficWrites: new Histogram({
      name: "session_console_traffic_write_duration_seconds",
      help: "Time to write one transaction of applied traffic reports (a few thousand tunnels at most), by outcome.",
      labelNames: ["outcome"] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    agentLastSeen: new Gauge({
      name: "session_console_agent_last_seen_timestamp_seconds",
      help: "When each VPN server's agent last polled the console (Unix time; absent if never).",
      labelNames: ["server"] as const,
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof createMetrics>;
const holder = globalThis as unknown as { sessionConsoleMetrics?: Metrics };

function metrics(): Metrics {
  holder.sessionConsoleMetrics ??= createMetrics();
  return holder.sessionConsoleMetrics;
}

/** Records one answered hook request. `path` is the request path; unknown paths count as "other". */
export function observeHookRequest(path: string, status: number, seconds: number): void {
  const name = path.replace(/^\/api\/hooks\/v1\//, "");
  const endpoint = HOOK_ENDPOINTS.has(name) ? name : "other";
  const m = metrics();
  m.hookRequests.inc({ endpoint, status: String(status) });
  m.hookDuration.observe({ endpoint }, seconds);
  if ((endpoint === "auth" || endpoint === "connect") && (status === 200 || status === 403)) {
    m.hookDecisions.inc({ endpoint, outcome: status === 200 ? "allow" : "deny" });
  }
}

/** How many tunnels wait for their traffic to be written, after each report and each write. */
export function setTrafficPending(connections: number): void {
  metrics().trafficPending.set(connections);
}

/** Records one write of applied traffic reports. */
export function observeTrafficWrite(seconds: number, ok: boolean): void {
  metrics().trafficWrites.observe({ outcome: ok ? "written" : "failed" }, seconds);
}

/** The Prometheus text exposition, with the database figures read now. */
export async function renderMetrics(db: Db): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  const [byState, open, servers] = await Promise.all([
    db.session.groupBy({ by: ["state"], _count: { _all: true } }),
    db.connection.groupBy({ by: ["serverId"], where: { disconnectedAt: null }, _count: { _all: true } }),
    db.vpnServer.findMany({ select: { id: true, name: true, lastSeenAt: true, agentLastSeenAt: true } }),
  ]);
  m.sessions.reset();
  for (const state of SESSION_STATES) m.sessions.set({ state }, 0);
  for (const row of byState) m.sessions.set({ state: row.state }, row._count._all);

  const openByServer = new Map(open.map((row) => [row.serverId, row._count._all]));
  m.connections.reset();
  m.serverLastSeen.reset();
  m.agentLastSeen.reset();
  for (const server of servers) {
    m.connections.set({ server: server.name }, openByServer.get(server.id) ?? 0);
    if (server.lastSeenAt) m.serverLastSeen.set({ server: server.name }, server.lastSeenAt.getTime() / 1000);
    if (server.agentLastSeenAt) m.agentLastSeen.set({ server: server.name }, server.agentLastSeenAt.getTime() / 1000);
  }
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}
