import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDb, type Db } from "./db";
import { migrate, readMigrations } from "./migrate";
import { testProvider } from "./testing/test-db";

const provider = testProvider();
const postgresAdminUrl = () => process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** An empty database of the provider under test, and how to remove it. */
async function emptyDatabase(dir: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (provider === "sqlite") {
    return { url: `file:${path.join(dir, "empty.db")}`, drop: async () => undefined };
  }
  const name = `sc_migrate_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresAdminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

describe(`migrate (${provider})`, () => {
  let root: string;
  let migrationsDir: string;
  let database: { url: string; drop: () => Promise<void> };
  const clients: Db[] = [];

  const client = () => {
    const db = createDb(database.url);
    clients.push(db);
    return db;
  };
  const appliedRows = async () =>
    client().$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
    );
  const addMigration = (name: string, sql: string) => {
    mkdirSync(path.join(migrationsDir, name), { recursive: true });
    writeFileSync(path.join(migrationsDir, name, "migration.sql"), sql);
  };

  beforeEach(async () => {
    // A copy of the real migrations that each test may change; lib/config.ts reads CONSOLE_ROOT.
    root = mkdtempSync(path.join(os.tmpdir(), "session-console-migrate-"));
    migrationsDir = path.join(root, "prisma", provider, "migrations");
    cpSync(path.join(process.cwd(), "prisma", provider, "migrations"), migrationsDir, { recursive: true });
    vi.stubEnv("CONSOLE_ROOT", root);
    database = await emptyDatabase(root);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await Promise.all(clients.splice(0).map((db) => db.$disconnect()));
    await database.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it("applies every migration once, recording Prisma's checksum; the second run applies nothing", async () => {
    const migrations = readMigrations(provider);
    expect(migrations.length).toBeGreaterThan(0);
    const names = migrations.map((m) => m.name);

    expect(await migrate(database.url)).toEqual(names);
    const rows = await appliedRows();
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = readFileSync(path.join(migrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
    }
    // The schema is there: the client can read every table.
    expect(await client().admin.count()).toBe(0);
    expect(await client().auditEvent.count()).toBe(0);

    expect(await migrate(database.url)).toEqual([]);
    expect(await appliedRows()).toEqual(rows);
  });

  it("refuses to run when an applied migration was changed, saying which and what to do", async () => {
    await migrate(database.url);
    const before = await appliedRows();
    const first = readMigrations(provider)[0];
    if (!first) throw new Error("test setup: no migrations");
    appendFileSync(path.join(migrationsDir, first.name, "migration.sql"), "\n-- edited after release\n");
    addMigration("29990101000000_after_the_edit", `CREATE TABLE "AfterEdit" ("id" TEXT PRIMARY KEY);`);

    await expect(migrate(database.url)).rejects.toThrow(
      `migration ${first.name} was changed after it was applied to this database; restore the original file`,
    );
    // Nothing else was applied either.
    expect(await appliedRows()).toEqual(before);
  });

  it("applies only a migration added later", async () => {
    const initial = await migrate(database.url);
    addMigration("29990101000000_add_note", `CREATE TABLE "Note" ("id" TEXT PRIMARY KEY, "body" TEXT NOT NULL);`);
    expect(await migrate(database.url)).toEqual(["29990101000000_add_note"]);
    expect((await appliedRows()).map((r) => r.migration_name)).toEqual([...initial, "29990101000000_add_note"]);
    expect(await client().$queryRawUnsafe(`SELECT "id" FROM "Note"`)).toEqual([]);
  });

  it("a failing migration is rolled back, not recorded, and applied once fixed", async () => {
    await migrate(database.url);
    const before = await appliedRows();
    const name = "29990101000000_broken";
    addMigration(name, `CREATE TABLE "Half" ("id" TEXT PRIMARY KEY);\nCREATE TABLE "Half" ("id" TEXT PRIMARY KEY);`);

    await expect(migrate(database.url)).rejects.toThrow(/already exists/);
    expect(await appliedRows()).toEqual(before);
    await expect(client().$queryRawUnsafe(`SELECT "id" FROM "Half"`)).rejects.toThrow();

    addMigration(name, `CREATE TABLE "Half" ("id" TEXT PRIMARY KEY);`);
    expect(await migrate(database.url)).toEqual([name]);
    expect(await client().$queryRawUnsafe(`SELECT "id" FROM "Half"`)).toEqual([]);
  });

  it("the error of a failing migration names the migration, on every database", async () => {
    await migrate(database.url);
    const name = "29990101000000_broken";
    addMigration(name, `CREATE TABLE "Broken" ("id" NOT A TYPE (;`);
    const error = await migrate(database.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error instanceof Error ? error.message : "").toContain(`migration ${name} failed`);
  });

  it("a migration that redefines a table keeps the rows of the tables that refer to it", async () => {
    await migrate(database.url);
    const db = client();
    const server = await db.vpnServer.create({ data: { name: "edge", kind: "openvpn" } });
    const user = await db.vpnUser.create({ data: { username: "alice" } });
    const session = await db.session.create({ data: { userId: user.id, serverId: server.id, clientIp: "198.51.100.7" } });
    await db.connection.create({ data: { sessionId: session.id, serverId: server.id, clientIp: "198.51.100.7" } });
    // The shape of Prisma's own table redefinition, on the parent of Connection.
    const [definition] = await db.$queryRawUnsafe<{ sql: string }[]>(
      provider === "sqlite" ? `SELECT "sql" FROM sqlite_master WHERE "name" = 'Session'` : `SELECT '' AS "sql"`,
    );
    addMigration(
      "29990101000000_redefine_session",
      provider === "sqlite"
        ? `PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
${definition?.sql.replace('CREATE TABLE "Session"', 'CREATE TABLE "new_Session"')};
INSERT INTO "new_Session" SELECT * FROM "Session";
DROP TABLE "Session";
ALTER TABLE "new_Session" RENAME TO "Session";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;`
        : `ALTER TABLE "Session" ADD COLUMN "note" TEXT;`,
    );
    expect(await migrate(database.url)).toEqual(["29990101000000_redefine_session"]);
    expect(await db.connection.count()).toBe(1);
  });

  it.runIf(provider === "sqlite")("refuses a migration that leaves rows referring to missing rows, and keeps the database as it was", async () => {
    await migrate(database.url);
    const db = client();
    const server = await db.vpnServer.create({ data: { name: "edge", kind: "openvpn" } });
    const user = await db.vpnUser.create({ data: { username: "alice" } });
    await db.session.create({ data: { userId: user.id, serverId: server.id, clientIp: "198.51.100.7" } });
    addMigration("29990101000000_lose_users", `DELETE FROM "VpnUser";`);
    await expect(migrate(database.url)).rejects.toThrow(/29990101000000_lose_users failed: 1 row\(s\) would refer to missing rows \(first: "Session" to "VpnUser"\)/);
    expect(await db.vpnUser.count()).toBe(1);
  });

  it("two instances starting at once apply each migration exactly once", async () => {
    const names = readMigrations(provider).map((m) => m.name);
    const [a, b] = await Promise.all([migrate(database.url), migrate(database.url)]);
    expect([...a, ...b].sort()).toEqual(names);
    expect((await appliedRows()).map((r) => r.migration_name)).toEqual(names);
  });

  it("says where it looked when the migrations folder is missing", async () => {
    rmSync(migrationsDir, { recursive: true });
    await expect(migrate(database.url)).rejects.toThrow(`no migrations folder at ${migrationsDir}`);
  });

  it("refuses a database URL it does not know", async () => {
    await expect(migrate("mysql://root@localhost/console")).rejects.toThrow(/DATABASE_URL must start with/);
  });
});
