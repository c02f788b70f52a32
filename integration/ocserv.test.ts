// ocserv (Debian's) and openconnect with the shipped hooks and the real console. ocserv checks
// passwords through PAM and the auth hook, so the console sees every login; it keeps its own
// cookies, and the console decides every tunnel through the connect script, which ocserv runs
// again on each reconnect with a cookie.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientSide, SILENT_ADDRESS } from "./lib/network";
import { openconnectLogin, startOcserv, startOpenconnect, type OcservServer, type OpenconnectClient } from "./lib/ocserv";
import { sessionsOf, waitForSessions } from "./lib/sessions";
import { logOffset, waitForLog } from "./lib/wait";
import { setUpWorld, tearDownWorld, type World } from "./lib/world";

const near = clientSide(0);
const far = clientSide(1);
const USERS = {
  alice: "pw-alice-3f9c1",
  bob: "pw-bob-77d02",
  carol: "pw-carol-e4a9b",
  dave: "pw-dave-51c8e",
  erin: "pw-erin-0b6d2",
  frank: "pw-frank-9a3e7",
};

let world: World | undefined;
let server: OcservServer;
let serverToken = "";
const clients: OpenconnectClient[] = [];

function w(): World {
  if (!world) throw new Error("setup did not complete");
  return world;
}

async function startClient(...args: Parameters<typeof startOpenconnect> extends [unknown, ...infer Rest] ? Rest : never) {
  const client = await startOpenconnect(server, ...args);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  world = await setUpWorld();
  serverToken = await w().console.registerServer("oc1", "ocserv");
  for (const [username, password] of Object.entries(USERS)) await w().console.createUser(username, password);
  server = await startOcserv(w().pki, { name: "oc1", port: 4443, network: "10.9.1.0", consoleUrl: w().console.url, token: serverToken });
});

afterAll(async () => {
  for (const client of clients) await client.logout().catch(() => undefined);
  await tearDownWorld(world);
});

describe("ocserv with the console", () => {
  it("starts a session on the first tunnel and resumes it on a reconnect with the cookie", async () => {
    const cookie = await openconnectLogin(server, near, "alice", USERS.alice);
    const first = await startClient(near, "alice", { cookie });
    await first.waitConnected();
    const firstId = await server.idOf("alice");
    const [session] = await waitForSessions("alice", "one active session", (s) => s[0]?.state === "active");
    expect(session?.clientIp).toBe(near.address);
    expect(session?.connections[0]?.externalId).toBe(String(firstId));

    await first.disconnect();
    await waitForSessions("alice", "the session dormant", (s) => s[0]?.state === "dormant");
    const second = await startClient(near, "alice", { cookie });
    await second.waitConnected();
    const secondId = await server.idOf("alice");
    const sessions = await waitForSessions("alice", "the same session active again", (s) => s[0]?.state === "active" && s[0].connections.length === 2);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.id).toBe(session?.id);
    expect(sessions[0]?.connections.map((c) => c.externalId)).toEqual([String(firstId), String(secondId)]);
    await second.logout();
  });

  it("refuses a reconnect with a cookie ocserv still honours once the console has ended the session", async () => {
    await w().console.setUserPolicy("bob", { sessionLifetime: 6 });
    const cookie = await openconnectLogin(server, near, "bob", USERS.bob);
    const first = await startClient(near, "bob", { cookie });
    await first.waitConnected();
    await first.disconnect();
    const [expired] = await waitForSessions("bob", "the session expired at its lifetime", (s) => s[0]?.state === "expired", 20_000);
    expect(expired?.stateReason).toBe("session lifetime reached");

    const since = await server.logOffset();
    const again = await startClient(near, "bob", { cookie });
    await again.waitExited();
    await waitForLog(server.logPath, /connect of 'bob' denied by console: session expired \(session lifetime reached\): log in again/, 5_000, since);
    const sessions = await sessionsOf("bob");
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.connections).toHaveLength(1);
  });

  it("refuses a wrong password and a disabled user's login", async () => {
    const since = await logOffset(server.authLogPath);
    const wrong = await startClient(near, "carol", { password: "not-carols-password" });
    await wrong.waitExited();
    await waitForLog(server.authLogPath, /login of 'carol' denied by console: unknown user or wrong password/, 5_000, since);

    await w().console.api("PATCH", "/api/vpn-users/carol", { enabled: false });
    const disabled = await startClient(near, "carol", { password: USERS.carol });
    await disabled.waitExited();
    await waitForLog(server.authLogPath, /login of 'carol' denied by console: user is disabled/, 5_000, since);
    expect(await sessionsOf("carol")).toEqual([]);
  });

  it("refuses a second login when max concurrent sessions is 1", async () => {
    await w().console.setUserPolicy("dave", { maxSessions: 1 });
    const first = await startClient(near, "dave", { password: USERS.dave });
    await first.waitConnected();
    const since = await logOffset(server.authLogPath);
    const second = await startClient(far, "dave", { password: USERS.dave });
    await second.waitExited();
    await waitForLog(server.authLogPath, /login of 'dave' denied by console: max concurrent sessions \(1\) reached/, 5_000, since);
    expect((await sessionsOf("dave")).map((s) => [s.state, s.clientIp])).toEqual([["active", near.address]]);
    await first.logout();
  });

  it("refuses logins when the console does not answer, saying why in the auth hook's log", async () => {
    const cut = await startOcserv(w().pki, {
      name: "oc2",
      port: 4444,
      network: "10.9.2.0",
      consoleUrl: `http://${SILENT_ADDRESS}:3241`,
      token: "scs_unused",
    });
    try {
      const client = await startOpenconnect(cut, far, "alice", { password: USERS.alice });
      clients.push(client);
      await client.waitExited();
      await waitForLog(cut.authLogPath, /login of 'alice' refused: console unreachable: curl: \(28\)/, 5_000);
    } finally {
      await cut.stop();
    }
  });

  it("after the console ends a session, refuses its cookie but lets a fresh password login in", async () => {
    const cookie = await openconnectLogin(server, near, "erin", USERS.erin);
    const first = await startClient(near, "erin", { cookie });
    await first.waitConnected();
    await first.disconnect();
    const [session] = await waitForSessions("erin", "the session dormant", (s) => s[0]?.state === "dormant");
    await w().console.api("POST", `/api/sessions/${session?.id}/invalidate`, { reason: "integration test" });

    const since = await server.logOffset();
    const withCookie = await startClient(near, "erin", { cookie });
    await withCookie.waitExited();
    await waitForLog(server.logPath, /connect of 'erin' denied by console: session was invalidated \(invalidated by [^)]*: integration test\): log in again/, 5_000, since);

    const fresh = await startClient(near, "erin", { password: USERS.erin });
    await fresh.waitConnected();
    const sessions = await waitForSessions("erin", "a new active session next to the revoked one", (s) => s.length === 2 && s[1]?.state === "active");
    expect(sessions.map((s) => s.state)).toEqual(["revoked", "active"]);
    expect(sessions[0]?.connections).toHaveLength(1);
    await fresh.logout();
  });

  it("never writes a password or the server token to the server log or the auth hook's log", async () => {
    for (const file of [server.logPath, server.authLogPath]) {
      const log = await readFile(file, "utf8");
      for (const secret of [...Object.values(USERS), serverToken]) expect(log).not.toContain(secret);
    }
  });
});
