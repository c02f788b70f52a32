// The agent against a real OpenVPN 2.6 server (network namespaces, see lib/testing/openvpn-lab.ts)
// and the real hook API over HTTP: counters reach the console, a queued kill cuts the client, and
// the agent rides out a daemon restart and a console outage. Skipped where the machine cannot
// run the daemons (not root, no openvpn).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { queueKill } from "../agent-orders";
import { handleHook } from "../hooks/handler";
import { serveHook } from "../hooks/node";
import { registerServer } from "../servers";
import { getSession } from "../sessions/queries";
import { createOpenVpnLab, openVpnLabAvailable, type OpenVpnLab } from "../testing/openvpn-lab";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { runAgent } from "./run";

const available = openVpnLabAvailable();
// SCV_LAB (integration/lib/paths.ts) keeps concurrent runs on one machine apart.
const LAB = Number(process.env.SCV_LAB ?? 0);
const CONSOLE_PORT = 3261 + 100 * LAB;

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!available)(`agent against a real OpenVPN server (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  let t: TestDb;
  let lab: OpenVpnLab;
  let token: string;
  let consoleServer: http.Server;
  const agentLog: string[] = [];
  const stop = new AbortController();
  let agentDone: Promise<void>;
  let connects = 0;

  const hook = (action: string, fields: Record<string, string>) =>
    handleHook(t.db, {
      method: "POST",
      path: `/api/hooks/v1/${action}`,
      authorization: `Bearer ${token}`,
      contentType: "application/x-www-form-urlencoded",
      accept: "text/plain",
      body: new URLSearchParams(fields).toString(),
    });

  /** Waits for the next client-connect in the lab and reports it through the hooks, as a hook script would. */
  async function nextConnect(): Promise<string> {
    const line = await waitFor(
      "the client to connect",
      async () => {
        const lines = connectLines();
        return lines.length > connects ? lines[connects] : null;
      },
    ).catch((error: unknown) => {
      const tail = (name: string) => readFileSync(path.join(lab.dir, name), "utf8").trim().split("\n").slice(-8).join("\n");
      throw new Error(`${String(error)}\n--- server.log\n${tail("server.log")}\n--- client.log\n${tail("client.log")}`);
    });
    connects += 1;
    const [ip = "", port = "", username = ""] = line.split(" ");
    const login = { username, client_ip: ip, client_port: port };
    expect((await hook("auth", { ...login, password: "lab-password" })).status).toBe(200);
    expect((await hook("connect", { ...login, connection_id: `${ip}:${port}` })).status).toBe(200);
    return `${ip}:${port}`;
  }

  const connectLines = () => readFileSync(lab.connectLog, { encoding: "utf8", flag: "a+" }).trim().split("\n").filter(Boolean);

  /**
   * Sends pings through the tunnel until a round succeeds, then reports any connects that
   * happened meanwhile (a loaded machine can make the client reconnect) and returns the address
   * of the tunnel that carried them.
   */
  async function pingServer(current: string, count: number): Promise<string> {
    await waitFor("the tunnel to pass traffic", async () => {
      try {
        lab.inClient(["ping", "-c", String(count), "-i", "0.2", "-s", "1200", lab.serverVpnIp]);
        return true;
      } catch {
        return false;
      }
    });
    let address = current;
    while (connectLines().length > connects) address = await nextConnect();
    return address;
  }

  const connection = (externalId: string) => t.db.connection.findFirstOrThrow({ where: { externalId }, include: { session: true } });

  const listen = () =>
    new Promise<void>((resolve) => {
      consoleServer = http.createServer((request, response) => void serveHook(t.db, request, response));
      consoleServer.listen(CONSOLE_PORT, "127.0.0.1", resolve);
    });

  beforeAll(async () => {
    t = await createTestDb();
    const registered = await registerServer(t.db, cliActor(), { name: "lab-openvpn", kind: "openvpn" });
    token = registered.token;
    await createVpnUser(t.db, cliActor(), { username: "labuser", password: "lab-password" });
    lab = createOpenVpnLab(`a${LAB}`);
    const tokenFile = path.join(lab.dir, "server-token");
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    await listen();
    lab.startServer();
    lab.startClient();
    agentDone = runAgent(
      {
        consoleUrl: `http://127.0.0.1:${(consoleServer.address() as AddressInfo).port}`,
        tokenFile,
        daemon: { kind: "openvpn", management: `unix:${lab.managementSocket}` },
        intervalSeconds: 1,
        pollSeconds: 1,
        bufferSize: 10_000,
        batchSize: 1000,
      },
      stop.signal,
      (line) => agentLog.push(line),
    );
  }, 120_000);

  afterAll(async () => {
    stop.abort();
    await agentDone;
    consoleServer?.closeAllConnections();
    await new Promise((resolve) => (consoleServer ? consoleServer.close(resolve) : resolve(undefined)));
    lab?.teardown();
    await t?.drop();
  });

  let first: string;

  it("sends the counters of a live tunnel to the console as traffic flows", async () => {
    first = await pingServer(await nextConnect(), 5);
    const row = await waitFor("counters to reach the console", async () => {
      const row = await connection(first);
      return row.bytesIn > 6000n ? row : null;
    });
    expect(await getSession(t.db, row.sessionId)).toMatchObject({ bytesIn: Number(row.bytesIn), bytesOut: Number(row.bytesOut) });
    expect(await t.db.trafficSample.count({ where: { connectionId: row.id } })).toBeGreaterThan(0);
    expect((await t.db.vpnServer.findFirstOrThrow({ where: { name: "lab-openvpn" } })).agentLastSeenAt).not.toBeNull();
  }, 120_000);

  it("carries out a queued kill: the client is cut and the order acknowledged", async () => {
    const row = await connection(first);
    const started = Date.now();
    const { orderId } = await queueKill(t.db, row.id, 'integration test: "quoted" reason');
    const order = await waitFor("the agent to acknowledge the kill", async () => {
      const order = await t.db.agentOrder.findUniqueOrThrow({ where: { id: orderId } });
      return order.state === "pending" ? null : order;
    });
    console.log(`queued kill acknowledged after ${Date.now() - started} ms`);
    expect(order).toMatchObject({ state: "done", result: expect.stringMatching(/^client-kill \d+: SUCCESS/) });
    expect(readFileSync(path.join(lab.dir, "server.log"), "utf8")).toMatch(/MANAGEMENT: CMD 'client-kill \d+ /);
    // The reason reaches the client.
    await waitFor("the client to log the reason", async () =>
      readFileSync(path.join(lab.dir, "client.log"), "utf8").includes(`Connection reset command was pushed by server ('integration test: "quoted" reason')`),
    );
    // RESTART: the client comes back as a new connection.
    first = await nextConnect();
  }, 120_000);

  it("reconnects and reconciles after the daemon restarts", async () => {
    await lab.stopServer();
    await waitFor("the agent to notice", async () => agentLog.some((line) => /management connection closed|ENOENT|ECONNREFUSED/.test(line)));
    lab.startServer();
    const address = await pingServer(await nextConnect(), 3);
    await waitFor("counters of the new tunnel", async () => (await connection(address)).bytesIn > 3600n);
    expect(agentLog.filter((line) => line.startsWith("openvpn: connected to")).length).toBeGreaterThanOrEqual(2);
    first = address;
  }, 120_000);

  it("keeps readings while the console is down and delivers them when it is back", async () => {
    first = await pingServer(first, 1);
    const before = (await connection(first)).bytesIn;
    consoleServer.closeAllConnections();
    await new Promise<void>((resolve) => consoleServer.close(() => resolve()));
    expect(await pingServer(first, 5)).toBe(first);
    await waitFor("the agent to notice the outage", async () => agentLog.some((line) => line.includes("console unreachable")));
    expect((await connection(first)).bytesIn).toBe(before);
    await listen();
    await waitFor("readings from the outage", async () => (await connection(first)).bytesIn > before + 6000n);
  }, 120_000);
});
