// Orders the console gives the agent next to a VPN server: kill a connection. An order waits in
// the database until the server's agent polls (about every second), is handed out until the agent
// acknowledges it, and ends done or failed with what the agent said. Servers without an agent
// never pick orders up; they lapse after ORDER_TTL_SECONDS.
import type { Db, Tx } from "./db";
import { AppError, notFound } from "./errors";
import type { AgentPollInput } from "./hooks/schemas";
import type { ServerView } from "./servers";

export const ORDER_TTL_SECONDS = 600;
/** Orders handed out per poll; the rest follow at the next one. */
const ORDERS_PER_POLL = 200;

export interface AgentOrderView {
  id: string;
  action: "kill";
  /** The connection's id on the VPN server (OpenVPN real address ip:port, ocserv worker id). */
  connection_id: string;
  reason: string;
}

export interface QueuedOrder {
  orderId: string;
  serverId: string;
  /** Whether this kill was already waiting, so no new order was added. */
  alreadyQueued: boolean;
}

/**
 * Queues a kill of one connection (the console's Connection.id) for its server's agent. Queuing
 * the same connection twice returns the waiting order. Takes a transaction client so callers can
 * record their own change (e.g. a revoked session) in the same transaction.
 */
export async function queueKill(db: Db | Tx, connectionId: string, reason: string, now = new Date()): Promise<QueuedOrder> {
  const connection = await db.connection.findUnique({
    where: { id: connectionId },
    select: { id: true, serverId: true, externalId: true, disconnectedAt: true },
  });
  if (!connection) throw notFound(`connection "${connectionId}"`);
  if (connection.disconnectedAt) throw new AppError("conflict", `connection "${connectionId}" already ended`);
  if (connection.externalId === null) {
    throw new AppError("conflict", `connection "${connectionId}" has no id on its server, so its agent cannot find it`);
  }
  const waiting = await db.agentOrder.findFirst({
    where: { connectionId, action: "kill", state: "pending" },
    select: { id: true },
  });
  if (waiting) return { orderId: waiting.id, serverId: connection.serverId, alreadyQueued: true };
  const order = await db.agentOrder.create({
    data: { serverId: connection.serverId, connectionId, action: "kill", reason: reason.slice(0, 500), createdAt: now },
  });
  return { orderId: order.id, serverId: connection.serverId, alreadyQueued: false };
}

/**
 * POST /api/hooks/v1/agent/orders: records the agent's acknowledgements, retires orders that
 * no longer apply, and hands out the waiting ones. Also marks the agent as seen.
 */
export async function pollOrders(
  db: Db,
  server: ServerView,
  input: AgentPollInput,
  now = new Date(),
): Promise<{ orders: AgentOrderView[]; acknowledged: number }> {
  let acknowledged = 0;
  for (const ack of input.acks) {
    const updated = await db.agentOrder.updateMany({
      where: { id: ack.id, serverId: server.id, state: "pending" },
      data: { state: ack.ok ? "done" : "failed", result: ack.detail ?? (ack.ok ? "done" : "failed"), completedAt: now },
    });
    acknowledged += updated.count;
  }
  await db.agentOrder.updateMany({
    where: { serverId: server.id, state: "pending", connection: { disconnectedAt: { not: null } } },
    data: { state: "done", result: "connection already ended", completedAt: now },
  });
  await db.agentOrder.updateMany({
    where: { serverId: server.id, state: "pending", createdAt: { lt: new Date(now.getTime() - ORDER_TTL_SECONDS * 1000) } },
    data: { state: "failed", result: `no agent carried it out within ${ORDER_TTL_SECONDS} s`, completedAt: now },
  });
  const waiting = await db.agentOrder.findMany({
    where: { serverId: server.id, state: "pending" },
    orderBy: { createdAt: "asc" },
    take: ORDERS_PER_POLL,
    select: { id: true, action: true, reason: true, deliveredAt: true, connection: { select: { externalId: true } } },
  });
  const firstDelivery = waiting.filter((order) => order.deliveredAt === null).map((order) => order.id);
  if (firstDelivery.length > 0) {
    await db.agentOrder.updateMany({ where: { id: { in: firstDelivery } }, data: { deliveredAt: now } });
  }
  await db.vpnServer.update({ where: { id: server.id }, data: { agentLastSeenAt: now } });
  return {
    acknowledged,
    orders: waiting.map((order) => ({
      id: order.id,
      action: "kill",
      connection_id: order.connection.externalId ?? "",
      reason: order.reason,
    })),
  };
}
