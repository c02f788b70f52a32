// How a tunnel ends decides what its session's token is still good for, against a real OpenVPN
// server with the agent attached: a client that leaves on purpose (SIGTERM, explicit-exit-notify)
// ends its session, and its token is refused from then on; a client that vanishes (SIGKILL, the
// server notices at its keepalive timeout) leaves the session dormant, and the token gets back in.
// OpenVPN tells only its management interface which of the two happened (docs/openvpn.md), so the
// agent reports it and the console reconciles that with the hook's disconnect.
import { spawn } from "node:child_process";
import { chmod, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../lib/db";
import { startOpenVpnAgent, type RunningAgent } from "./lib/agent";
import { clientSide } from "./lib/network";
import { startOpenVpnClient, startOpenVpnServer, type OpenVpnClient, type OpenVpnServer } from "./lib/openvpn";
import { labPort, ROOT, STATE_DIR } from "./lib/paths";
import { waitForSessions } from "./lib/sessions";
import { waitFor, waitForLog } from "./lib/wait";
import { setUpWorld, tearDownWorld, type World } from "./lib/world";

// Its own console port, so that it never answers for another file's console.
const CONSOLE_PORT = labPort(3331);
const SERVER = "ovpn-end1";
const near = clientSide(0);
/** Where the test keeps each tunnel's client config as the console answered it (token included). */
const ANSWERS = path.join(STATE_DIR, "connect-answers");

let world: World | undefined;
let server: OpenVpnServer;
let serverToken = "";
let agent: RunningAgent | undefined;
const clients: OpenVpnClient[] = [];

function w(): World {
  if (!world) throw new Error("setup did not complete");
  return world;
}

/**
 * The shipped client-connect hook, plus a copy of the per-client config file it wrote, so that the
 * test holds the session token a real client keeps only in memory.
 */
async function connectHookKeepingAnswers(): Promise<string> {
  const wrapper = path.join(STATE_DIR, "client-connect-keeping-answers.sh");
  await writeFile(
    wrapper,
    `#!/bin/sh
"${path.join(ROOT, "hooks", "openvpn", "client-connect.sh")}" "$@" || exit 1
for config; do :; done
mkdir -p "${ANSWERS}" && cp "$config" "${ANSWERS}/$untrusted_ip:$untrusted_port"
`,
  );
  await chmod(wrapper, 0o755);
  return wrapper;
}

async function tokenOf(connectionId: string): Promise<string> {
  const answer = await readFile(path.join(ANSWERS, connectionId), "utf8");
  const token = /^push "auth-token (\S+)"$/m.exec(answer)?.[1];
  if (!token) throw new Error(`no auth-token in the console's answer for ${connectionId}: ${answer}`);
  return token;
}

/** A user logged in with the password through a real client; returns it, its session and token. */
async function loggedIn(username: string) {
  const password = `pw-${username}-${Math.random().toString(36).slice(2)}`;
  await w().console.createUser(username, password);
  const client = await startOpenVpnClient(server, near, { username, password });
  clients.push(client);
  await client.waitConnected();
  const [session] = await waitForSessions(username, "one active session", (s) => s.length === 1 && s[0]?.state === "active");
  const connectionId = session?.connections[0]?.externalId;
  if (!session || !connectionId) throw new Error(`${username} has no session with a connection`);
  return { client, session, connectionId, token: await tokenOf(connectionId) };
}

/** A fresh client process that presents `token` where the password goes. */
async function clientWithToken(username: string, token: string): Promise<OpenVpnClient> {
  const client = await startOpenVpnClient(server, near, { username, password: token });
  clients.push(client);
  return client;
}

/** Runs the shipped client-disconnect hook as OpenVPN would for the tunnel from `connectionId`. */
function runDisconnectHook(username: string, connectionId: string): Promise<{ code: number | null; stderr: string }> {
  const [ip, port] = [connectionId.slice(0, connectionId.lastIndexOf(":")), connectionId.slice(connectionId.lastIndexOf(":") + 1)];
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "hooks", "openvpn", "client-disconnect.sh"), [], {
      env: {
        ...process.env,
        CONSOLE_URL: w().console.url,
        CONSOLE_SERVER_TOKEN: serverToken,
        username,
        untrusted_ip: ip,
        untrusted_port: port,
        bytes_received: "100",
        bytes_sent: "200",
        time_duration: "5",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

beforeAll(async () => {
  world = await setUpWorld(CONSOLE_PORT);
  serverToken = await w().console.registerServer(SERVER, "openvpn");
  server = await startOpenVpnServer(w().pki, {
    name: SERVER,
    port: 1194,
    network: "10.8.1.0",
    consoleUrl: w().console.url,
    token: serverToken,
    // The server gives up on a silent client after 8 s instead of 120 s.
    extraConfig: [`client-connect ${await connectHookKeepingAnswers()}`, "keepalive 1 4"],
  });
  agent = await startOpenVpnAgent(server, w().console.url, serverToken);
  await waitFor("the agent's first poll", 20_000, async () =>
    (await db.vpnServer.findUnique({ where: { name: SERVER } }))?.agentLastSeenAt ? true : undefined,
  );
});

afterAll(async () => {
  for (const client of clients) await client.stop().catch(() => undefined);
  await agent?.stop();
  await tearDownWorld(world);
});

describe("how an OpenVPN tunnel ends decides its session's fate", () => {
  it("a client that exits gracefully ends its session: the old token is refused and the password is needed", async () => {
    const { client, session, connectionId, token } = await loggedIn("gina");
    const since = await server.logOffset();
    await client.stop();
    await waitForLog(server.logPath, /gina\/\S+ CC-EEN exit message received by peer/, 10_000, since);
    const [ended] = await waitForSessions("gina", "the session ended", (s) => s[0]?.state === "ended");
    expect(ended?.id).toBe(session.id);
    expect(ended?.stateReason).toBe("client disconnected");
    expect(ended?.connections.map((c) => [c.externalId, c.endReason])).toEqual([[connectionId, "graceful"]]);
    if (!agent) throw new Error("no agent");
    await waitForLog(agent.logPath, new RegExp(`tunnel ${connectionId} ended \\(graceful\\)`), 5_000);

    const refusedSince = await server.logOffset();
    const again = await clientWithToken("gina", token);
    await again.waitExited();
    await waitForLog(again.logPath, /AUTH_FAILED/, 1_000);
    await waitForLog(server.logPath, /login of 'gina' denied by console: session ended when the client disconnected: log in again/, 5_000, refusedSince);
    const sessions = await waitForSessions("gina", "still the one ended session", (s) => s.length === 1);
    expect(sessions[0]?.connections).toHaveLength(1);
  });

  it("a client that vanishes leaves its session dormant, and its token gets back in", async () => {
    const { client, session, connectionId, token } = await loggedIn("hank");
    const since = await server.logOffset();
    await client.signal("SIGKILL");
    await waitForLog(server.logPath, /hank\/\S+ SIGUSR1\[soft,ping-restart\] received, client-instance restarting/, 20_000, since);
    const [dormant] = await waitForSessions("hank", "the session dormant, its tunnel dropped", (s) =>
      s[0]?.state === "dormant" && s[0].connections[0]?.endReason === "dropped",
    );
    expect(dormant?.stateReason).toMatch(/^tunnel (dropped|ended)$/);

    const again = await clientWithToken("hank", token);
    await again.waitConnected();
    const [resumed] = await waitForSessions("hank", "the same session active on a second connection", (s) =>
      s.length === 1 && s[0]?.state === "active" && s[0].connections.length === 2,
    );
    expect(resumed?.id).toBe(session.id);
    expect(resumed?.connections[0]?.externalId).toBe(connectionId);
    await again.stop();
  });

  it("a replayed disconnect is logged as already recorded, not as an error, and changes nothing", async () => {
    const [gina] = await waitForSessions("gina", "the ended session", (s) => s[0]?.state === "ended");
    const connectionId = gina?.connections[0]?.externalId;
    if (!connectionId) throw new Error("gina's connection has no id");
    const replay = await runDisconnectHook("gina", connectionId);
    expect(replay.code).toBe(0);
    expect(replay.stderr).toBe(
      `session-console client-disconnect: disconnect report of 'gina': already recorded by the console, nothing to do (connection "${connectionId}" already ended)\n`,
    );
    const [after] = await waitForSessions("gina", "the session unchanged", (s) => s.length === 1);
    expect(after?.state).toBe("ended");
    expect(after?.connections.map((c) => [c.bytesIn, c.bytesOut])).toEqual(gina?.connections.map((c) => [c.bytesIn, c.bytesOut]));
  });
});
