// The one Prisma client. DATABASE_URL picks SQLite (file:) or PostgreSQL (postgresql://).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { databaseProvider, databaseUrl, sqliteFilePath, type DatabaseProvider } from "./config";

export type Db = PrismaClient;
/** The client inside db.$transaction(async (tx) => ...). */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const providers = new WeakMap<object, DatabaseProvider>();

/**
 * Set on the connection when it opens. WAL lets readers run beside the writer; synchronous=NORMAL
 * is safe in WAL (a power cut can lose the last commits, never corrupt the file) and spares an
 * fsync per commit, which the hook API's reconnect storms would otherwise wait on.
 */
const SQLITE_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";

/** Prisma's string filters (contains, startsWith, endsWith) as SQLite statements write them. */
const LIKE_PARAMETER = / LIKE \?(?! ESCAPE)/g;

class TunedSQLite3 extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    await adapter.executeScript(SQLITE_PRAGMAS);
    // SQLite's LIKE has no escape character unless the statement names one, and Prisma names
    // none; PostgreSQL's is the backslash. Naming the same one here lets escapeLike() make % and _
    // literal on both databases. The adapter prepares every statement through its client.
    const client = (adapter as unknown as { client?: { prepare: (sql: string) => unknown } }).client;
    if (typeof client?.prepare !== "function") throw new Error("the SQLite adapter no longer exposes its client");
    const prepare = client.prepare.bind(client);
    client.prepare = (sql) => prepare(sql.includes(" LIKE ?") ? sql.replace(LIKE_PARAMETER, " LIKE ? ESCAPE '\\'") : sql);
    return adapter;
  }
}

export function createDb(url: string = databaseUrl()): Db {
  const provider = databaseProvider(url);
  let client: Db;
  if (provider === "sqlite") {
    const file = sqliteFilePath(url);
    mkdirSync(path.dirname(file), { recursive: true });
    client = new PrismaClient({ adapter: new TunedSQLite3({ url: `file:${file}` }) });
  } else {
    // Both clients are generated from the same model (scripts/db-schema.mjs), so they expose the
    // same API; the SQLite client's type stands for both.
    client = new PostgresClient({
      adapter: new PrismaPg({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) }),
    }) as unknown as Db;
  }
  providers.set(client, provider);
  return client;
}

/** A value for Prisma's contains/startsWith/endsWith that matches %, _ and backslash as themselves. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, "\\$&");
}

/**
 * A case-insensitive substring filter on either database, matching what was typed literally
 * (a search for "a_b" does not find "axb"). SQLite's LIKE already ignores ASCII case; PostgreSQL
 * needs Prisma's insensitive mode, which the SQLite client's types do not know.
 */
export function containsText(db: Db, value: string): { contains: string } {
  const contains = escapeLike(value);
  return providers.get(db) === "postgresql" ? ({ contains, mode: "insensitive" } as { contains: string }) : { contains };
}

/** Which database a client talks to, for the few statements written in SQL. */
export function providerOf(db: Db): DatabaseProvider {
  return providers.get(db) ?? "sqlite";
}

const globalForDb = globalThis as unknown as { sessionConsoleDb?: Db };

/** Built once per process; cached on globalThis so dev-server reloads do not open new pools. */
export const db: Db = globalForDb.sessionConsoleDb ?? createDb();
globalForDb.sessionConsoleDb = db;
