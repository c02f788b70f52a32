// The database going away under the hook API (PostgreSQL, reached through a proxy the test cuts):
// hooks fail closed with 503 and a logged reason, nothing is half-written, and the console
// answers again by itself once the database is back.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cliActor } from "../actor";
import { createDb, type Db } from "../db";
import { registerServer } from "../servers";
import { startTcpProxy, type TcpProxy } from "../testing/tcp-proxy";
import { createTestDb, testProvider, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { handleHook } from "./handler";

const postgres = testProvider() === "postgresql";
let t: TestDb;
let proxy: TcpProxy;
let consoleDb: Db;
let token: string;

beforeAll(async () => {
  if (!postgres) return;
  t = await createTestDb();
  const direct = new URL(t.url);
  proxy = await startTcpProxy(direct.hostname, Number(direct.port || 5432));
  consoleDb = createDb(Object.assign(new URL(t.url), { port: String(proxy.port) }).toString());
  token = (await registerServer(t.db, cliActor(), { name: "outage-edge", kind: "openvpn" })).token;
  await createVpnUser(t.db, cliActor(), { username: "olga", password: "olga-password" });
});

afterAll(async () => {
  if (!postgres) return;
  await consoleDb.$disconnect();
  await proxy.close();
  await t.drop();
});

const login = new URLSearchParams({ username: "olga", password: "olga-password", client_ip: "192.0.2.7", client_port: "5000" });

/** A hook call as a VPN server makes it (a form), or its agent (JSON). */
const call = (action: string, body: URLSearchParams | Record<string, unknown>) =>
  handleHook(consoleDb, {
    method: "POST",
    path: `/api/hooks/v1/${action}`,
    authorization: `Bearer ${token}`,
    contentType: body instanceof URLSearchParams ? "application/x-www-form-urlencoded" : "application/json",
    accept: "text/plain",
    body: body instanceof URLSearchParams ? body.toString() : JSON.stringify(body),
  });

const auth = () => call("auth", login);

const tunnel = { username: "olga", client_ip: "192.0.2.7", client_port: "5000", connection_id: "192.0.2.7:5000" };
/** Every hook, each with a body it accepts. */
const everyHook: Array<[string, URLSearchParams | Record<string, unknown>]> = [
  ["auth", login],
  ["connect", new URLSearchParams(tunnel)],
  ["disconnect", new URLSearchParams({ ...tunnel, bytes_received: "1", bytes_sent: "1", reason: "unknown" })],
  ["traffic", { connections: [{ connection_id: tunnel.connection_id, bytes_received: 1, bytes_sent: 1 }] }],
  ["agent/orders", { acks: [] }],
];

describe.runIf(postgres)("hook API when the database goes away", () => {
  it("fails closed with a logged reason, writes nothing, and recovers when the database returns", async () => {
    expect((await auth()).body).toBe("allow\n");
    const sessionsBefore = await t.db.session.count();

    const errors = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await proxy.cut();
    const answers = [];
    for (const [action, body] of everyHook) answers.push({ action, ...(await call(action, body)) });
    const logged = errors.mock.calls.flat().join("\n").split("\n").filter(Boolean);
    errors.mockRestore();
    for (const { action, status, body } of answers) {
      expect({ action, status, body }).toEqual({ action, status: 503, body: "error the console's database is unavailable; try again shortly\n" });
    }
    // One line per refused call, naming the hook and the driver's own words for what went wrong
    // (the pool's connections were cut, then new ones are refused).
    expect(logged).toHaveLength(everyHook.length);
    for (const [index, [action]] of everyHook.entries()) {
      const line = JSON.parse(logged[index] ?? "{}") as Record<string, unknown>;
      expect(line).toMatchObject({ level: "error", msg: "hook refused: database unavailable", path: `/api/hooks/v1/${action}` });
      // Prisma's words, or the pg driver's where the hot path's direct statements met the outage.
      expect(line.reason).toMatch(/Connection terminated unexpectedly|Can.t reach database server|connect ECONNREFUSED/);
    }
    expect(await t.db.session.count()).toBe(sessionsBefore);

    await proxy.restore();
    let answer = await auth();
    for (let attempt = 0; answer.status !== 200 && attempt < 40; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await auth();
    }
    expect(answer.body).toBe("allow\n");
    expect(await t.db.session.count()).toBe(sessionsBefore + 1);
  });
});
