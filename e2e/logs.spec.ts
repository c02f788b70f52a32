// The console's logs never hold a password or a token: a full flow (a VPN login with a password,
// a reconnect with the session token, hook calls with the server token, admin API calls with an
// admin token, the admin's own sign-in) runs, then everything the server logged so far is searched
// for each secret. Hook requests are logged as JSON lines under the id the caller sent.
import { readFileSync } from "node:fs";
import { ADMIN_PASSWORD, SERVER_LOG } from "../playwright.config";
import { expect, test, uniqueName } from "./fixtures";
import { callHook, registerHookServer } from "./hooks";

test("a full flow leaves no password or token in the logs", async ({ api, playwright }) => {
  const server = await registerHookServer(api);
  const username = uniqueName("logged");
  const password = `vpn-pass-${uniqueName("p")}`;
  const wrongPassword = `wrong-pass-${uniqueName("w")}`;
  expect((await api.post("/api/vpn-users", { data: { username, password } })).status()).toBe(201);

  const tokenName = uniqueName("log-token");
  const created = await api.post("/api/tokens", { data: { name: tokenName, role: "admin" } });
  const adminToken = ((await created.json()) as { token: string }).token;
  const admin = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL, extraHTTPHeaders: { Authorization: `Bearer ${adminToken}` } });
  expect((await admin.get("/api/me")).status()).toBe(200);
  expect((await admin.post("/api/groups", { data: { name: 42 } })).status()).toBe(422);

  const client = { username, client_ip: "203.0.113.77", client_port: "50000" };
  expect((await callHook(api, server, "auth", { ...client, password: wrongPassword })).status).toBe(403);
  const allowed = await callHook(api, server, "auth", { ...client, password });
  expect(allowed).toMatchObject({ status: 200, body: "allow" });
  const up = await callHook(api, server, "connect", { ...client, connection_id: "log-c1", vpn_ip: "10.8.0.7" });
  const sessionToken = /push "auth-token (\S+)"/.exec(up.body)?.[1];
  expect(sessionToken).toBeTruthy();
  await callHook(api, server, "disconnect", { connection_id: "log-c1", reason: "dropped", bytes_received: "10", bytes_sent: "20" });
  const resumed = await callHook(api, server, "auth", { ...client, password: sessionToken ?? "" });
  expect(resumed).toMatchObject({ status: 200, body: "allow" });
  await admin.dispose();

  const logged = readFileSync(SERVER_LOG, "utf8");
  const secrets = { password, wrongPassword, sessionToken, serverToken: server.token, adminToken, ADMIN_PASSWORD };
  for (const [what, secret] of Object.entries(secrets)) {
    expect(secret, what).toBeTruthy();
    expect(logged.includes(String(secret)), `${what} appears in the server log`).toBe(false);
  }

  const lines = logged
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const authLine = lines.find((line) => line.request_id === allowed.requestId);
  expect(authLine).toMatchObject({ level: "info", msg: "hook request", method: "POST", path: "/api/hooks/v1/auth", status: 200, server: server.name });
  expect(typeof authLine?.duration_ms).toBe("number");
  expect(typeof authLine?.time).toBe("string");
});
