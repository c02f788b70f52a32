// Applies the SQL migrations in prisma/<provider>/migrations, keeping Prisma's own
// `_prisma_migrations` bookkeeping so `prisma migrate` can take over a database made here.
// Prisma's schema engine cannot apply migrations to PostgreSQL offline (prisma/orm#27403), and
// one mechanism for both databases is simpler than two.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { databaseProvider, projectRoot, sqliteFilePath, type DatabaseProvider } from "./config";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(provider: DatabaseProvider, root = projectRoot()): Migration[] {
  const dir = path.join(root, "prisma", provider, "migrations");
  if (!existsSync(dir)) throw new Error(`no migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Same key Prisma Migrate uses, so the two never run at once on one database. */
const POSTGRES_LOCK_KEY = 72707369;

function checkApplied(applied: Map<string, string>, migrations: Migration[]): void {
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum && checksum !== migration.checksum) {
      throw new Error(
        `migration ${migration.name} was changed after it was applied to this database; restore the original file`,
      );
    }
  }
}

function migrateSqlite(url: string, migrations: Migration[]): string[] {
  const file = sqliteFilePath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  const conn = new Database(file);
  try {
    conn.pragma("journal_mode = WAL");
    conn.pragma("busy_timeout = 5000");
    conn.exec(SQLITE_TABLE);
    const rows = conn
      .prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
      .all() as { migration_name: string; checksum: string }[];
    const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    checkApplied(applied, migrations);
    const done: string[] = [];
    // Prisma redefines a table by copying it and dropping the original. With foreign keys on, that
    // DROP deletes the rows first and cascades to the tables that refer to it, and the PRAGMA in the
    // migration cannot turn them off inside a transaction. So they are off while a migration runs
    // (SQLite's own procedure for changing a table), and the keys are checked before it commits.
    conn.pragma("foreign_keys = OFF");
    for (const migration of migrations.filter((m) => !applied.has(m.name))) {
      try {
        conn.transaction(() => {
          conn.exec(migration.sql);
          const broken = conn.pragma("foreign_key_check") as { table: string; parent: string }[];
          if (broken.length > 0) {
            const first = broken[0] as { table: string; parent: string };
            throw new Error(`${broken.length} row(s) would refer to missing rows (first: "${first.table}" to "${first.parent}")`);
          }
          conn
            .prepare(
              `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
            )
            .run(randomUUID(), migration.checksum, Date.now(), migration.name, Date.now());
        }).immediate();
      } catch (error) {
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    conn.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [POSTGRES_LOCK_KEY]);
    await client.query(POSTGRES_TABLE);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    checkApplied(applied, migrations);
    const done: string[] = [];
    for (const migration of migrations.filter((m) => !applied.has(m.name))) {
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
      }
      done.push(migration.name);
    }
    await client.query("SELECT pg_advisory_unlock($1)", [POSTGRES_LOCK_KEY]);
    return done;
  } finally {
    await client.end();
  }
}

/** Applies every migration not yet applied; returns the names of those it applied. */
export async function migrate(url: string): Promise<string[]> {
  const provider = databaseProvider(url);
  const migrations = readMigrations(provider);
  return provider === "sqlite" ? migrateSqlite(url, migrations) : migratePostgres(url, migrations);
}
