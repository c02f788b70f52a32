// Faults under live sessions, with real OpenVPN clients and server, the agent and the console:
// the console restarting (SIGTERM, SIGKILL) or away, and the VPN daemon restarting. After each
// fault the console's totals are compared with the daemon's own counters (`status 3` on the
// management interface): equal means nothing was lost and nothing counted twice.
//
// The daemon's counters only move with the pings the test sends: neither side sends keepalive
// pings (server `keepalive 0 0`, and the users' policy) and the namespaces have no IPv6 (no
// router solicitations), so a quiet tunnel keeps its counters.
// The management interface takes one client at a time, so the agent is stopped while the test
// reads `status 3`, and started again after.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../lib/db";
import { getSession } from "../lib/sessions/queries";
import { startOpenVpnAgent, type RunningAgent } from "./lib/agent";
import { inNamespace } from "./lib/exec";
import { CONSOLE_ADDRESS, clientSide, SERVER_NS, type ClientSide } from "./lib/network";
import { startOpenVpnClient, startOpenVpnServer, type ClientListRow, type OpenVpnClient, type OpenVpnServer } from "./lib/openvpn";
import { labPort } from "./lib/paths";
import { sessionsOf, waitForSessions } from "./lib/sessions";
import { logOffset, waitFor, waitForLog } from "./lib/wait";
import { setUpWorld, tearDownWorld, type World } from "./lib/world";

// Its own console port, so that it never answers for another file's console.
const CONSOLE_PORT = labPort(3331);
const SERVER_VPN_ADDRESS = "10.8.1.1";
const WRONG = "not-the-password";
/** Readings the agent keeps while the console is away: small, so that the outage overflows it. */
const AGENT_BUFFER = 8;
const QUIET = { keepaliveInterval: 0, keepaliveTimeout: 0 };
const FIXED_PORT = labPort(41194);

let world: World | undefined;
let server: OpenVpnServer;
let serverToken: string;
let agent: RunningAgent | undefined;
const users: Array<{ username: string; side: ClientSide; client: OpenVpnClient }> = [];

function w(): World {
  if (!world) throw new Error("setup did not complete");
  return world;
}

async function startAgent(): Promise<void> {
  agent = await startOpenVpnAgent(server, w().console.url, serverToken, ["--buffer", String(AGENT_BUFFER)]);
}

/** `count` pings of 1000 bytes from each client through its tunnel to the server. */
async function traffic(count: number): Promise<void> {
  await Promise.all(
    users.map(({ side }) => inNamespace(side.ns, "ping", ["-q", "-c", String(count), "-i", "0.2", "-s", "1000", "-W", "5", SERVER_VPN_ADDRESS])),
  );
}

/** Live connections of the test's users, by connection id. */
async function liveConnections() {
  const rows = await db.connection.findMany({ where: { disconnectedAt: null, server: { name: server.name } } });
  return new Map(rows.map((row) => [row.externalId ?? "", row]));
}

/**
 * Reads the daemon's counters (the agent steps aside for it: one management client at a time),
 * starts the agent again, which reads the same table when it connects and reports it, and
 * expects the console's totals to come to equal the daemon's counters. Totals never go down: one
 * above the daemon's counter counted something twice, one below it lost something.
 */
async function expectTotalsEqualDaemon(): Promise<ClientListRow[]> {
  await agent?.stop();
  const rows = await server.clientList();
  await startAgent();
  expect(rows.map((row) => row.username).sort()).toEqual(users.map((u) => u.username).sort());
  const daemon = rows.map((row) => ({ who: row.username, connection: row.realAddress, bytesIn: row.bytesReceived, bytesOut: row.bytesSent }));
  const consoleView = async () => {
    const live = await liveConnections();
    return rows.map((row) => {
      const connection = live.get(row.realAddress);
      return { who: row.username, connection: connection?.externalId, bytesIn: connection?.bytesIn, bytesOut: connection?.bytesOut };
    });
  };
  await waitFor("the console's totals to reach the daemon's counters", 20_000, async () =>
    JSON.stringify(await consoleView(), (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ===
    JSON.stringify(daemon, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))
      ? true
      : undefined,
  ).catch(() => undefined);
  expect(await consoleView()).toEqual(daemon);
  await expectCountersNonNegative();
  return rows;
}

/** No connection's totals went negative. */
async function expectCountersNonNegative(): Promise<void> {
  for (const { username } of users) {
    for (const session of await sessionsOf(username)) {
      for (const c of session.connections) expect(c.bytesIn >= 0n && c.bytesOut >= 0n).toBe(true);
    }
  }
}

/** What a restart must keep: sessions with their state, token and totals, connections with their counters. */
async function snapshot() {
  const sessions = await db.session.findMany({ include: { connections: { orderBy: { id: "asc" } } }, orderBy: { id: "asc" } });
  return sessions.map((s) => ({
    id: s.id,
    state: s.state,
    tokenHash: s.tokenHash,
    connections: s.connections.map((c) => ({ id: c.id, externalId: c.externalId, disconnectedAt: c.disconnectedAt, bytesIn: c.bytesIn, bytesOut: c.bytesOut })),
  }));
}

/** A stand-in for a console behind a load balancer with no healthy backend: 503 to everything, requests recorded. */
async function unavailableConsole() {
  const requests: Array<{ at: number; path: string; readings: number }> = [];
  const stub = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      const readings = request.url?.endsWith("/traffic") ? ((JSON.parse(body) as { connections: unknown[] }).connections.length) : 0;
      requests.push({ at: Date.now(), path: request.url ?? "", readings });
      response.writeHead(503, { "Content-Type": "text/plain" }).end("no backend\n");
    });
  });
  await new Promise<void>((resolve) => stub.listen(CONSOLE_PORT, CONSOLE_ADDRESS, resolve));
  return {
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        stub.closeAllConnections();
        stub.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  world = await setUpWorld(CONSOLE_PORT);
  // Without IPv6 the tunnels carry no router solicitations or other chatter of their own.
  for (const ns of [SERVER_NS, clientSide(0).ns, clientSide(1).ns]) {
    for (const scope of ["all", "default"]) await inNamespace(ns, "sysctl", ["-q", "-w", `net.ipv6.conf.${scope}.disable_ipv6=1`]);
  }
  serverToken = await w().console.registerServer("ovpn-faults", "openvpn");
  server = await startOpenVpnServer(w().pki, {
    name: "ovpn-faults",
    port: 1194,
    network: "10.8.1.0",
    consoleUrl: w().console.url,
    token: serverToken,
    extraConfig: ["keepalive 0 0"],
  });
  await startAgent();
  for (const [index, username] of ["frank", "grace"].entries()) {
    const password = `pw-${username}-${Math.random().toString(36).slice(2)}`;
    await w().console.createUser(username, password);
    await w().console.setUserPolicy(username, QUIET);
    const side = clientSide(index);
    // grace always connects from the same port, so her tunnels after a restart keep their
    // connection id. From that port she may start her reconnect with the daemon that is exiting;
    // with no keepalive only the handshake window ends that attempt (60 s by default).
    const fixed = username === "grace";
    const client = await startOpenVpnClient(server, side, { username, password }, fixed ? ["hand-window 10"] : [], fixed ? FIXED_PORT : undefined);
    await client.waitConnected();
    // From here on only the session token gets the client back in.
    await client.setPassword(WRONG);
    users.push({ username, side, client });
  }
  for (const { username } of users) await waitForSessions(username, "one active session", (s) => s.length === 1 && s[0]?.state === "active");
}, 180_000);

afterAll(async () => {
  for (const { client } of users) await client.stop().catch(() => undefined);
  await agent?.stop();
  await tearDownWorld(world);
});

/** The daemon's counters at the last comparison with the console's. */
let lastCompared: ClientListRow[] = [];

/** Session ids, states and tokens, and each connection, as before a restart; counters no lower. */
async function expectRestartKept(before: Awaited<ReturnType<typeof snapshot>>): Promise<void> {
  const after = await snapshot();
  const counters = { bytesIn: expect.any(BigInt), bytesOut: expect.any(BigInt) };
  expect(after).toEqual(before.map((session) => ({ ...session, connections: session.connections.map((c) => ({ ...c, ...counters })) })));
  const grew = (a: { bytesIn: bigint; bytesOut: bigint }, b: { bytesIn: bigint; bytesOut: bigint } | undefined) =>
    b !== undefined && b.bytesIn >= a.bytesIn && b.bytesOut >= a.bytesOut;
  for (const [i, session] of before.entries()) {
    for (const [j, c] of session.connections.entries()) {
      expect(grew(c, after[i]?.connections[j]), `connection ${c.externalId}: counters no lower than before`).toBe(true);
    }
  }
}

describe("faults under live sessions", () => {
  it("a console restart (SIGTERM), with an outage in between, loses no session, token or counter; the agent buffers within bounds and backs off", async () => {
    await traffic(5);
    const before = await snapshot();
    const agentSince = await logOffset(agent?.logPath ?? "");

    // The console goes away while the tunnels carry traffic; then, for a while, a load balancer
    // answers 503 in its place. The agent keeps readings and retries, less and less often.
    const pings = traffic(30);
    await w().console.stop("SIGTERM");
    const stub = await unavailableConsole();
    try {
      await pings;
      await waitFor("three traffic reports refused", 40_000, () => (stub.requests.filter((r) => r.path.endsWith("/traffic")).length >= 3 ? true : undefined));
    } finally {
      await stub.close();
    }
    const reports = stub.requests.filter((r) => r.path.endsWith("/traffic"));
    const gaps = reports.slice(1).map((r, i) => r.at - (reports[i]?.at ?? 0));
    console.log(`traffic reports refused ${reports.length} times, ${gaps.join(" ms, ")} ms apart`);
    // Each retry waits about twice as long as the one before (1 s, 2 s, 4 s ... ±20 %).
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1] ?? 0);
    // Never more than the buffer holds, however long the outage.
    for (const report of reports) expect(report.readings).toBeLessThanOrEqual(AGENT_BUFFER);

    await w().console.start();
    await expectRestartKept(before);
    const [, dropped] = await waitForLog(agent?.logPath ?? "", /traffic reports go through again \(\d+ readings waiting, (\d+) dropped so far\)/, 90_000, agentSince);
    // The full buffer dropped older readings of the same tunnels: the newest carries their bytes.
    expect(Number(dropped)).toBeGreaterThan(0);
    await traffic(5);
    lastCompared = await expectTotalsEqualDaemon();
  });

  it("a console restart (SIGKILL) loses no session, token or counter", async () => {
    await traffic(5);
    const before = await snapshot();
    const pings = traffic(15);
    await w().console.stop("SIGKILL");
    await pings;
    await w().console.start();
    await expectRestartKept(before);
    await traffic(5);
    lastCompared = await expectTotalsEqualDaemon();
  });

  it("after the restarts, the clients' reconnects with their session tokens are accepted", async () => {
    for (const { username, client } of users) {
      const [session] = await sessionsOf(username);
      if (!session) throw new Error(`${username} has no session`);
      const since = await client.logOffset();
      await w().console.api("POST", `/api/sessions/${session.id}/disconnect`, { reason: "integration test" });
      await client.waitConnected(since);
      const [resumed] = await waitForSessions(username, "the same session active again with a second connection", (s) =>
        s.length === 1 && s[0]?.state === "active" && s[0].connections.length === 2 && s[0].connections[0]?.disconnectedAt !== null,
      );
      expect(resumed?.id).toBe(session.id);
      expect(resumed?.tokenHash).toBe(session.tokenHash);
    }
    await traffic(3);
    lastCompared = await expectTotalsEqualDaemon();
  });

  it("the agent rides out an OpenVPN restart: it reconnects, reconciles, and the new daemon's counters start a new count", async () => {
    const old = lastCompared;
    const agentSince = await logOffset(agent?.logPath ?? "");
    const clientSince = await Promise.all(users.map(({ client }) => client.logOffset()));

    const restartedAt = new Date();
    await server.stop();
    await waitForLog(agent?.logPath ?? "", /openvpn: .*(management connection closed|ENOENT|ECONNREFUSED)/, 20_000, agentSince);
    await server.start();
    // The daemon told its clients to restart; they come back with their session tokens.
    await Promise.all(users.map(({ client }, i) => client.waitConnected(clientSince[i])));
    await waitForLog(agent?.logPath ?? "", /openvpn: connected to .*, \d+ clients/, 40_000, agentSince);

    for (const { username } of users) {
      const before = old.find((row) => row.username === username);
      const [session] = await waitForSessions(username, "the same session active on one new tunnel, the old one ended", (s) =>
        s.length === 1 &&
        s[0]?.state === "active" &&
        s[0].connections.filter((c) => c.disconnectedAt === null).length === 1 &&
        s[0].connections.some((c) => c.disconnectedAt === null && c.connectedAt > restartedAt) &&
        s[0].connections.every((c) => c.disconnectedAt !== null || c.connectedAt > restartedAt),
      );
      // The old tunnel ended with the daemon's final counters (client-disconnect), or, when the
      // client came back under the same id before that ran, superseded by the new tunnel with
      // the counters last reported: either way nothing went backwards.
      const ended = session?.connections.find((c) => c.externalId === before?.realAddress && c.connectedAt < restartedAt);
      expect(ended?.disconnectedAt).not.toBeNull();
      expect(ended?.bytesIn).toBeGreaterThanOrEqual(before?.bytesReceived ?? 0n);
      expect(ended?.bytesOut).toBeGreaterThanOrEqual(before?.bytesSent ?? 0n);
    }
    await traffic(5);
    const fresh = await expectTotalsEqualDaemon();
    // grace came back under the same connection id, with counters that went back to zero.
    const grace = fresh.find((row) => row.username === "grace");
    expect(grace?.realAddress).toBe(old.find((row) => row.username === "grace")?.realAddress);
    // The new daemon counted from zero, and its count adds to what the session had before.
    for (const { username } of users) {
      const [session] = await sessionsOf(username);
      const row = fresh.find((r) => r.username === username);
      const ended = session?.connections.filter((c) => c.disconnectedAt !== null) ?? [];
      const view = await getSession(db, session?.id ?? "");
      expect([view.bytesIn, view.bytesOut]).toEqual([
        Number(ended.reduce((sum, c) => sum + c.bytesIn, 0n) + (row?.bytesReceived ?? -1n)),
        Number(ended.reduce((sum, c) => sum + c.bytesOut, 0n) + (row?.bytesSent ?? -1n)),
      ]);
    }
  });

  it("the daemon killed with SIGKILL: the disconnect of a tunnel that never came back is recovered from the agent's list of tunnels", async () => {
    const [frank, grace] = users;
    if (!frank || !grace) throw new Error("setup did not complete");
    const frankSession = (await sessionsOf(frank.username))[0];
    const frankBefore = [...(await liveConnections()).values()].find((c) => c.sessionId === frankSession?.id);
    if (!frankBefore) throw new Error("frank has no live tunnel");
    const agentSince = await logOffset(agent?.logPath ?? "");

    // No client-disconnect runs for a daemon that is killed; frank leaves while it is down.
    await server.stop("SIGKILL");
    await frank.client.stop();
    await server.start();
    const graceSince = await grace.client.logOffset();
    await grace.client.signal("SIGUSR1");
    await grace.client.waitConnected(graceSince);
    await waitForLog(agent?.logPath ?? "", /openvpn: connected to .*, \d+ clients/, 40_000, agentSince);

    // The agent's next list of the daemon's tunnels (at most 30 s apart) lacks frank's.
    const [session] = await waitForSessions(
      frank.username,
      "frank's tunnel ended by the console, his session dormant",
      (s) => s.length === 1 && s[0]?.state === "dormant" && s[0].connections.every((c) => c.disconnectedAt !== null),
      90_000,
    );
    const ended = session?.connections.find((c) => c.id === frankBefore.id);
    expect(ended).toMatchObject({ endReason: "unknown" });
    expect(ended?.bytesIn).toBeGreaterThanOrEqual(frankBefore.bytesIn);
    const [graceSession] = await sessionsOf(grace.username);
    expect(graceSession?.state).toBe("active");
    expect(graceSession?.connections.filter((c) => c.disconnectedAt === null)).toHaveLength(1);
    users.splice(0, 1);
  }, 180_000);
});
