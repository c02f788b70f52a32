// The agent next to a real ocserv (`npm run agent -- --ocserv`, polling `occtl --json show users`
// in the server namespace) while openconnect clients move traffic: the counters reach Current
// Users, and the console's kill orders are carried out with `occtl disconnect id`. ocserv 1.1.6
// ends its own session on such a kill: openconnect exits and the cookie is gone, after a
// disconnect as after an invalidate. The difference stays on the console's side: a disconnected
// session would take a reconnect, an invalidated one refuses it (docs/ocserv.md).
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../lib/db";
import { startOcservAgent, type RunningAgent } from "./lib/agent";
import { inNamespace } from "./lib/exec";
import { clientSide } from "./lib/network";
import { openconnectLogin, startOcserv, startOpenconnect, type OcservServer, type OpenconnectClient } from "./lib/ocserv";
import { labPort } from "./lib/paths";
import { waitForSessions } from "./lib/sessions";
import { waitFor, waitForLog } from "./lib/wait";
import { setUpWorld, tearDownWorld, type World } from "./lib/world";

// Its own console port, so that it never answers for another file's console.
const CONSOLE_PORT = labPort(3312);
const near = clientSide(0);

let world: World | undefined;
let server: OcservServer;
let serverToken = "";
let agent: RunningAgent | undefined;
const clients: OpenconnectClient[] = [];

function w(): World {
  if (!world) throw new Error("setup did not complete");
  return world;
}

/** Logs in with the password (`openconnect --authenticate`), then connects with the saved cookie. */
async function loggedInWithCookie(username: string) {
  const password = `pw-${username}-${Math.random().toString(36).slice(2)}`;
  await w().console.createUser(username, password);
  const cookie = await openconnectLogin(server, near, username, password);
  const client = await startOpenconnect(server, near, username, { cookie });
  clients.push(client);
  await client.waitConnected();
  const [session] = await waitForSessions(username, "one active session", (s) => s.length === 1 && s[0]?.state === "active");
  if (!session) throw new Error(`${username} has no session`);
  return { client, cookie, session };
}

function agentLog(): string {
  if (!agent) throw new Error("the agent did not start");
  return agent.logPath;
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

/**
 * A user logged in with a saved cookie, cut by the admin action: the agent ends the worker with
 * occtl, openconnect exits, and ocserv refuses the saved cookie. Prints how long the kill took.
 */
async function cutByAgent(action: "invalidate" | "disconnect", username: string) {
  const { client, cookie, session } = await loggedInWithCookie(username);
  const workerId = await server.idOf(username);
  const serverSince = await server.logOffset();
  const started = Date.now();
  await w().console.api("POST", `/api/sessions/${session.id}/${action}`, { reason: "integration test" });
  await waitFor(`worker ${workerId} gone from occtl show users`, 20_000, async () => ((await server.workerIds(username)).includes(workerId) ? undefined : true));
  console.log(`${action}: ocserv ended worker ${workerId} ${Date.now() - started} ms after the admin API call`);
  await waitForLog(agentLog(), new RegExp(`kill ${workerId} \\([^)]*: integration test\\): done: occtl disconnect id ${workerId}`), 5_000);

  // openconnect does not reconnect: ocserv tells it the session is over ...
  await client.waitExited();
  await waitForLog(client.logPath, /Received server disconnect\n[^]*Session terminated by server; exiting\./, 1_000);
  // ... and has forgotten the cookie: a saved copy is refused before the connect script is asked.
  const again = await startOpenconnect(server, near, username, { cookie });
  clients.push(again);
  await again.waitExited();
  await waitForLog(again.logPath, /Cookie was rejected by server/, 1_000);
  expect((await readFile(server.logPath, "utf8")).slice(serverSince)).not.toContain(`connect of '${username}'`);
  return session;
}

beforeAll(async () => {
  world = await setUpWorld(CONSOLE_PORT);
  serverToken = await w().console.registerServer("oc-ctl", "ocserv");
  server = await startOcserv(w().pki, { name: "oc-ctl", port: 4443, network: "10.9.3.0", consoleUrl: w().console.url, token: serverToken });
  agent = await startOcservAgent(server, w().console.url, serverToken);
  await waitFor("the first poll of the agent", 20_000, async () =>
    (await db.vpnServer.findUnique({ where: { name: "oc-ctl" } }))?.agentLastSeenAt ? true : undefined,
  );
});

afterAll(async () => {
  for (const client of clients) await client.logout().catch(() => undefined);
  await agent?.stop();
  await tearDownWorld(world);
});

describe("ocserv with the agent", () => {
  it("reports the counters of a tunnel that moves traffic to Current Users", async () => {
    const { session } = await loggedInWithCookie("uma");
    const [row] = (await currentUsers()).filter((r) => r.sessionId === session.id);
    expect(row).toMatchObject({ username: "uma", server: "oc-ctl" });
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
    expect(dormant?.stateReason).toBe("tunnel cut by the console: session disconnected by integration: integration test");
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
});
