import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../actor";
import { createGroup } from "../groups";
import { updateScopePolicy } from "../policies";
import { registerServer } from "../servers";
import { bucketStart } from "../traffic/samples";
import { createTestDb, type TestDb } from "../testing/test-db";
import { callHook, openTunnel } from "../testing/tunnels";
import { createVpnUser } from "../vpn-users";
import { enforceInactivity } from "./enforcement";

let t: TestDb;
let withAgent: string;
let withoutAgent: string;
const now = new Date();

/** A tunnel up for five minutes that moved `bytes` in its last minute. */
async function tunnel(token: string, username: string, group: string, index: number, bytes: number) {
  await createVpnUser(t.db, cliActor(), { username, password: `${username}-password`, group });
  const externalId = await openTunnel(t.db, token, {
    username,
    password: `${username}-password`,
    clientIp: `192.0.2.${index}`,
    clientPort: "1194",
    vpnIp: `10.3.0.${index}`,
  });
  const connection = await t.db.connection.findFirstOrThrow({ where: { externalId } });
  await t.db.connection.update({ where: { id: connection.id }, data: { connectedAt: new Date(now.getTime() - 300_000) } });
  await t.db.trafficSample.create({
    data: { connectionId: connection.id, resolution: 10, at: bucketStart(new Date(now.getTime() - 30_000), 10), bytesIn: BigInt(bytes), bytesOut: 0n },
  });
  return externalId;
}

beforeAll(async () => {
  t = await createTestDb();
  const a = await registerServer(t.db, cliActor(), { name: "edge-agent", kind: "openvpn" });
  const b = await registerServer(t.db, cliActor(), { name: "edge-plain", kind: "openvpn" });
  withAgent = a.token;
  withoutAgent = b.token;
  await t.db.vpnServer.update({ where: { id: a.server.id }, data: { agentLastSeenAt: now } });
  await createGroup(t.db, cliActor(), { name: "enforced" });
  await createGroup(t.db, cliActor(), { name: "trusted" });
  await updateScopePolicy(t.db, cliActor(), { scope: "group", name: "enforced" }, {
    inactivityWindow: 60,
    inactivityBytes: 1_000,
    inactivityEnforced: true,
  });
  await updateScopePolicy(t.db, cliActor(), { scope: "group", name: "trusted" }, { inactivityWindow: 60, inactivityBytes: 1_000 });
});

afterAll(async () => {
  await t.drop();
});

describe(`server-side inactivity enforcement (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("cuts an idle tunnel through its agent, audited, once; leaves busy, unenforced and agentless tunnels alone", async () => {
    const idle = await tunnel(withAgent, "idle-ida", "enforced", 1, 200);
    await tunnel(withAgent, "busy-bo", "enforced", 2, 50_000);
    await tunnel(withAgent, "idle-trusted", "trusted", 3, 10);
    await tunnel(withoutAgent, "idle-elsewhere", "enforced", 4, 10);

    expect(await enforceInactivity(t.db, now)).toEqual({ judged: 2, cut: 1 });
    const order = await t.db.agentOrder.findFirstOrThrow({ include: { connection: { select: { externalId: true } } } });
    expect(order).toMatchObject({ state: "pending", action: "kill", reason: "inactive: 200 B in 1 min, below the threshold of 1000 B" });
    expect(order.connection.externalId).toBe(idle);
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "session.disconnected" } });
    expect(audit).toMatchObject({ actorType: "system", actor: "console", targetType: "session" });

    // The kill is waiting: the next run does not queue it again.
    expect(await enforceInactivity(t.db, now)).toEqual({ judged: 1, cut: 0 });
    expect(await t.db.agentOrder.count()).toBe(1);
  });

  it("keeps the console's reason on the session when the daemon reports the tunnel gone", async () => {
    const order = await t.db.agentOrder.findFirstOrThrow({ include: { connection: true } });
    const answer = await callHook(t.db, withAgent, "disconnect", {
      connection_id: order.connection.externalId ?? "",
      bytes_received: "200",
      bytes_sent: "0",
      duration: "300",
      reason: "unknown",
    });
    expect(answer.status).toBe(200);
    const connection = await t.db.connection.findUniqueOrThrow({ where: { id: order.connectionId }, include: { session: true } });
    expect(connection.endReason).toBe("killed");
    expect(connection.session).toMatchObject({
      state: "dormant",
      stateReason: "tunnel cut by the console: inactive: 200 B in 1 min, below the threshold of 1000 B",
    });
  });
});
