// An admin's disconnect and invalidate, and replace_oldest across two servers, against real OpenVPN
// servers with the agent attached to their management interfaces, and real clients logged in with
// console session tokens: the agent carries out the console's kill order, and what the client can
// do afterwards depends on why its tunnel was cut. Before each action the password on file is replaced by a wrong one, so a client
// that gets back in can only have used its session token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../lib/db";
import { startOpenVpnAgent, type RunningAgent } from "./lib/agent";
import { clientSide } from "./lib/network";
import { labPort } from "./lib/paths";
import { startOpenVpnClient, startOpenVpnServer, type OpenVpnClient, type OpenVpnServer } from "./lib/openvpn";
import { waitForSessions } from "./lib/sessions";
import { waitFor, waitForLog } from "./lib/wait";
import { setUpWorld, tearDownWorld, type World } from "./lib/world";

// Its own console port, so that it never answers for another file's console.
const CONSOLE_PORT = labPort(3311);
const WRONG = "not-the-password";
// What the client logs when the server ends its tunnel (client-kill sends it a RESTART).
const TUNNEL_CUT = /SIGUSR1\[soft,server-pushed-connection-reset\]/;

let world: World | undefined;
let server: OpenVpnServer;
const agents: RunningAgent[] = [];
const clients: OpenVpnClient[] = [];

function w(): World {
  if (!world) throw new Error("setup did not complete");
  return world;
}

/** A registered OpenVPN server with its agent attached; kill orders are carried out once the agent polls. */
async function serverWithAgent(name: string, port: number, network: string): Promise<OpenVpnServer> {
  const token = await w().console.registerServer(name, "openvpn");
  const started = await startOpenVpnServer(w().pki, { name, port, network, consoleUrl: w().console.url, token });
  agents.push(await startOpenVpnAgent(started, w().console.url, token));
  await waitFor(`the first poll of ${name}'s agent`, 20_000, async () =>
    (await db.vpnServer.findUnique({ where: { name } }))?.agentLastSeenAt ? true : undefined,
  );
  return started;
}

async function user(username: string, policy?: Record<string, unknown>): Promise<string> {
  const password = `pw-${username}-${Math.random().toString(36).slice(2)}`;
  await w().console.createUser(username, password);
  if (policy) await w().console.setUserPolicy(username, policy);
  return password;
}

/** Logs in with the password through a real client, then forgets the password (see above). */
async function connect(to: OpenVpnServer, username: string, password: string, side = clientSide(0)): Promise<OpenVpnClient> {
  const client = await startOpenVpnClient(to, side, { username, password });
  clients.push(client);
  await client.waitConnected();
  await client.setPassword(WRONG);
  return client;
}

/** A user logged in through a real client on `server`; returns the client and its session. */
async function connectedUser(username: string) {
  const client = await connect(server, username, await user(username));
  const [session] = await waitForSessions(username, "one active session", (s) => s.length === 1 && s[0]?.state === "active");
  if (!session) throw new Error(`${username} has no session`);
  return { client, session };
}

/** Sends the admin action and waits for the client to lose its tunnel; prints how long that took. */
async function cutBy(action: "invalidate" | "disconnect", client: OpenVpnClient, sessionId: string): Promise<void> {
  const since = await client.logOffset();
  const started = Date.now();
  await w().console.api("POST", `/api/sessions/${sessionId}/${action}`, { reason: "integration test" });
  await waitForLog(client.logPath, TUNNEL_CUT, 20_000, since);
  console.log(`${action}: the client's tunnel was cut ${Date.now() - started} ms after the admin API call`);
}

/** The client's reconnect with its token was refused (it gives up: auth-retry none), the server log says why. */
async function expectTokenRefused(client: OpenVpnClient, on: OpenVpnServer, serverSince: number, logLine: RegExp): Promise<void> {
  await client.waitExited();
  await waitForLog(client.logPath, /AUTH_FAILED/, 1_000);
  await waitForLog(on.logPath, logLine, 5_000, serverSince);
}

beforeAll(async () => {
  world = await setUpWorld(CONSOLE_PORT);
  server = await serverWithAgent("ovpn-ctl1", 1194, "10.8.1.0");
});

afterAll(async () => {
  for (const client of clients) await client.stop().catch(() => undefined);
  for (const agent of agents) await agent.stop();
  await tearDownWorld(world);
});

describe("disconnect and invalidate through the agent", () => {
  it("invalidate cuts the tunnel and the client's reconnect with its token is denied", async () => {
    const { client, session } = await connectedUser("victor");
    const serverSince = await server.logOffset();
    await cutBy("invalidate", client, session.id);
    await expectTokenRefused(client, server, serverSince, /login of 'victor' denied by console: session was invalidated \(invalidated by [^)]*: integration test\)/);
    const [revoked] = await waitForSessions("victor", "the session revoked, its tunnel ended", (s) =>
      s.length === 1 && s[0]?.state === "revoked" && s[0].connections.every((c) => c.disconnectedAt !== null),
    );
    expect(revoked?.id).toBe(session.id);
    expect(revoked?.connections).toHaveLength(1);
  });

  it("disconnect cuts the tunnel, and the client comes back on the same session without a password", async () => {
    const { client, session } = await connectedUser("wendy");
    const since = await client.logOffset();
    await cutBy("disconnect", client, session.id);
    await client.waitConnected(since);
    const [resumed] = await waitForSessions("wendy", "the same session active again with a second connection", (s) =>
      s.length === 1 && s[0]?.state === "active" && s[0].connections.length === 2 && s[0].connections[0]?.disconnectedAt !== null,
    );
    expect(resumed?.id).toBe(session.id);
    expect(resumed?.tokenHash).toBe(session.tokenHash);
    expect(resumed?.connections[1]?.disconnectedAt).toBeNull();
    await client.stop();
  });

  it("replace_oldest: a login on another server cuts the older session's tunnel, whose token is then refused", async () => {
    const other = await serverWithAgent("ovpn-ctl2", 1195, "10.8.2.0");
    const password = await user("yara", { maxSessions: 1, maxSessionsAction: "replace_oldest" });
    const older = await connect(server, "yara", password, clientSide(0));
    const [first] = await waitForSessions("yara", "one active session", (s) => s.length === 1 && s[0]?.state === "active");
    const since = await older.logOffset();
    const serverSince = await server.logOffset();
    const started = Date.now();
    const newer = await connect(other, "yara", password, clientSide(1));
    await waitForLog(older.logPath, TUNNEL_CUT, 20_000, since);
    console.log(`replace_oldest: the older tunnel was cut ${Date.now() - started} ms after the newer client started`);
    await expectTokenRefused(older, server, serverSince, /login of 'yara' denied by console: session was invalidated \(replaced by a newer login \(max concurrent sessions\)\)/);
    const sessions = await waitForSessions("yara", "the older session revoked, the newer active", (s) =>
      s.length === 2 && s[0]?.state === "revoked" && s[1]?.state === "active" && s[0].connections.every((c) => c.disconnectedAt !== null),
    );
    expect(sessions[0]?.id).toBe(first?.id);
    expect(sessions[0]?.stateReason).toBe("replaced by a newer login (max concurrent sessions)");
    expect(sessions[1]?.connections.map((c) => c.clientIp)).toEqual([clientSide(1).address]);
    await newer.stop();
  });
});
