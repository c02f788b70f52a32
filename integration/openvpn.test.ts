// OpenVPN 2.6 (Debian's) with the shipped hooks and the real console: for each session rule, what
// the user's client gets and what the console records.
//
// Reconnects are forced with the management interface's `client-kill` (the server drops the
// tunnel, the client reconnects on its own). Before each forced reconnect the password on file is
// replaced by a wrong one, so a client that gets back in can only have used the session token.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientSide, moveClient, SILENT_ADDRESS, type ClientSide } from "./lib/network";
import { startOpenVpnClient, startOpenVpnServer, type OpenVpnClient, type OpenVpnServer } from "./lib/openvpn";
import { sessionsOf, waitForSessions } from "./lib/sessions";
import { sleep, waitForLog } from "./lib/wait";
import { setUpWorld, tearDownWorld, type World } from "./lib/world";

const near = clientSide(0);
const far = clientSide(1);
const WRONG = "not-the-password";

let world: World | undefined;
let server: OpenVpnServer;
const clients: OpenVpnClient[] = [];
const passwords: string[] = [];
const serverTokens: string[] = [];
const servers: OpenVpnServer[] = [];

function w(): World {
  if (!world) throw new Error("setup did not complete");
  return world;
}

async function user(username: string, policy?: Record<string, unknown>): Promise<string> {
  const password = `pw-${username}-${Math.random().toString(36).slice(2)}`;
  passwords.push(password);
  await w().console.createUser(username, password);
  if (policy) await w().console.setUserPolicy(username, policy);
  return password;
}

async function registerServer(name: string): Promise<string> {
  const token = await w().console.registerServer(name, "openvpn");
  serverTokens.push(token);
  return token;
}

async function startServer(options: Omit<Parameters<typeof startOpenVpnServer>[1], "consoleUrl"> & { consoleUrl?: string }) {
  const started = await startOpenVpnServer(w().pki, { consoleUrl: w().console.url, ...options });
  servers.push(started);
  return started;
}

async function startClient(to: OpenVpnServer, username: string, password: string, side: ClientSide = near, extraConfig: string[] = []) {
  const client = await startOpenVpnClient(to, side, { username, password }, extraConfig);
  clients.push(client);
  return client;
}

/** Drops the user's tunnel from the server side; the client reconnects with what it has. */
async function dropTunnel(on: OpenVpnServer, username: string): Promise<void> {
  await on.killClient((await on.clientOf(username)).clientId);
}

/**
 * Drops the user's tunnel and moves the client to its other address before it reconnects: frozen,
 * it receives the server's restart message on the old address and acts on it from the new one.
 */
async function dropTunnelAndMove(client: OpenVpnClient, username: string): Promise<void> {
  await client.signal("SIGSTOP");
  try {
    await dropTunnel(server, username);
    await sleep(300);
    await moveClient(near, near.address, near.otherAddress);
  } finally {
    await client.signal("SIGCONT");
  }
}

/** The client was refused and gave up (auth-retry none), and the server log says why. */
async function expectRefused(client: OpenVpnClient, on: OpenVpnServer, serverSince: number, logLine: RegExp): Promise<void> {
  await client.waitExited();
  await waitForLog(client.logPath, /AUTH_FAILED/, 1_000);
  await waitForLog(on.logPath, logLine, 5_000, serverSince);
}

beforeAll(async () => {
  world = await setUpWorld();
  server = await startServer({ name: "ovpn1", port: 1194, network: "10.8.1.0", token: await registerServer("ovpn1") });
});

afterAll(async () => {
  for (const client of clients) await client.stop().catch(() => undefined);
  await tearDownWorld(world);
});

describe("OpenVPN with console-issued session tokens", () => {
  it("logs in with the password, then reconnects after a dropped tunnel with the session token alone", async () => {
    const password = await user("alice");
    const client = await startClient(server, "alice", password);
    await client.waitConnected();
    const [session] = await waitForSessions("alice", "one active session", (s) => s.length === 1 && s[0]?.state === "active");
    expect(session?.clientIp).toBe(near.address);
    expect(session?.tokenHash).not.toBeNull();

    await client.setPassword(WRONG);
    const since = await client.logOffset();
    await dropTunnel(server, "alice");
    await client.waitConnected(since);

    const sessions = await waitForSessions("alice", "the same session with a second connection", (s) =>
      s.length === 1 && s[0]?.state === "active" && s[0].connections.length === 2 && s[0].connections[0]?.disconnectedAt !== null,
    );
    expect(sessions[0]?.id).toBe(session?.id);
    // The token was issued once, on the first connect.
    expect(sessions[0]?.tokenHash).toBe(session?.tokenHash);
    const row = await server.clientOf("alice");
    expect(sessions[0]?.connections[1]).toMatchObject({ externalId: row.realAddress, vpnIp: row.virtualAddress, disconnectedAt: null });
    await client.stop();
  });

  it("passes a password with shell and URL metacharacters through the hook unchanged", async () => {
    const awkward = `p a&s=s "w'o\\rd" $HOME ; \`x\` ü %41+`;
    passwords.push(awkward);
    await w().console.createUser("zoe", awkward);
    const client = await startClient(server, "zoe", awkward);
    await client.waitConnected();
    await waitForSessions("zoe", "one active session", (s) => s[0]?.state === "active");
    await client.stop();
  });

  it("denies a wrong password", async () => {
    await user("bob");
    const since = await server.logOffset();
    const client = await startClient(server, "bob", WRONG);
    await expectRefused(client, server, since, /login of 'bob' denied by console: unknown user or wrong password/);
    expect(await sessionsOf("bob")).toEqual([]);
  });

  it("denies a disabled user", async () => {
    const password = await user("carol");
    await w().console.api("PATCH", "/api/vpn-users/carol", { enabled: false });
    const since = await server.logOffset();
    const client = await startClient(server, "carol", password);
    await expectRefused(client, server, since, /login of 'carol' denied by console: user is disabled/);
    expect(await sessionsOf("carol")).toEqual([]);
  });

  it("refuses the token from another client IP under IP lock", async () => {
    const password = await user("dave");
    const client = await startClient(server, "dave", password);
    await client.waitConnected();
    await client.setPassword(WRONG);
    const since = await server.logOffset();
    try {
      await dropTunnelAndMove(client, "dave");
      await expectRefused(
        client,
        server,
        since,
        new RegExp(`login of 'dave' denied by console: token presented from ${near.otherAddress}, but the session is locked to ${near.address}`),
      );
    } finally {
      await moveClient(near, near.otherAddress, near.address);
    }
    const [session] = await waitForSessions("dave", "the session dormant after its tunnel ended", (s) => s[0]?.state === "dormant");
    expect(session?.connections).toHaveLength(1);
    expect(session?.clientIp).toBe(near.address);
  });

  it("accepts the token from another client IP when IP lock is off", async () => {
    const password = await user("erin", { ipLock: false });
    const client = await startClient(server, "erin", password);
    await client.waitConnected();
    await client.setPassword(WRONG);
    const since = await client.logOffset();
    try {
      await dropTunnelAndMove(client, "erin");
      await client.waitConnected(since);
      const [session] = await waitForSessions("erin", "a second connection from the other IP", (s) => s[0]?.connections.length === 2);
      expect(session?.connections.map((c) => c.clientIp)).toEqual([near.address, near.otherAddress]);
      expect(await sessionsOf("erin")).toHaveLength(1);
    } finally {
      await client.stop();
      await moveClient(near, near.otherAddress, near.address);
    }
  });

  it("refuses the token once the session has been dormant for longer than the idle expiry", async () => {
    const password = await user("frank", { idleTokenExpiry: 2 });
    const client = await startClient(server, "frank", password);
    await client.waitConnected();
    await client.setPassword(WRONG);
    // A frozen client cannot answer: the server drops the tunnel and the session goes dormant.
    await client.signal("SIGSTOP");
    try {
      const since = await server.logOffset();
      await dropTunnel(server, "frank");
      await waitForSessions("frank", "the session dormant", (s) => s[0]?.state === "dormant");
      const [expired] = await waitForSessions("frank", "the session expired by the sweeper", (s) => s[0]?.state === "expired");
      expect(expired?.stateReason).toMatch(/idle token expiry/);
      await client.signal("SIGCONT");
      await expectRefused(client, server, since, /login of 'frank' denied by console: session expired \(idle token expiry/);
    } finally {
      await client.signal("SIGCONT");
    }
  });

  it("refuses the token after the session lifetime, even from a client that ignored session-timeout", async () => {
    const password = await user("grace", { sessionLifetime: 6 });
    // An older client that does not know session-timeout keeps its tunnel past the lifetime.
    const client = await startClient(server, "grace", password, near, ["pull-filter ignore session-timeout"]);
    await client.waitConnected();
    await waitForLog(client.logPath, /Pushed option removed by filter: 'session-timeout [1-6]'/, 1_000);
    await client.setPassword(WRONG);
    const [expired] = await waitForSessions("grace", "the session expired at its lifetime", (s) => s[0]?.state === "expired", 20_000);
    expect(expired?.stateReason).toBe("session lifetime reached");
    const since = await server.logOffset();
    await dropTunnel(server, "grace");
    await expectRefused(client, server, since, /login of 'grace' denied by console: session expired \(session lifetime reached\)/);
  });

  it("pushes the inactivity threshold, which the client obeys", async () => {
    const password = await user("heidi", { inactivityWindow: 4, inactivityBytes: 1_000_000 });
    const client = await startClient(server, "heidi", password);
    await client.waitConnected();
    await waitForLog(client.logPath, /PUSH: Received control message: .*inactive 4 1000000/, 1_000);
    // Pings do not count as traffic: an idle tunnel ends after the window.
    await waitForLog(client.logPath, /Inactivity timeout \(--inactive\), exiting/, 20_000);
    await client.waitExited();
    const [session] = await waitForSessions("heidi", "the tunnel ended", (s) => s[0]?.connections[0]?.disconnectedAt != null);
    expect(session?.state).toBe("dormant");
  });

  it("records a client's own exit as the end of its tunnel", async () => {
    const password = await user("ivan");
    const client = await startClient(server, "ivan", password);
    await client.waitConnected();
    const since = await server.logOffset();
    await client.stop();
    await waitForLog(server.logPath, /ivan\/.* (CC-EEN exit message received by peer|SIGTERM\[soft,remote-exit\])/, 10_000, since);
    const [session] = await waitForSessions("ivan", "the tunnel ended", (s) => s[0]?.connections[0]?.disconnectedAt != null);
    // OpenVPN does not tell client-disconnect why a tunnel ended (docs/openvpn.md): without an
    // agent to report the exit (integration/disconnect.test.ts), the hook's "unknown" leaves the
    // session resumable until its idle expiry.
    expect(session?.connections[0]?.endReason).toBe("unknown");
    expect(session?.state).toBe("dormant");
    expect(Number(session?.connections[0]?.bytesIn)).toBeGreaterThan(0);
  });

  it("denies a second login when max concurrent sessions is 1", async () => {
    const password = await user("judy", { maxSessions: 1 });
    const first = await startClient(server, "judy", password, near);
    await first.waitConnected();
    const since = await server.logOffset();
    const second = await startClient(server, "judy", password, far);
    await expectRefused(second, server, since, /login of 'judy' denied by console: max concurrent sessions \(1\) reached/);
    const sessions = await sessionsOf("judy");
    expect(sessions.map((s) => [s.state, s.clientIp])).toEqual([["active", near.address]]);
    await first.stop();
  });
});

describe("OpenVPN's own tokens (auth-gen-token external-auth)", () => {
  it("tracks OpenVPN's session_id and decides each reconnect on session_state", async () => {
    const own = await startServer({
      name: "ovpn2",
      port: 1195,
      network: "10.8.2.0",
      token: await registerServer("ovpn2"),
      extraConfig: ["auth-gen-token 0 external-auth"],
    });
    try {
      const password = await user("mallory");
      const client = await startClient(own, "mallory", password);
      await client.waitConnected();
      const [session] = await waitForSessions("mallory", "one active session", (s) => s[0]?.state === "active");
      // OpenVPN issues the token; the console keeps OpenVPN's session id instead of a token.
      expect(session?.externalSessionId).toMatch(/\S{8,}/);
      expect(session?.tokenHash).toBeNull();

      await client.setPassword(WRONG);
      let since = await client.logOffset();
      await dropTunnel(own, "mallory");
      await client.waitConnected(since);
      const [resumed] = await waitForSessions("mallory", "a second connection of the same session", (s) => s[0]?.connections.length === 2);
      expect(resumed?.id).toBe(session?.id);
      expect(await sessionsOf("mallory")).toHaveLength(1);

      // OpenVPN still finds its token valid; the console says no once the user is disabled.
      await w().console.api("PATCH", "/api/vpn-users/mallory", { enabled: false });
      since = await own.logOffset();
      await dropTunnel(own, "mallory");
      await expectRefused(client, own, since, /login of 'mallory' denied by console: user is disabled/);
    } finally {
      await own.stop();
    }
  });
});

describe("OpenVPN hooks fail closed", () => {
  it("refuses logins when the console does not answer, saying why in the server log", async () => {
    const cut = await startServer({
      name: "ovpn3",
      port: 1196,
      network: "10.8.3.0",
      consoleUrl: `http://${SILENT_ADDRESS}:3241`,
      token: "scs_unused",
    });
    try {
      const password = await user("oscar");
      const since = await cut.logOffset();
      const started = Date.now();
      const client = await startClient(cut, "oscar", password);
      await expectRefused(client, cut, since, /login of 'oscar' refused: console unreachable: curl: \(28\)/);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await sessionsOf("oscar")).toEqual([]);
    } finally {
      await cut.stop();
    }
  });

  it("refuses logins when the console rejects the server's token", async () => {
    const rejected = await startServer({ name: "ovpn4", port: 1197, network: "10.8.4.0", token: "scs_not-a-registered-token" });
    try {
      const password = await user("peggy");
      const since = await rejected.logOffset();
      const client = await startClient(rejected, "peggy", password);
      await expectRefused(client, rejected, since, /login of 'peggy' refused: console rejected this server's token \(HTTP 401\)/);
      expect(await readFile(rejected.logPath, "utf8")).not.toContain("scs_not-a-registered-token");
      expect(await sessionsOf("peggy")).toEqual([]);
    } finally {
      await rejected.stop();
    }
  });

  it("never writes a password or a server token to the server log", async () => {
    expect(servers).toHaveLength(4);
    const logs = await Promise.all(servers.map((s) => readFile(s.logPath, "utf8")));
    for (const log of logs) {
      for (const secret of [...passwords, ...serverTokens]) expect(log).not.toContain(secret);
    }
  });
});

