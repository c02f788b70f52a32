// Metrics as a scraper sees them: hook requests served over real HTTP by serveHook are counted,
// and the database figures (sessions by state, open tunnels, last-seen times) are read at scrape.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "./actor";
import { serveHook } from "./hooks/node";
import { renderMetrics } from "./metrics";
import { registerServer } from "./servers";
import { flushTraffic } from "./traffic/ingest";
import { createTestDb, type TestDb } from "./testing/test-db";
import { createVpnUser } from "./vpn-users";

let t: TestDb;
let http: Server;
let base: string;
let token: string;

beforeAll(async () => {
  t = await createTestDb();
  token = (await registerServer(t.db, cliActor(), { name: "metrics-edge", kind: "openvpn" })).token;
  await registerServer(t.db, cliActor(), { name: "metrics-idle", kind: "ocserv" });
  await createVpnUser(t.db, cliActor(), { username: "mia", password: "mia-password" });
  http = createServer((request, response) => void serveHook(t.db, request, response));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  await t.drop();
});

function hook(action: string, fields: Record<string, string>, bearer = token) {
  return fetch(`${base}/api/hooks/v1/${action}`, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/x-www-form-urlencoded", accept: "text/plain" },
    body: new URLSearchParams(fields),
  });
}

/** The value of one sample line, e.g. value(text, 'x_total{a="b"}'); 0 when absent. */
function value(text: string, sample: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

const scrape = async () => (await renderMetrics(t.db)).body;
const login = { username: "mia", password: "mia-password", client_ip: "203.0.113.9", client_port: "40000" };

describe(`metrics (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("counts hook requests by status, and auth/connect decisions by outcome", async () => {
    const before = await scrape();
    expect((await hook("auth", login)).status).toBe(200);
    expect((await hook("auth", { ...login, password: "wrong" })).status).toBe(403);
    expect((await hook("auth", login, "scs_unknown")).status).toBe(401);
    const connect = await hook("connect", { username: "mia", client_ip: "203.0.113.9", client_port: "40000", connection_id: "203.0.113.9:40000" });
    expect(connect.status).toBe(200);

    const after = await scrape();
    const delta = (sample: string) => value(after, sample) - value(before, sample);
    expect(delta('session_console_hook_decisions_total{endpoint="auth",outcome="allow"}')).toBe(1);
    expect(delta('session_console_hook_decisions_total{endpoint="auth",outcome="deny"}')).toBe(1);
    expect(delta('session_console_hook_decisions_total{endpoint="connect",outcome="allow"}')).toBe(1);
    expect(delta('session_console_hook_requests_total{endpoint="auth",status="401"}')).toBe(1);
    expect(delta('session_console_hook_duration_seconds_count{endpoint="auth"}')).toBe(3);
  });

  it("reads sessions by state, open tunnels and last-seen times from the database", async () => {
    const text = await scrape();
    const active = await t.db.session.count({ where: { state: "active" } });
    expect(active).toBeGreaterThan(0);
    expect(value(text, 'session_console_sessions{state="active"}')).toBe(active);
    expect(value(text, 'session_console_sessions{state="revoked"}')).toBe(0);
    expect(value(text, 'session_console_open_connections{server="metrics-edge"}')).toBe(1);
    expect(value(text, 'session_console_open_connections{server="metrics-idle"}')).toBe(0);
    const seen = await t.db.vpnServer.findUniqueOrThrow({ where: { name: "metrics-edge" } });
    expect(value(text, 'session_console_server_last_seen_timestamp_seconds{server="metrics-edge"}')).toBe(
      (seen.lastSeenAt?.getTime() ?? Number.NaN) / 1000,
    );
    expect(text).not.toContain('session_console_server_last_seen_timestamp_seconds{server="metrics-idle"}');
    expect(text).toContain("session_console_process_resident_memory_bytes");
  });

  it("shows the tunnels whose traffic waits to be written, and how long the writes take", async () => {
    const before = await scrape();
    const tunnel = { username: "mia", client_ip: "203.0.113.9", client_port: "40001", connection_id: "203.0.113.9:40001" };
    expect((await hook("auth", { ...login, client_port: "40001" })).status).toBe(200);
    expect((await hook("connect", tunnel)).status).toBe(200);
    const report = await fetch(`${base}/api/hooks/v1/traffic`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ connections: [{ connection_id: tunnel.connection_id, bytes_received: 500, bytes_sent: 50 }] }),
    });
    expect(report.status).toBe(200);
    expect(value(await scrape(), "session_console_traffic_pending_connections")).toBe(1);
    await flushTraffic(t.db);
    const after = await scrape();
    expect(value(after, "session_console_traffic_pending_connections")).toBe(0);
    const writes = (text: string) => value(text, 'session_console_traffic_write_duration_seconds_count{outcome="written"}');
    expect(writes(after) - writes(before)).toBe(1);
  });
});
