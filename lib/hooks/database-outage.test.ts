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

const auth = () =>
  handleHook(consoleDb, {
    method: "POST",
    path: "/api/hooks/v1/auth",
    authorization: `Bearer ${token}`,
    contentType: "application/x-www-form-urlencoded",
    accept: "text/plain",
    body: login.toString(),
  });

describe.runIf(postgres)("hook API when the database goes away", () => {
  it("fails closed with a logged reason, writes nothing, and recovers when the database returns", async () => {
    expect((await auth()).body).toBe("allow\n");
    const sessionsBefore = await t.db.session.count();

    const errors = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await proxy.cut();
    const refused = await auth();
    expect(refused).toMatchObject({ status: 503, body: "error the console's database is unavailable; try again shortly\n" });
    expect(errors.mock.calls.flat().join("\n")).toMatch(/"msg":"hook refused: database unavailable".*"path":"\/api\/hooks\/v1\/auth".*"reason":".+"/);
    errors.mockRestore();
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
