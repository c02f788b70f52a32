import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { handleHook } from "../hooks/handler";
import { authHookSchema, connectHookSchema } from "../hooks/schemas";
import { registerServer, type ServerView } from "../servers";
import { createTestDb, type TestDb } from "../testing/test-db";
import { reportTraffic } from "../traffic/report";
import { createVpnUser } from "../vpn-users";
import { authorize, connect } from "./authority";
import { endVanishedConnections, VANISHED_MARGIN_MS } from "./vanished";

let t: TestDb;
let server: ServerView;
let other: ServerView;
let otherToken: string;
let seq = 0;
const PASSWORD = "correct horse";
const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1) + seconds * 1000);

beforeAll(async () => {
  t = await createTestDb();
  server = (await registerServer(t.db, cliActor(), { name: "ovpn-v1", kind: "openvpn" })).server;
  const registered = await registerServer(t.db, cliActor(), { name: "ovpn-v2", kind: "openvpn" });
  other = registered.server;
  otherToken = registered.token;
});
afterAll(async () => {
  await t.drop();
});

/** A user logged in on `srv` with one tunnel up since `since`; returns the connection id. */
async function tunnel(srv: ServerView, since: Date): Promise<{ connectionId: string }> {
  const username = `vanish${++seq}`;
  await createVpnUser(t.db, cliActor(), { username, password: PASSWORD });
  const client = { username, client_ip: "198.51.100.9", client_port: String(41000 + seq) };
  expect((await authorize(t.db, srv, authHookSchema.parse({ ...client, password: PASSWORD }), since)).allow).toBe(true);
  const connectionId = `198.51.100.9:${41000 + seq}`;
  const up = await connect(t.db, srv, connectHookSchema.parse({ ...client, vpn_ip: "10.8.0.9", connection_id: connectionId }), since);
  if (!up.allow) throw new Error(up.reason);
  return { connectionId };
}

/** An order poll of the second server's agent, through the hook API. */
const agentPoll = (body: unknown) =>
  handleHook(t.db, {
    method: "POST",
    path: "/api/hooks/v1/agent/orders",
    authorization: `Bearer ${otherToken}`,
    contentType: "application/json",
    accept: "application/json",
    body: JSON.stringify(body),
  });

const connectionOf = (srv: ServerView, externalId: string) =>
  t.db.connection.findFirstOrThrow({ where: { serverId: srv.id, externalId }, include: { session: true } });

describe(`tunnels the daemon no longer has (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("ends an open connection missing from the server's list, keeps the listed and the recent ones, and leaves other servers alone", async () => {
    const gone = await tunnel(server, at(0));
    const listed = await tunnel(server, at(0));
    const recent = await tunnel(server, at(100));
    const elsewhere = await tunnel(other, at(0));
    await reportTraffic(t.db, server, { connections: [{ connection_id: gone.connectionId, bytes_received: 5000, bytes_sent: 7000, at: at(50).getTime() / 1000 }] }, at(60));

    // Read at 120 s: the recent tunnel came up within the margin before it, so it may simply not be listed yet.
    const listAt = new Date(at(100).getTime() + VANISHED_MARGIN_MS - 1000);
    const ended = await endVanishedConnections(t.db, server, { ids: [listed.connectionId], at: listAt }, at(200));
    expect(ended).toEqual([gone.connectionId]);

    const goneRow = await connectionOf(server, gone.connectionId);
    expect(goneRow).toMatchObject({ disconnectedAt: at(200), endReason: "unknown", bytesIn: 5000n, bytesOut: 7000n });
    // The report above was still waiting to be written: the list's check writes it first.
    expect(goneRow.session).toMatchObject({ state: "dormant" });
    for (const [srv, kept] of [[server, listed], [server, recent], [other, elsewhere]] as const) {
      const row = await connectionOf(srv, kept.connectionId);
      expect(row.disconnectedAt).toBeNull();
      expect(row.session.state).toBe("active");
    }
    // The same list again changes nothing.
    expect(await endVanishedConnections(t.db, server, { ids: [listed.connectionId], at: listAt }, at(201))).toEqual([]);
  });

  it("takes the list with an agent's order poll, and answers what it ended", async () => {
    // The poll is handled at the real time: these tunnels came up five minutes before it.
    const before = new Date(Date.now() - 300_000);
    const gone = await tunnel(other, before);
    const kept = await tunnel(other, before);
    const poll = await agentPoll({ acks: [], live: { connection_ids: [kept.connectionId], at: Date.now() / 1000 } });
    expect(poll.status).toBe(200);
    expect(JSON.parse(poll.body)).toMatchObject({ orders: [], vanished: expect.arrayContaining([gone.connectionId]) });
    expect(JSON.parse(poll.body).vanished).not.toContain(kept.connectionId);
    expect((await connectionOf(other, gone.connectionId)).disconnectedAt).not.toBeNull();
    expect((await connectionOf(other, kept.connectionId)).disconnectedAt).toBeNull();
  });

  it("refuses a malformed list with a 422 and ends nothing", async () => {
    const open = await tunnel(other, at(0));
    const poll = await agentPoll({ live: { connection_ids: "all", at: Date.now() } });
    expect(poll.status).toBe(422);
    expect(poll.body).toContain("live.connection_ids must be a list");
    expect((await connectionOf(other, open.connectionId)).disconnectedAt).toBeNull();
  });
});
