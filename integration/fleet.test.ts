// Two console instances (server.ts, production build, as `npm start` runs it) on one fresh
// PostgreSQL database behave as one: a session started through one is checked through the other;
// an invalidation made on one is carried out by an agent that polls the other, against a real
// OpenVPN server; Current Users is the same from both; max concurrent sessions holds when logins
// race through both; a rotated server token is refused everywhere within the token cache's 2 s;
// and each background job runs on one instance, moving to the other when its holder is killed.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_TOKEN_CACHE_MS } from "../lib/servers";
import { createTestDb, type TestDb } from "../lib/testing/test-db";
import { startOpenVpnAgent, type RunningAgent } from "./lib/agent";
import { createState, removeState, startConsole, type RunningConsole } from "./lib/console";
import { clientSide, CLIENTS, createNetwork, removeNetwork } from "./lib/network";
import { startOpenVpnClient, startOpenVpnServer, type OpenVpnClient, type OpenVpnServer } from "./lib/openvpn";
import { labPort, STATE_DIR } from "./lib/paths";
import { makePki } from "./lib/pki";
import { sessionsOf, waitForSessions } from "./lib/sessions";
import { sleep, waitFor, waitForLog } from "./lib/wait";

/** Background leases of this many seconds, so that a killed holder's jobs move within the test. */
const LEASE_SECONDS = 3;
const JOBS = ["inactivity-enforcement", "session-expiry", "traffic-compaction"];
const TUNNEL_CUT = /SIGUSR1\[soft,server-pushed-connection-reset\]/;

let pg: TestDb | undefined;
let a: RunningConsole;
let b: RunningConsole;
let serverToken: string;
let vpn: OpenVpnServer | undefined;
let agent: RunningAgent | undefined;
const clients: OpenVpnClient[] = [];

function database(): TestDb {
  if (!pg) throw new Error("setup did not complete");
  return pg;
}

interface HookAnswer {
  status: number;
  body: { decision?: string; reason?: string; session_id?: string; config?: string[]; error?: string; session_state?: string };
}

/** One hook API call through `via`, as a VPN server's hook makes it. */
async function hook(via: RunningConsole, name: string, body: Record<string, unknown>, token = serverToken): Promise<HookAnswer> {
  const response = await fetch(`${via.url}/api/hooks/v1/${name}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as HookAnswer["body"] };
}

/** Login then tunnel up through `via`, as OpenVPN's auth-user-pass-verify and client-connect do. */
async function authAndConnect(via: RunningConsole, username: string, password: string, ip: string, port: number) {
  const auth = await hook(via, "auth", { username, password, client_ip: ip, client_port: port });
  if (auth.status !== 200) return { auth, connect: undefined };
  const connect = await hook(via, "connect", { username, client_ip: ip, client_port: port, vpn_ip: "10.99.0.2", connection_id: `${ip}:${port}` });
  return { auth, connect };
}

function tokenFrom(config: string[] | undefined): string {
  const token = config?.find((line) => line.startsWith('push "auth-token '))?.slice('push "auth-token '.length, -1);
  if (!token) throw new Error(`no auth-token in ${JSON.stringify(config)}`);
  return token;
}

async function user(username: string, policy?: Record<string, unknown>, via = a): Promise<string> {
  const password = `pw-${username}-${randomBytes(6).toString("hex")}`;
  await via.createUser(username, password);
  if (policy) await via.setUserPolicy(username, policy);
  return password;
}

/** The `background job taken` (or `lost`) lines of a console's log: which jobs, as which instance. */
async function jobLines(console: RunningConsole, msg = "background job taken"): Promise<{ job: string; instance: string }[]> {
  const lines = (await readFile(console.logPath, "utf8")).split("\n").filter((line) => line.includes(`"msg":"${msg}"`));
  return lines.map((line) => JSON.parse(line) as { job: string; instance: string });
}

async function leases() {
  return database().db.backgroundLease.findMany({ orderBy: { job: "asc" }, select: { job: true, holder: true } });
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("the integration tests need root (network namespaces, tun devices)");
  await createNetwork();
  await createState();
  pg = await createTestDb("postgresql");
  const shared = {
    database: { url: pg.url, db: pg.db },
    nextAuthSecret: randomBytes(32).toString("base64url"),
    env: {
      BACKGROUND_LEASE_SECONDS: String(LEASE_SECONDS),
      // Bursts of simultaneous logins of one user are the point here, not password guessing.
      LOCKOUT_USER_BACKOFF_AFTER: "1000",
      LOCKOUT_USER_LOCK_AFTER: "1000",
    },
  };
  [a, b] = await Promise.all([
    startConsole({ ...shared, name: "a", port: labPort(3331) }),
    startConsole({ ...shared, name: "b", port: labPort(3332) }),
  ]);
  serverToken = await a.registerServer("fleet-hooks", "openvpn");
});

afterAll(async () => {
  for (const client of clients) await client.stop().catch(() => undefined);
  await agent?.stop();
  await vpn?.stop();
  await a?.stop();
  await b?.stop();
  await pg?.drop();
  await removeNetwork();
  if (process.env.INTEGRATION_KEEP !== "1") await removeState();
});

describe("two console instances on one PostgreSQL database", () => {
  it("a session started through A resumes with its token through B, and B's invalidation is refused through A", async () => {
    const password = await user("fleet-ann");
    const first = await authAndConnect(a, "fleet-ann", password, "198.51.100.7", 40000);
    expect(first.auth.body).toMatchObject({ decision: "allow", reason: "password accepted: new session" });
    expect(first.connect?.body).toMatchObject({ decision: "allow", reason: "tunnel up: new session token issued" });
    const token = tokenFrom(first.connect?.body.config);
    const sessionId = first.auth.body.session_id;

    // The tunnel drops; the disconnect lands on B, which never saw the connect.
    const down = await hook(b, "disconnect", { connection_id: "198.51.100.7:40000", bytes_received: 100, bytes_sent: 200, reason: "dropped" });
    expect(down.body).toEqual({ session_id: sessionId, session_state: "dormant" });

    // The client comes back with its token, through B.
    const resumed = await authAndConnect(b, "fleet-ann", token, "198.51.100.7", 40001);
    expect(resumed.auth.body).toEqual({ decision: "allow", reason: "session token accepted", session_id: sessionId });
    expect(resumed.connect?.body).toMatchObject({ decision: "allow", reason: "tunnel up", session_id: sessionId });
    expect(resumed.connect?.body.config?.some((line) => line.startsWith('push "auth-token'))).toBe(false);

    await b.api("POST", `/api/sessions/${sessionId}/invalidate`, { reason: "fleet test" });
    const refused = await hook(a, "auth", { username: "fleet-ann", password: token, client_ip: "198.51.100.7", client_port: 40002 });
    expect(refused.status).toBe(403);
    expect(refused.body.reason).toMatch(/^session was invalidated \(invalidated by .*: fleet test\): log in again$/);
    const [session] = await sessionsOf("fleet-ann", database().db);
    expect(session?.connections.map((c) => c.externalId)).toEqual(["198.51.100.7:40000", "198.51.100.7:40001"]);
  });

  it("an invalidation through A's admin API is carried out by the agent polling B: the real tunnel is cut within 2 s", async () => {
    const pki = await makePki(path.join(STATE_DIR, "pki"), CLIENTS.map((client) => client.serverAddress));
    const token = await a.registerServer("fleet-ovpn", "openvpn");
    // The server's hooks call A; its agent polls B.
    vpn = await startOpenVpnServer(pki, { name: "fleet-ovpn", port: 1194, network: "10.8.1.0", consoleUrl: a.url, token });
    agent = await startOpenVpnAgent(vpn, b.url, token);
    const password = await user("fleet-bob");
    const client = await startOpenVpnClient(vpn, clientSide(0), { username: "fleet-bob", password });
    clients.push(client);
    await client.waitConnected();
    await client.setPassword("not-the-password");
    const [session] = await waitForSessions("fleet-bob", "one active session", (s) => s[0]?.state === "active", 20_000, database().db);
    if (!session) throw new Error("no session");

    const since = await client.logOffset();
    const started = Date.now();
    await a.api("POST", `/api/sessions/${session.id}/invalidate`, { reason: "fleet test" });
    // Within 2 s of the admin's call, the call itself included.
    await waitForLog(client.logPath, TUNNEL_CUT, Math.max(0, started + 2_000 - Date.now()), since);
    console.log(`invalidate on A, agent on B: the client's tunnel was cut ${Date.now() - started} ms after the admin API call`);
    // Its reconnect with the token is refused (through A, where the server's hooks go).
    await client.waitExited();
    await waitForLog(client.logPath, /AUTH_FAILED/, 5_000, since);
    const [revoked] = await waitForSessions(
      "fleet-bob",
      "the session revoked, its tunnel ended by the kill",
      (s) => s[0]?.state === "revoked" && s[0].connections.every((c) => c.disconnectedAt !== null),
      10_000,
      database().db,
    );
    expect(revoked?.connections.map((c) => c.endReason)).toEqual(["killed"]);
    // The agent acknowledged its one kill order to B.
    await waitFor("the kill order acknowledged", 5_000, async () => {
      const orders = await database().db.agentOrder.findMany({ where: { connection: { sessionId: session.id } }, select: { state: true } });
      return orders.length === 1 && orders[0]?.state === "done" ? true : undefined;
    });
  });

  it("Current Users is the same whichever instance serves it", async () => {
    const password = await user("fleet-cat");
    for (const [index, via] of [a, b, a].entries()) {
      const { connect } = await authAndConnect(via, `fleet-cat`, password, `198.51.100.${20 + index}`, 41000);
      expect(connect?.body.decision).toBe("allow");
    }
    const report = await hook(b, "traffic", {
      connections: [20, 21, 22].map((n, i) => ({ connection_id: `198.51.100.${n}:41000`, bytes_received: 1000 * (i + 1), bytes_sent: 5000 * (i + 1) })),
    });
    expect(report.status).toBe(200);
    // B answers the report before writing it (within a second); both read what is stored.
    const bytesIn = (view: { rows: { bytesIn: number }[] }) => view.rows.map((row) => row.bytesIn).sort();
    await waitFor("the report stored, as A reads it", 5000, async () => {
      const view = await a.api<{ rows: { bytesIn: number }[] }>("GET", "/api/current-users?q=fleet-cat");
      return bytesIn(view).join() === "1000,2000,3000" ? view : undefined;
    });
    for (const query of ["", "?q=fleet-cat&sort=bytesIn&order=desc", "?server=fleet-hooks&pageSize=2&page=2"]) {
      const [fromA, fromB] = await Promise.all([a.api<{ at: string }>("GET", `/api/current-users${query}`), b.api<{ at: string }>("GET", `/api/current-users${query}`)]);
      const { at: atA, ...viewA } = fromA;
      const { at: atB, ...viewB } = fromB;
      expect(atA).toBeTruthy();
      expect(atB).toBeTruthy();
      expect(viewB).toEqual(viewA);
    }
  });

  for (const action of ["deny", "replace_oldest"] as const) {
    it(`max concurrent sessions (${action}): simultaneous logins split over A and B leave exactly the allowed number`, async () => {
      const username = `fleet-max-${action === "deny" ? "deny" : "replace"}`;
      const password = await user(username, { maxSessions: 2, maxSessionsAction: action });
      const attempts = await Promise.all(
        Array.from({ length: 16 }, (_, n) => authAndConnect(n % 2 ? b : a, username, password, `198.51.100.${100 + n}`, 42000)),
      );
      const sessions = await sessionsOf(username, database().db);
      const live = sessions.filter((s) => s.state === "pending" || s.state === "active");
      expect(live).toHaveLength(2);
      if (action === "deny") {
        expect(attempts.filter((x) => x.auth.status === 200)).toHaveLength(2);
        expect(attempts.filter((x) => x.auth.status === 403).map((x) => x.auth.body.reason)).toEqual(Array(14).fill("max concurrent sessions (2) reached"));
        expect(sessions).toHaveLength(2);
        expect(live.map((s) => s.state)).toEqual(["active", "active"]);
      } else {
        expect(attempts.every((x) => x.auth.status === 200)).toBe(true);
        expect(sessions.filter((s) => s.state === "revoked")).toHaveLength(14);
        // A replaced session's tunnel was either refused as it came up or is ordered killed.
        const orders = await database().db.agentOrder.findMany({ where: { connection: { session: { user: { username } } } }, select: { connectionId: true } });
        const ordered = new Set(orders.map((order) => order.connectionId));
        for (const session of sessions.filter((s) => s.state === "revoked")) {
          for (const connection of session.connections) {
            expect(connection.disconnectedAt !== null || ordered.has(connection.id), `${connection.externalId} still up unkilled`).toBe(true);
          }
        }
      }
    });
  }

  it(`a rotated server token is refused by A at once and by B within ${SERVER_TOKEN_CACHE_MS} ms (its token cache)`, async () => {
    const old = await a.registerServer("fleet-rotate", "openvpn");
    const probe = (via: RunningConsole, token: string) => hook(via, "auth", { username: "nobody-here", password: "x", client_ip: "198.51.100.250" }, token);
    // B has the old token in its cache.
    expect((await probe(b, old)).status).toBe(403);
    const { token: fresh } = await a.api<{ token: string }>("POST", "/api/servers/fleet-rotate/rotate-token");
    const rotated = Date.now();
    expect((await probe(a, old)).status).toBe(401);
    expect((await probe(b, fresh)).status).toBe(403);
    await sleep(Math.max(0, rotated + SERVER_TOKEN_CACHE_MS - Date.now()));
    expect((await probe(b, old)).status).toBe(401);
  });

  it("each background job runs on one instance; when that instance is killed, the other takes its jobs over; a stopped one gives them up", async () => {
    // Both instances have been up for many lease renewals: each job was taken exactly once.
    const [takenByA, takenByB] = [await jobLines(a), await jobLines(b)];
    expect([...takenByA, ...takenByB].map((line) => line.job).sort()).toEqual(JOBS);
    expect([...(await jobLines(a, "background job lost")), ...(await jobLines(b, "background job lost"))]).toEqual([]);
    const instanceOf = new Map<string, RunningConsole>();
    for (const line of takenByA) instanceOf.set(line.instance, a);
    for (const line of takenByB) instanceOf.set(line.instance, b);
    const held = await leases();
    expect(held.map((lease) => lease.job)).toEqual(JOBS);
    for (const lease of held) expect(instanceOf.has(lease.holder)).toBe(true);

    // The holder of the expiry sweep dies without a word.
    const holder = instanceOf.get(held.find((lease) => lease.job === "session-expiry")?.holder ?? "");
    if (!holder) throw new Error("no holder of session-expiry");
    const survivor = holder === a ? b : a;
    const survivorSince = (await readFile(survivor.logPath, "utf8")).length;
    await holder.kill();
    const killedAt = Date.now();

    // A session whose lifetime ends with nobody calling in: only the expiry sweep ends it.
    const password = await user("fleet-dan", { sessionLifetime: 2 }, survivor);
    const { connect } = await authAndConnect(survivor, "fleet-dan", password, "198.51.100.200", 43000);
    expect(connect?.body.decision).toBe("allow");
    const [, survivorId] = await waitForLog(
      survivor.logPath,
      /"msg":"background job taken","job":"session-expiry","instance":"([^"]+)"/,
      LEASE_SECONDS * 1000 + 10_000,
      survivorSince,
    );
    console.log(`session-expiry taken over ${Date.now() - killedAt} ms after its holder was killed (lease ${LEASE_SECONDS} s)`);
    const [expired] = await waitForSessions("fleet-dan", "the session expired by the survivor's sweep", (s) => s[0]?.state === "expired", 15_000, database().db);
    expect(expired?.stateReason).toBe("session lifetime reached");

    // Every job the dead instance held is now the survivor's, and only the survivor's.
    await waitFor("every lease held by the survivor", 15_000, async () => ((await leases()).every((lease) => lease.holder === survivorId) ? true : undefined));
    const takenBySurvivor = (await jobLines(survivor)).filter((line) => line.instance === survivorId);
    expect(takenBySurvivor.map((line) => line.job).sort()).toEqual(JOBS);

    // Stopped the ordinary way (SIGTERM), an instance gives its leases up for the next one at once.
    await survivor.stop();
    expect(await leases()).toEqual([]);
  });
});
