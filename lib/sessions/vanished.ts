// Tunnels that ended without the console hearing of it: the daemon crashed or was killed (its
// client-disconnect script never ran), or the disconnect hook ran while the console was
// unreachable. Without this they would stay open in the console, and their sessions active, until
// a new tunnel took their connection id or the session lifetime ran out. The agent reads the
// daemon's full list of tunnels (OpenVPN `status 3`, `occtl show users`) and sends it with its
// order polls; an open connection of that server missing from the list has ended.
import type { Db } from "../db";
import { AppError } from "../errors";
import type { ServerView } from "../servers";
import { flushTraffic } from "../traffic/ingest";
import { disconnect } from "./authority";

/**
 * Connections that came up this shortly before the list was read may not be in it yet (the
 * connect hook runs before the daemon lists the client), and the agent's clock may be off a little.
 */
export const VANISHED_MARGIN_MS = 30_000;

/**
 * Ends, as the disconnect hook would with no counters beyond the last reported ones and no known
 * reason, every open connection of `server` that came up before `at` (less the margin) and is not
 * in `liveIds`. Returns the connection ids it ended.
 */
export async function endVanishedConnections(
  db: Db,
  server: ServerView,
  live: { ids: readonly string[]; at: Date },
  now = new Date(),
): Promise<string[]> {
  const asOf = Math.min(live.at.getTime(), now.getTime());
  const listed = new Set(live.ids);
  // Their last counters, with the reports applied here and not written yet.
  await flushTraffic(db);
  const candidates = await db.connection.findMany({
    where: { serverId: server.id, disconnectedAt: null, externalId: { not: null }, connectedAt: { lt: new Date(asOf - VANISHED_MARGIN_MS) } },
    select: { externalId: true, counterIn: true, counterOut: true },
  });
  const ended: string[] = [];
  for (const connection of candidates) {
    const id = connection.externalId;
    if (id === null || listed.has(id)) continue;
    try {
      await disconnect(
        db,
        server,
        { connection_id: id, bytes_received: Number(connection.counterIn), bytes_sent: Number(connection.counterOut), reason: "unknown" },
        now,
      );
      ended.push(id);
    } catch (error) {
      // Its disconnect came in meanwhile.
      if (error instanceof AppError && error.code === "conflict") continue;
      throw error;
    }
  }
  return ended;
}
