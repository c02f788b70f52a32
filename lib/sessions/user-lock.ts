// Max concurrent sessions is a count followed by a write over one user's sessions. Console
// instances share nothing but the database, so that count-then-write is serialised per user in
// the database itself: a transaction that starts by locking the user's row. Any code that counts
// a user's live sessions and then creates or revives one does it inside withUserSessionLock.
import { providerOf, type Db, type Tx } from "../db";

/**
 * Runs `work` in a transaction that first takes the lock of user `userId`, held until it commits
 * or rolls back. A second caller for the same user, in this process or another console instance,
 * waits at the lock and then sees everything the first one committed; other users are not held up.
 *
 * PostgreSQL: `SELECT ... FOR NO KEY UPDATE` on the VpnUser row (the row lock an UPDATE of it
 * takes, so inserts that reference the user are not blocked). The transaction runs at READ
 * COMMITTED, where each later statement reads what was committed before it, including the work of
 * the caller it waited for. SQLite: a write to the row, which takes the database's write lock
 * before anything is read, also against another process on the same file.
 */
export async function withUserSessionLock<T>(db: Db, userId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  const postgres = providerOf(db) === "postgresql";
  return db.$transaction(async (tx) => {
    if (postgres) await tx.$queryRaw`SELECT "id" FROM "VpnUser" WHERE "id" = ${userId} FOR NO KEY UPDATE`;
    else await tx.$executeRaw`UPDATE "VpnUser" SET "id" = "id" WHERE "id" = ${userId}`;
    return work(tx);
  });
}
