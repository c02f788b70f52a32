// The one Prisma client, and beside it the direct statements of the hook API's hot path on the
// same connections. DATABASE_URL picks SQLite (file:) or PostgreSQL (postgresql://).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, Transaction } from "@prisma/driver-adapter-utils";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { DatabaseUnavailableError, isDriverConnectionFailure } from "./errors";
import { PrismaClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { databaseProvider, databaseUrl, sqliteFilePath, type DatabaseProvider } from "./config";

export type Db = PrismaClient;
/** The client inside db.$transaction(async (tx) => ...). */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

interface ClientFacts {
  providers: WeakMap<object, DatabaseProvider>;
  directDrivers: WeakMap<object, DirectDriver>;
}

/**
 * What createDb knows of each client: its database and its direct statements. Kept on globalThis
 * because the client is (below): server.ts and the Next.js bundle each load their own copy of this
 * module, and a map of one copy would not know the other's clients.
 */
const clientFacts = ((globalThis as unknown as { sessionConsoleDbFacts?: ClientFacts }).sessionConsoleDbFacts ??= {
  providers: new WeakMap(),
  directDrivers: new WeakMap(),
});
const providers = clientFacts.providers;

/**
 * Set on the connection when it opens. WAL lets readers run beside the writer; synchronous=NORMAL
 * is safe in WAL (a power cut can lose the last commits, never corrupt the file) and spares an
 * fsync per commit, which the hook API's reconnect storms would otherwise wait on.
 */
const SQLITE_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";

/** SQLite's limit on the values bound to one statement (SQLITE_MAX_VARIABLE_NUMBER). */
const SQLITE_MAX_BOUND_VALUES = 32_766;

/** Prisma's string filters (contains, startsWith, endsWith) as SQLite statements write them. */
const LIKE_PARAMETER = / LIKE \?(?! ESCAPE)/g;

/**
 * Hands one SQLite connection to one holder at a time, in turn: a Prisma transaction (held across
 * its awaits until commit or rollback) or a direct statement arriving while one is open.
 */
class ConnectionTurn {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  get held(): boolean {
    return this.#held;
  }

  async take(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Passes the connection to the next in line (which then holds it), or frees it. */
  pass(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }
}

/** The connection the SQLite adapter opened, with the direct statements prepared on it. */
interface SqliteConnection {
  database: BetterSqlite3.Database;
  turn: ConnectionTurn;
  prepared: Map<DirectStatement, BetterSqlite3.Statement>;
}

/**
 * @prisma/adapter-better-sqlite3 (6.19) keeps one better-sqlite3 connection. Its transactions
 * wait for each other on a mutex, run BEGIN on that connection and hold it across awaits until
 * commit or rollback; statements outside a transaction take no turn at all and so would run
 * inside whatever transaction is open. A second connection to the file is no way out: its
 * busy_timeout waits synchronously, blocking the event loop on which the transaction holding
 * the write lock would have to finish.
 *
 * So the direct statements share the adapter's connection and take turns with its transactions:
 * every transaction takes the turn before BEGIN and passes it on after COMMIT or ROLLBACK, and a
 * direct statement runs at once when no transaction holds the turn, otherwise in line after it.
 * Direct statements are synchronous calls, and their own transactions run BEGIN to COMMIT in one
 * synchronous call, so nothing can interleave with them.
 */
class TunedSQLite3 extends PrismaBetterSQLite3 {
  connection: SqliteConnection | null = null;

  override async connect() {
    const adapter = await super.connect();
    await adapter.executeScript(SQLITE_PRAGMAS);
    // The adapter's own connection (a public field of its class, not of the adapter interface).
    const database = (adapter as unknown as { client?: BetterSqlite3.Database }).client;
    if (typeof database?.prepare !== "function") throw new Error("the SQLite adapter no longer exposes its client");
    // SQLite's LIKE has no escape character unless the statement names one, and Prisma names
    // none; PostgreSQL's is the backslash. Naming the same one here lets escapeLike() make % and _
    // literal on both databases. The adapter prepares every statement through its client.
    const prepare = database.prepare.bind(database);
    database.prepare = ((sql: string) =>
      prepare(sql.includes(" LIKE ?") ? sql.replace(LIKE_PARAMETER, " LIKE ? ESCAPE '\\'") : sql)) as typeof database.prepare;
    const connection: SqliteConnection = { database, turn: new ConnectionTurn(), prepared: new Map() };
    takeTurnsWithTransactions(adapter, connection.turn);
    // Prisma assumes SQLite's historic 999 bound values per statement; better-sqlite3's SQLite
    // takes SQLITE_MAX_VARIABLE_NUMBER's default since 3.32, so a long `in` list still fits.
    adapter.getConnectionInfo = () => ({ maxBindValues: SQLITE_MAX_BOUND_VALUES, supportsRelationJoins: false });
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = () => {
      if (this.connection === connection) this.connection = null;
      return dispose();
    };
    this.connection = connection;
    return adapter;
  }
}

function takeTurnsWithTransactions(adapter: SqlDriverAdapter, turn: ConnectionTurn): void {
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    await turn.take();
    let transaction: Transaction;
    try {
      transaction = await start(isolationLevel);
    } catch (error) {
      turn.pass();
      throw error;
    }
    let passed = false;
    const passOnce = () => {
      if (passed) return;
      passed = true;
      turn.pass();
    };
    const commit = transaction.commit.bind(transaction);
    const rollback = transaction.rollback.bind(transaction);
    transaction.commit = () => commit().finally(passOnce);
    transaction.rollback = () => rollback().finally(passOnce);
    return transaction;
  };
}

/**
 * PrismaPg on a pool created here, which the direct statements use too: one pool per process.
 * $disconnect ends it; a later query opens a new one from the same options, and the direct
 * statements follow whichever pool Prisma's adapter currently holds.
 */
class SharedPoolPg extends PrismaPg {
  pool: pg.Pool | null = null;

  override async connect() {
    const adapter = await super.connect();
    const pool = (adapter as unknown as { underlyingDriver(): pg.Pool }).underlyingDriver();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = () => {
      if (this.pool === pool) this.pool = null;
      return dispose();
    };
    this.pool = pool;
    return adapter;
  }
}

/**
 * A statement of the hook API's hot paths, run on the driver without the Prisma client (whose
 * per-call machinery costs several times the statement itself). SQL with `?` for the parameters
 * and quoted identifiers; portable (lib/hook-statements.ts) unless a PostgreSQL text is given
 * for what the two databases write differently (lib/traffic/bulk.ts).
 */
export interface DirectStatement {
  readonly sql: string;
  /** The PostgreSQL text with $1, $2, ... */
  readonly postgresSql: string;
  /** Prepared once per PostgreSQL connection under this name. */
  readonly name: string;
}

let statementCount = 0;
export function directStatement(sql: string, postgresSql: string = sql): DirectStatement {
  let parameter = 0;
  return { sql, postgresSql: postgresSql.replace(/\?/g, () => `$${++parameter}`), name: `scv_direct_${++statementCount}` };
}

export type DirectValue = string | number | boolean | Date | null;
export type DirectRow = Record<string, unknown>;
export type DirectStep = readonly [DirectStatement, readonly DirectValue[]];
/** How many rows a statement changed, and the rows it returned (RETURNING). */
export interface DirectOutcome {
  changes: number;
  rows: DirectRow[];
}

/**
 * Runs direct statements on the connections of one client. Values come back as the driver gives
 * them: SQLite booleans as 0 or 1, dates as text on SQLite and as Date on PostgreSQL.
 */
export interface DirectDriver {
  readonly provider: DatabaseProvider;
  rows(statement: DirectStatement, values: readonly DirectValue[]): Promise<DirectRow[]>;
  run(statement: DirectStatement, values: readonly DirectValue[]): Promise<number>;
  /** The statements in one transaction; what each changed and returned. */
  runAll(steps: readonly DirectStep[]): Promise<DirectOutcome[]>;
}

/** How Prisma writes DateTime values to SQLite, so that stored dates compare as text. */
const sqliteValue = (value: DirectValue) =>
  value instanceof Date ? value.toISOString().replace("Z", "+00:00") : typeof value === "boolean" ? Number(value) : value;

function sqliteDriver(client: Db, factory: TunedSQLite3): DirectDriver {
  const connection = async (): Promise<SqliteConnection> => {
    if (!factory.connection) await client.$connect();
    if (!factory.connection) throw new Error("the SQLite connection did not open");
    return factory.connection;
  };
  const prepared = (c: SqliteConnection, statement: DirectStatement) => {
    let prepared = c.prepared.get(statement);
    if (!prepared) {
      prepared = c.database.prepare(statement.sql).safeIntegers(false);
      c.prepared.set(statement, prepared);
    }
    return prepared;
  };
  /** Runs `work` on the connection at once, or after the open transaction and those in line. */
  const inTurn = async <T>(work: (c: SqliteConnection) => T): Promise<T> => {
    const c = factory.connection ?? (await connection());
    if (!c.turn.held) return sqlite(() => work(c));
    await c.turn.take();
    try {
      return sqlite(() => work(c));
    } finally {
      c.turn.pass();
    }
  };
  return {
    provider: "sqlite",
    rows: (statement, values) => inTurn((c) => prepared(c, statement).all(...values.map(sqliteValue)) as DirectRow[]),
    run: (statement, values) => inTurn((c) => prepared(c, statement).run(...values.map(sqliteValue)).changes),
    runAll: (steps) =>
      inTurn((c) =>
        c.database.transaction(() =>
          steps.map(([statement, values]): DirectOutcome => {
            const step = prepared(c, statement);
            if (!step.reader) return { changes: step.run(...values.map(sqliteValue)).changes, rows: [] };
            const rows = step.all(...values.map(sqliteValue)) as DirectRow[];
            return { changes: rows.length, rows };
          }),
        )(),
      ),
  };
}

function sqlite<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    // Busy past busy_timeout (another process holds the write lock), as Prisma reports it: a timeout.
    if ((error as { code?: unknown }).code === "SQLITE_BUSY") throw new DatabaseUnavailableError(error);
    throw error;
  }
}

/** PostgreSQL `timestamp(3)` holds UTC (as Prisma writes it); pg would read it as local time. */
const TIMESTAMP_OID = 1114;
const postgresTypes = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID ? (text: string) => new Date(`${text.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format ?? "text"),
} as pg.CustomTypesConfig;

/** A Date's UTC digits: PostgreSQL takes them as they are for a `timestamp` (without time zone). */
const postgresValue = (value: DirectValue) => (value instanceof Date ? value.toISOString() : value);

function postgresDriver(client: Db, factory: SharedPoolPg): DirectDriver {
  const pool = async (): Promise<pg.Pool> => {
    if (!factory.pool) await client.$connect();
    if (!factory.pool) throw new Error("the PostgreSQL pool did not open");
    return factory.pool;
  };
  const query = (queryable: pg.Pool | pg.PoolClient, statement: DirectStatement, values: readonly DirectValue[]) =>
    queryable.query<DirectRow>({ name: statement.name, text: statement.postgresSql, values: values.map(postgresValue), types: postgresTypes });
  return {
    provider: "postgresql",
    rows: (statement, values) => postgres(async () => (await query(factory.pool ?? (await pool()), statement, values)).rows),
    run: (statement, values) => postgres(async () => (await query(factory.pool ?? (await pool()), statement, values)).rowCount ?? 0),
    runAll: (steps) =>
      postgres(async () => {
        const connection = await (factory.pool ?? (await pool())).connect();
        let broken: Error | undefined;
        try {
          await connection.query("BEGIN");
          const outcomes: DirectOutcome[] = [];
          for (const [statement, values] of steps) {
            const result = await query(connection, statement, values);
            outcomes.push({ changes: result.rowCount ?? 0, rows: result.rows });
          }
          await connection.query("COMMIT");
          return outcomes;
        } catch (error) {
          await connection.query("ROLLBACK").catch((rollbackError: unknown) => {
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          });
          throw error;
        } finally {
          connection.release(broken);
        }
      }),
  };
}

async function postgres<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDriverConnectionFailure(error)) throw new DatabaseUnavailableError(error);
    throw error;
  }
}

const directDrivers = clientFacts.directDrivers;

/**
 * The direct statements on `db`'s connections, or null for a transaction client (a Tx): inside
 * a Prisma transaction every statement must go through it.
 */
export function directDriverOf(db: Db | Tx): DirectDriver | null {
  return directDrivers.get(db) ?? null;
}

/**
 * `db` with its direct statements run through `wrap(driver)`: a test puts another writer between
 * a decision's reads and its writes this way.
 */
export function withDirectDriver(db: Db, wrap: (driver: DirectDriver) => DirectDriver): Db {
  const driver = directDriverOf(db);
  if (!driver) throw new Error("not a client from createDb");
  const view = new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  directDrivers.set(view, wrap(driver));
  providers.set(view, providerOf(db));
  return view;
}

export function createDb(url: string = databaseUrl()): Db {
  const provider = databaseProvider(url);
  let client: Db;
  if (provider === "sqlite") {
    const file = sqliteFilePath(url);
    mkdirSync(path.dirname(file), { recursive: true });
    const factory = new TunedSQLite3({ url: `file:${file}` });
    client = new PrismaClient({ adapter: factory });
    directDrivers.set(client, sqliteDriver(client, factory));
  } else {
    const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
    const factory = new SharedPoolPg(pool, { disposeExternalPool: true });
    // Both clients are generated from the same model (scripts/db-schema.mjs), so they expose the
    // same API; the SQLite client's type stands for both.
    client = new PostgresClient({ adapter: factory }) as unknown as Db;
    directDrivers.set(client, postgresDriver(client, factory));
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
