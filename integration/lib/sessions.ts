// Reading the console's own record of sessions and connections, for assertions.
import { db, type Db } from "../../lib/db";
import { waitFor } from "./wait";

/** `database`: the console's, when it is not lib/db's `db` (a fleet on PostgreSQL). */
export async function sessionsOf(username: string, database: Db = db) {
  return database.session.findMany({
    where: { user: { username } },
    include: { connections: { orderBy: { connectedAt: "asc" } } },
    orderBy: { authenticatedAt: "asc" },
  });
}

export type SessionRecord = Awaited<ReturnType<typeof sessionsOf>>[number];

/** Waits until the user's sessions satisfy `done` (the hooks and the sweeper work asynchronously). */
export async function waitForSessions(
  username: string,
  what: string,
  done: (sessions: SessionRecord[]) => boolean,
  timeoutMs = 20_000,
  database: Db = db,
): Promise<SessionRecord[]> {
  let last: SessionRecord[] = [];
  try {
    return await waitFor(`${username}: ${what}`, timeoutMs, async () => {
      last = await sessionsOf(username, database);
      return done(last) ? last : undefined;
    });
  } catch (error) {
    const states = last.map((s) => `${s.state} (${s.stateReason ?? "-"}), ${s.connections.length} connection(s)`);
    throw new Error(`${(error as Error).message}; sessions: ${states.join("; ") || "none"}`, { cause: error });
  }
}
