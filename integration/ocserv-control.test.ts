// The agent next to real ocserv servers (`npm run agent -- --ocserv`, polling `occtl --json show
// users` in the server namespace) while openconnect clients move traffic: the counters reach
// Current Users, and the console's kill orders are carried out with `occtl disconnect id`. ocserv
// 1.1.6 ends its own session on such a kill: openconnect exits and the cookie is gone, after a
// disconnect as after an invalidate. The difference stays on the console's side: a disconnected
// session would take a reconnect, an invalidated one refuses it (docs/ocserv.md).
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../lib/db";
import { startOcservAgent, type RunningAgent } from "./lib/agent";
import { inNamespace } from "./lib/exec";
import { clientSide, type ClientSide } from "./lib/network";
import { openconnectLogin, startOcserv, startOpenconnect, type OcservServer, type OpenconnectClient } from "./lib/ocserv";
import { labPort } from "./lib/paths";
import { waitForSessions } from "./lib/sessions";
import { waitFor, waitForLog } from "./lib/wait";
import { setUpWorld, tearDownWorld, type World } from "./lib/world";

// Its own console port, so that it never answers for another file's console.
const CONSOLE_PORT = labPort(3312);
const near = clientSide(0);
const far = clientSide(1);

let world: World | undefined;
let server: OcservServer;
let serverToken = "";
const agentLogs = new Map<OcservServer, string>();
const agents: RunningAgent[] = [];
const clients: OpenconnectClient[] = [];

function w(): World {
  if (!world) throw new Error("setup did not complete");
  return world;
}

/** A registered ocserv server with its agent polling the console; returns the server and its token. */
async function serverWithAgent(name: string, port: number, network: string) {
  const token = await w().console.registerServer(name, "ocserv");
  const started = await startOcserv(w().pki, { name, port, network, consoleUrl: w().console.url, token });
  const agent = await startOcservAgent(started, w().console.url, token);
  agents.push(agent);
  agentLogs.set(started, agent.logPath);
  await waitFor(`the first poll of ${name}'s agent`, 20_000, async () =>
    (await db.vpnServer.findUnique({ where: { name } }))?.agentLastSeenAt ? true : undefined,
  );
  return { started, token };
}

async function user(username: string, policy?: Record<string, unknown>): Promise<string> {
  const password = `pw-${username}-${Math.random().toString(36).slice(2)}`;
  await w().console.createUser(username, password);
  if (policy) await w().console.setUserPolicy(username, policy);
  return password;
}

/** Logs in with the password (`openconnect --authenticate`), then connects with the saved cookie. */
async function loggedInWithCookie(username: string, password: string, on = server, side = near) {
  const cookie = await openconnectLogin(on, side, username, password);
  const client = await startOpenconnect(on, side, username, { cookie });
  clients.push(client);
  await client.waitConnected();
  return { client, cookie };
}

/** A new user logged in on `server` with a saved cookie, and their active session. */
async function connectedUser(username: string) {
  const { client, cookie } = await loggedInWithCookie(username, await user(username));
  const [session] = await waitForSessions(username, "one active session", (s) => s.length === 1 && s[0]?.state === "active");
  if (!session) throw new Error(`${username} has no session`);
  return { client, cookie, session };
}

/**
 * After a kill with occtl, openconnect does not reconnect: ocserv tells it the session is over,
 * and has forgotten the cookie, so a saved copy is refused before the connect script is asked.
 */
async function expectEndedByOcserv(on: OcservServer, side: ClientSide, username: string, client: OpenconnectClient, cookie: string, serverSince: number) {
  await client.waitExited();
  await waitForLog(client.logPath, /Received server disconnect\n[^]*Session terminated by server; exiting\./, 1_000);
  const again = await startOpenconnect(on, side, username, { cookie });
  clients.push(again);
  await again.waitExited();
  await waitForLog(again.logPath, /Cookie was rejected by server/, 1_000);
  expect((await readFile(on.logPath, "utf8")).slice(serverSince)).not.toContain(`connect of '${username}'`);
}

/** The agent of `on` carried out the kill of the worker (the occtl id); prints how long since `started`. */
async function expectKilledByAgent(on: OcservServer, username: string, workerId: number, what: string, started: number) {
  await waitFor(`worker ${workerId} gone from occtl show users`, 20_000, async () => ((await on.workerIds(username)).includes(workerId) ? undefined : true));
  console.log(`${what}: ocserv ended worker ${workerId} ${Date.now() - started} ms later`);
  await waitForLog(agentLogs.get(on) ?? "", new RegExp(`kill ${workerId} \\(.*\\): done: occtl disconnect id ${workerId}`), 5_000);
}

/** A new user's tunnel cut by the admin action through the agent; returns their session as it was. */
async function cutByAgent(action: "invalidate" | "disconnect", username: string) {
  const { client, cookie, session } = await connectedUser(username);
  const workerId = await server.idOf(username);
  const serverSince = await server.logOffset();
  const started = Date.now();
  await w().console.api("POST", `/api/sessions/${session.id}/${action}`, { reason: "integration test" });
  await expectKilledByAgent(server, username, workerId, `${action} (after the admin API call)`, started);
  await expectEndedByOcserv(server, near, username, client, cookie, serverSince);
  return session;
}

/**
 * What the console answers ocserv's connect script for a reconnect of the user from the same
 * client (the call connect.sh makes), which ocserv itself no longer attempts after a kill.
 */
async function connectHookAnswer(username: string): Promise<string> {
  const response = await fetch(`${w().console.url}/api/hooks/v1/connect`, {
    method: "POST",
    headers: { Authorization: `Bearer ${serverToken}`, Accept: "text/plain" },
    body: new URLSearchParams({ username, client_ip: near.address, connection_id: `probe-${username}` }),
  });
  return `${response.status} ${await response.text()}`.trim();
}

interface CurrentUserRow {
  sessionId: string;
  username: string;
  server: string;
  vpnIp: string | null;
  bytesIn: number;
  bytesOut: number;
}

async function currentUsers(): Promise<CurrentUserRow[]> {
  return (await w().console.api<{ rows: CurrentUserRow[] }>("GET", "/api/current-users?sort=user&order=asc")).rows;
}

beforeAll(async () => {
  world = await setUpWorld(CONSOLE_PORT);
  ({ started: server, token: serverToken } = await serverWithAgent("oc-ctl1", 4443, "10.9.3.0"));
});

afterAll(async () => {
  for (const client of clients) await client.logout().catch(() => undefined);
  for (const agent of agents) await agent.stop();
  await tearDownWorld(world);
});

describe("ocserv with the agent", () => {
  it("reports the counters of a tunnel that moves traffic to Current Users", async () => {
    const { session } = await connectedUser("uma");
    const [row] = (await currentUsers()).filter((r) => r.sessionId === session.id);
    expect(row).toMatchObject({ username: "uma", server: "oc-ctl1" });
    // 50 pings of 1000 bytes through the tunnel, to ocserv's end of it.
    const gateway = await server.tunnelGateway("uma");
    await inNamespace(near.ns, "ping", ["-q", "-c", "50", "-i", "0.02", "-s", "1000", gateway], { timeoutMs: 20_000 });
    const moved = await waitFor("the pings' bytes in Current Users", 20_000, async () => {
      const current = (await currentUsers()).find((r) => r.sessionId === session.id);
      return current && current.bytesIn >= 50_000 && current.bytesOut >= 50_000 ? current : undefined;
    });
    expect(moved.vpnIp).toMatch(/^10\.9\.3\./);
  });

  it("disconnect: the agent kills the tunnel with occtl, and the console keeps the session dormant", async () => {
    const session = await cutByAgent("disconnect", "victor");
    const [dormant] = await waitForSessions("victor", "the session dormant, its tunnel killed", (s) =>
      s.length === 1 && s[0]?.state === "dormant" && s[0].connections[0]?.disconnectedAt !== null,
    );
    expect(dormant?.id).toBe(session.id);
    expect(dormant?.stateReason).toBe("tunnel cut by the console: session disconnected by an administrator: integration test");
    expect(dormant?.connections.map((c) => c.endReason)).toEqual(["killed"]);
    expect(await connectHookAnswer("victor")).toBe("200");
    const [resumed] = await waitForSessions("victor", "the same session active again", (s) => s[0]?.state === "active");
    expect(resumed?.id).toBe(session.id);
  });

  it("invalidate: the agent kills the tunnel with occtl, and the console revokes the session", async () => {
    const session = await cutByAgent("invalidate", "wendy");
    const [revoked] = await waitForSessions("wendy", "the session revoked, its tunnel killed", (s) =>
      s.length === 1 && s[0]?.state === "revoked" && s[0].connections[0]?.disconnectedAt !== null,
    );
    expect(revoked?.id).toBe(session.id);
    expect(revoked?.connections.map((c) => c.endReason)).toEqual(["killed"]);
    expect(await connectHookAnswer("wendy")).toMatch(/^403 deny session was invalidated \(invalidated by [^)]*: integration test\): log in again$/);
  });

  it("replace_oldest: a login on another ocserv server ends the older session's tunnel, whose cookie is then refused", async () => {
    const { started: other } = await serverWithAgent("oc-ctl2", 4444, "10.9.4.0");
    const password = await user("yara", { maxSessions: 1, maxSessionsAction: "replace_oldest" });
    const older = await loggedInWithCookie("yara", password, server, near);
    const workerId = await server.idOf("yara");
    const serverSince = await server.logOffset();
    const started = Date.now();
    const newer = await loggedInWithCookie("yara", password, other, far);
    await expectKilledByAgent(server, "yara", workerId, "replace_oldest (after the newer login started)", started);
    await expectEndedByOcserv(server, near, "yara", older.client, older.cookie, serverSince);
    const sessions = await waitForSessions("yara", "the older session revoked, the newer active", (s) =>
      s.length === 2 && s[0]?.state === "revoked" && s[1]?.state === "active" && s[0].connections[0]?.disconnectedAt !== null,
    );
    expect(sessions[0]?.stateReason).toBe("replaced by a newer login (max concurrent sessions)");
    expect(sessions[1]?.connections.map((c) => c.clientIp)).toEqual([far.address]);
    await newer.client.logout();
  });
});
