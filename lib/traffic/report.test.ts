import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { handleHook, MAX_HOOK_BODY_BYTES, type HookRequest } from "../hooks/handler";
import { MAX_TRAFFIC_CONNECTIONS } from "../hooks/schemas";
import { registerServer } from "../servers";
import { getSession } from "../sessions/queries";
import { createTestDb, type TestDb } from "../testing/test-db";
import { createVpnUser } from "../vpn-users";
import { flushTraffic } from "./ingest";

let t: TestDb;
let token: string;

beforeAll(async () => {
  t = await createTestDb();
  token = (await registerServer(t.db, cliActor(), { name: "oc-hook", kind: "ocserv" })).token;
  await createVpnUser(t.db, cliActor(), { username: "bob", password: "long enough password" });
});
afterAll(async () => {
  await t.drop();
});

function hook(action: string, body: unknown, overrides: Partial<HookRequest> = {}) {
  return handleHook(t.db, {
    method: "POST",
    path: `/api/hooks/v1/${action}`,
    authorization: `Bearer ${token}`,
    contentType: "application/json",
    accept: "application/json",
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...overrides,
  });
}

describe(`POST /api/hooks/v1/traffic (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("applies counters, says which ids it does not know and ignores a repeat", async () => {
    const up = await hook("connect", { username: "bob", client_ip: "198.51.100.9", connection_id: "4242" });
    expect(up.status).toBe(200);
    // Whole seconds, as a script with `date +%s` sends them: the reading may be dated just before the connect.
    const at = Math.floor(Date.now() / 1000);
    const body = {
      connections: [
        { connection_id: "4242", bytes_received: 5000, bytes_sent: 700, at },
        { connection_id: "9999", bytes_received: 1, bytes_sent: 1, at },
      ],
    };
    const first = await hook("traffic", body);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ applied: 1, stale: 0, resets: [], unknown: ["9999"], ended: [] });
    const again = await hook("traffic", body, { accept: "text/plain" });
    expect(again).toMatchObject({ status: 200, body: "ok applied=0 stale=1 resets=0\nunknown 9999\n" });
    await flushTraffic(t.db);
    const connection = await t.db.connection.findFirstOrThrow({ where: { externalId: "4242" } });
    expect([connection.bytesIn, connection.bytesOut]).toEqual([5000n, 700n]);
    expect(await getSession(t.db, connection.sessionId)).toMatchObject({ bytesIn: 5000, bytesOut: 700 });
  });

  it("takes a report larger than the other hooks' body limit", async () => {
    const connections = Array.from({ length: 2000 }, (_, i) => ({ connection_id: `unknown-${i}`, bytes_received: i, bytes_sent: i }));
    const body = JSON.stringify({ connections });
    expect(body.length).toBeGreaterThan(MAX_HOOK_BODY_BYTES);
    const answer = await hook("traffic", body);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).unknown).toHaveLength(2000);
  });

  it.each([
    ["no list", {}, "connections"],
    ["a negative counter", { connections: [{ connection_id: "1", bytes_received: -1, bytes_sent: 0 }] }, "bytes_received must not be negative"],
    ["a missing connection id", { connections: [{ bytes_received: 1, bytes_sent: 0 }] }, "connections.0.connection_id"],
    ["a time in milliseconds", { connections: [{ connection_id: "1", bytes_received: 1, bytes_sent: 0, at: Date.now() }] }, "not milliseconds"],
    [
      "too many connections",
      { connections: Array.from({ length: MAX_TRAFFIC_CONNECTIONS + 1 }, () => ({ connection_id: "1", bytes_received: 1, bytes_sent: 1 })) },
      `at most ${MAX_TRAFFIC_CONNECTIONS} connections`,
    ],
  ])("refuses %s with 422 naming the problem", async (_, body, message) => {
    const answer = await hook("traffic", body);
    expect(answer.status).toBe(422);
    expect(answer.body).toContain(message);
  });

  it("refuses an unknown server token", async () => {
    const answer = await hook("traffic", { connections: [] }, { authorization: "Bearer scs_nope" });
    expect(answer.status).toBe(401);
  });
});
