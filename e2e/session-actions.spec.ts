// Disconnect and invalidate from the UI: sessions seeded through the hook API with a registered
// server's token, then acted on from the session page, the Sessions list (a row and a
// selection) and Users & Groups. Each test checks the confirmation's words, the state change,
// the audit entry, and what the hook API answers the session's token afterwards.
import type { APIRequestContext, Page } from "@playwright/test";
import { BASE_URL } from "../playwright.config";
import { expect, test, uniqueName } from "./fixtures";

const PASSWORD = "e2e vpn password";

interface Server {
  name: string;
  token: string;
}

interface Seeded {
  username: string;
  sessionId: string;
  connectionId: string;
  token: string;
}

async function registerServer(api: APIRequestContext): Promise<Server> {
  const name = uniqueName("ovpn");
  const response = await api.post("/api/servers", { data: { name, kind: "openvpn" } });
  expect(response.status()).toBe(201);
  return { name, token: ((await response.json()) as { token: string }).token };
}

async function createUser(api: APIRequestContext, group?: string): Promise<string> {
  const username = uniqueName("vpnuser");
  const response = await api.post("/api/vpn-users", { data: { username, password: PASSWORD, group: group ?? null } });
  expect(response.status()).toBe(201);
  return username;
}

let port = 41000;

/** What a VPN server does for a login: the auth hook, then connect once the tunnel is up. */
async function connectUser(api: APIRequestContext, server: Server, username: string): Promise<Seeded> {
  const headers = { Authorization: `Bearer ${server.token}` };
  const clientPort = ++port;
  const client = { username, client_ip: "198.51.100.77", client_port: clientPort };
  const auth = await api.post("/api/hooks/v1/auth", { headers, data: { ...client, password: PASSWORD } });
  expect(auth.status()).toBe(200);
  const connectionId = `198.51.100.77:${clientPort}`;
  const connect = await api.post("/api/hooks/v1/connect", {
    headers,
    data: { ...client, vpn_ip: "10.8.0.50", connection_id: connectionId },
  });
  expect(connect.status()).toBe(200);
  const body = (await connect.json()) as { session_id: string; config: string[] };
  const token = body.config.find((line) => line.startsWith('push "auth-token '))?.slice('push "auth-token '.length, -1);
  if (!token) throw new Error("connect pushed no auth-token");
  return { username, sessionId: body.session_id, connectionId, token };
}

/** The agent next to the server: one poll marks it live and returns the kill orders. */
async function agentPoll(api: APIRequestContext, server: Server) {
  const response = await api.post("/api/hooks/v1/agent/orders", { headers: { Authorization: `Bearer ${server.token}` }, data: { acks: [] } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { orders: { connection_id: string; reason: string }[] }).orders;
}

/** A reconnect presenting the session token as the password, as OpenVPN does. */
async function reconnectWithToken(api: APIRequestContext, server: Server, seeded: Seeded) {
  return api.post("/api/hooks/v1/auth", {
    headers: { Authorization: `Bearer ${server.token}` },
    data: { username: seeded.username, password: seeded.token, client_ip: "198.51.100.77", client_port: ++port },
  });
}

async function sessionState(api: APIRequestContext, id: string) {
  const response = await api.get(`/api/sessions/${id}`);
  return ((await response.json()) as { session: { state: string; stateReason: string | null } }).session;
}

async function auditEvent(api: APIRequestContext, action: string, target: string) {
  const response = await api.get(`/api/audit?action=${action}&target=${encodeURIComponent(target)}`);
  const { events } = (await response.json()) as { events: { actor: string; target: string; after: { reason: string | null } }[] };
  return events[0];
}

const dialog = (page: Page) => page.getByRole("dialog");

test("invalidates a session from its page: confirmation, revoked state, kill order, audit, token refused", async ({ page, api }) => {
  const server = await registerServer(api);
  const seeded = await connectUser(api, server, await createUser(api));
  await agentPoll(api, server);

  await page.goto(`/sessions/${seeded.sessionId}`);
  await page.getByRole("button", { name: "Invalidate", exact: true }).click();
  await expect(dialog(page).getByRole("heading")).toHaveText(`Invalidate the session of ${seeded.username}?`);
  await expect(dialog(page).getByTestId("session-action-summary")).toHaveText(
    "This revokes 1 session and kills 1 tunnel on 1 server. Their tokens are refused at the next reconnect or renegotiation on every server: the user must log in again with the password.",
  );
  await expect(dialog(page).getByTestId("session-action-servers")).toHaveText(`${server.name}: 1 tunnel, agent live: killed within about 2 seconds.`);
  await dialog(page).getByLabel("Reason (optional)").fill("laptop reported stolen");
  await dialog(page).getByRole("button", { name: "Invalidate 1 session" }).click();
  await expect(page.getByText("Invalidated 1 session; 1 tunnel queued for killing.")).toBeVisible();
  await expect(dialog(page)).toHaveCount(0);
  await expect(page.getByText("invalidated by admin: laptop reported stolen")).toBeVisible();

  expect(await sessionState(api, seeded.sessionId)).toMatchObject({ state: "revoked" });
  const orders = await agentPoll(api, server);
  expect(orders).toContainEqual(expect.objectContaining({ connection_id: seeded.connectionId }));
  const event = await auditEvent(api, "session.invalidated", seeded.sessionId);
  expect(event).toMatchObject({ actor: "admin", after: { reason: "laptop reported stolen" } });

  const refused = await reconnectWithToken(api, server, seeded);
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toMatchObject({ decision: "deny", reason: expect.stringContaining("session was invalidated") });
});

test("disconnects a session from the Sessions list on a server without an agent: the session stays valid", async ({ page, api }) => {
  const server = await registerServer(api);
  const seeded = await connectUser(api, server, await createUser(api));

  await page.goto(`/sessions?user=${seeded.username}`);
  const row = page.getByRole("row").filter({ hasText: seeded.username });
  await row.getByRole("button", { name: "Disconnect" }).click();
  await expect(dialog(page).getByTestId("session-action-summary")).toHaveText(
    "This kills 1 tunnel of 1 session on 1 server. The sessions stay valid: clients may reconnect at once with their tokens, without a password. To make them log in again, invalidate instead.",
  );
  await expect(dialog(page).getByTestId("session-action-servers")).toContainText(`${server.name}: 1 tunnel, no live agent (last seen never).`);
  await expect(dialog(page).getByTestId("session-action-servers")).toContainText("The console cannot reach this server: the tunnel stays up");
  await dialog(page).getByRole("button", { name: "Disconnect 1 tunnel" }).click();
  await expect(page.getByText("Disconnected: 1 tunnel queued for killing; the sessions stay valid.")).toBeVisible();

  expect(await sessionState(api, seeded.sessionId)).toMatchObject({ state: "active" });
  const event = await auditEvent(api, "session.disconnected", seeded.sessionId);
  expect(event).toMatchObject({ actor: "admin", after: { reason: null } });
  // The kill order waits for an agent; once one polls, it gets it.
  expect(await agentPoll(api, server)).toContainEqual(expect.objectContaining({ connection_id: seeded.connectionId }));
  expect((await reconnectWithToken(api, server, seeded)).status()).toBe(200);
});

test("invalidates a selection of sessions from the Sessions list", async ({ page, api }) => {
  const server = await registerServer(api);
  const username = await createUser(api);
  const one = await connectUser(api, server, username);
  const two = await connectUser(api, server, username);

  await page.goto(`/sessions?user=${username}`);
  await expect(page.getByRole("checkbox", { name: new RegExp(`^Select the session of ${username}`) })).toHaveCount(2);
  await page.getByRole("checkbox", { name: "Select every session on this page" }).check();
  const toolbar = page.getByRole("group", { name: "Selected sessions" });
  await expect(toolbar).toContainText("2 selected");
  await toolbar.getByRole("button", { name: "Invalidate selected" }).click();
  await expect(dialog(page).getByRole("heading")).toHaveText("Invalidate 2 selected sessions?");
  await expect(dialog(page).getByTestId("session-action-summary")).toContainText("This revokes 2 sessions and kills 2 tunnels on 1 server.");
  await dialog(page).getByRole("button", { name: "Invalidate 2 sessions" }).click();
  await expect(page.getByText("Invalidated 2 sessions; 2 tunnels queued for killing.")).toBeVisible();
  await expect(toolbar).toHaveCount(0);

  for (const seeded of [one, two]) {
    expect(await sessionState(api, seeded.sessionId)).toMatchObject({ state: "revoked" });
    expect((await reconnectWithToken(api, server, seeded)).status()).toBe(403);
  }
  const event = await auditEvent(api, "session.invalidated", one.sessionId);
  expect(event?.target).toContain(two.sessionId);
});

test("disconnects and invalidates from Current Users: a row's buttons and a selection", async ({ page, api }) => {
  const server = await registerServer(api);
  await agentPoll(api, server);
  const first = await connectUser(api, server, await createUser(api));
  const second = await connectUser(api, server, await createUser(api));
  const third = await connectUser(api, server, await createUser(api));

  await page.goto(`/current-users?server=${server.name}`);
  const rowOf = (seeded: Seeded) => page.getByRole("row").filter({ hasText: seeded.username });
  await rowOf(first).getByRole("button", { name: "Disconnect" }).click();
  await expect(dialog(page).getByRole("heading")).toHaveText(`Disconnect the session of ${first.username}?`);
  await expect(dialog(page).getByTestId("session-action-summary")).toContainText("This kills 1 tunnel of 1 session on 1 server. The sessions stay valid");
  await dialog(page).getByRole("button", { name: "Disconnect 1 tunnel" }).click();
  await expect(page.getByText("Disconnected: 1 tunnel queued for killing; the sessions stay valid.")).toBeVisible();
  expect(await sessionState(api, first.sessionId)).toMatchObject({ state: "active" });
  expect(await agentPoll(api, server)).toContainEqual(expect.objectContaining({ connection_id: first.connectionId }));

  // Pick two rows; the live refresh every 2 s keeps the choice.
  await rowOf(second).getByRole("checkbox", { name: `Select the session of ${second.username} on ${server.name}` }).check();
  await rowOf(third).getByRole("checkbox", { name: `Select the session of ${third.username} on ${server.name}` }).check();
  const toolbar = page.getByRole("group", { name: "Selected sessions" });
  await expect(toolbar).toContainText("2 selected");
  await page.waitForResponse((response) => response.url().includes("/api/current-users"));
  await expect(toolbar).toContainText("2 selected");
  await toolbar.getByRole("button", { name: "Invalidate selected" }).click();
  await expect(dialog(page).getByRole("heading")).toHaveText("Invalidate 2 selected sessions?");
  await expect(dialog(page).getByTestId("session-action-summary")).toContainText("This revokes 2 sessions and kills 2 tunnels on 1 server.");
  await dialog(page).getByLabel("Reason (optional)").fill("moved to another office");
  await dialog(page).getByRole("button", { name: "Invalidate 2 sessions" }).click();
  await expect(page.getByText("Invalidated 2 sessions; 2 tunnels queued for killing.")).toBeVisible();
  await expect(toolbar).toHaveCount(0);

  for (const seeded of [second, third]) {
    expect(await sessionState(api, seeded.sessionId)).toMatchObject({ state: "revoked" });
    expect((await reconnectWithToken(api, server, seeded)).status()).toBe(403);
  }
  expect(await auditEvent(api, "session.invalidated", second.sessionId)).toMatchObject({ actor: "admin", after: { reason: "moved to another office" } });
  // The first session was only disconnected: its token still reconnects without a password.
  expect((await reconnectWithToken(api, server, first)).status()).toBe(200);
});

test("invalidates a user's sessions on every server and a group's sessions from Users & Groups", async ({ page, api }) => {
  const agented = await registerServer(api);
  const quiet = await registerServer(api);
  await agentPoll(api, agented);
  const username = await createUser(api);
  const onAgented = await connectUser(api, agented, username);
  const onQuiet = await connectUser(api, quiet, username);

  await page.goto(`/users?q=${username}`);
  await page.getByRole("row").filter({ hasText: username }).getByRole("button", { name: "Invalidate" }).click();
  await expect(dialog(page).getByRole("heading")).toHaveText(`Invalidate every session of ${username}, on every server?`);
  await expect(dialog(page).getByTestId("session-action-summary")).toContainText("This revokes 2 sessions and kills 2 tunnels on 2 servers.");
  const servers = dialog(page).getByTestId("session-action-servers");
  await expect(servers).toContainText(`${agented.name}: 1 tunnel, agent live`);
  await expect(servers).toContainText(
    `${quiet.name}: 1 tunnel, no live agent (last seen never). The tunnel stays up until its next reconnect or renegotiation, where the revoked token is refused.`,
  );
  await dialog(page).getByRole("button", { name: "Invalidate 2 sessions" }).click();
  await expect(page.getByText("Invalidated 2 sessions; 2 tunnels queued for killing.")).toBeVisible();
  expect((await reconnectWithToken(api, quiet, onQuiet)).status()).toBe(403);
  expect((await reconnectWithToken(api, agented, onAgented)).status()).toBe(403);
  expect(await auditEvent(api, "session.invalidated", username)).toMatchObject({ actor: "admin" });

  const group = uniqueName("grp");
  expect((await api.post("/api/groups", { data: { name: group } })).status()).toBe(201);
  const member = await connectUser(api, agented, await createUser(api, group));
  await page.goto("/users?tab=groups");
  await page.getByRole("row").filter({ hasText: group }).getByRole("button", { name: "Invalidate" }).click();
  await expect(dialog(page).getByRole("heading")).toHaveText(`Invalidate every session of the users in group ${group}?`);
  await expect(dialog(page).getByTestId("session-action-summary")).toContainText("This revokes 1 session and kills 1 tunnel on 1 server.");
  await dialog(page).getByRole("button", { name: "Invalidate 1 session" }).click();
  await expect(page.getByText("Invalidated 1 session; 1 tunnel queued for killing.")).toBeVisible();
  expect((await reconnectWithToken(api, agented, member)).status()).toBe(403);
  expect(await auditEvent(api, "session.invalidated", group)).toMatchObject({ actor: "admin" });
});

test("previews without changing anything, and refuses viewers", async ({ api, playwright }) => {
  const server = await registerServer(api);
  const seeded = await connectUser(api, server, await createUser(api));
  const preview = await api.post(`/api/sessions/${seeded.sessionId}/invalidate`, { data: { dryRun: true } });
  expect(preview.status()).toBe(200);
  expect(await preview.json()).toMatchObject({ action: "invalidate", dryRun: true, summary: { sessions: 1, sessionsRevoked: 1 } });
  expect(await sessionState(api, seeded.sessionId)).toMatchObject({ state: "active" });

  const name = uniqueName("viewer");
  const created = await api.post("/api/tokens", { data: { name, role: "viewer" } });
  const viewer = await playwright.request.newContext({
    baseURL: BASE_URL,
    extraHTTPHeaders: { Authorization: `Bearer ${((await created.json()) as { token: string }).token}` },
  });
  const refused = await viewer.post(`/api/sessions/${seeded.sessionId}/invalidate`, { data: {} });
  expect(refused.status()).toBe(403);
  expect(await sessionState(api, seeded.sessionId)).toMatchObject({ state: "active" });
  await viewer.dispose();
  await api.delete(`/api/tokens/${name}`);
});
