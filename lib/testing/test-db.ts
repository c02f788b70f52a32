// A fresh, migrated database for one test file: SQLite by default, PostgreSQL when
// TEST_DATABASE=postgresql (a new database on the server at TEST_POSTGRES_URL, dropped after).
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb, type Db } from "../db";
import { migrate } from "../migrate";

export interface TestDb {
  db: Db;
  url: string;
  provider: "sqlite" | "postgresql";
  drop: () => Promise<void>;
}

export const testProvider = (): "sqlite" | "postgresql" =>
  process.env.TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite";

const postgresAdminUrl = () => process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** `provider`: TEST_DATABASE's unless a test needs one of them (several instances need PostgreSQL). */
export async function createTestDb(provider = testProvider()): Promise<TestDb> {
  const suffix = randomBytes(6).toString("hex");
  if (provider === "sqlite") {
    const dir = path.join(os.tmpdir(), "session-console-tests");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `test-${suffix}.db`);
    const url = `file:${file}`;
    await migrate(url);
    const db = createDb(url);
    return {
      db,
      url,
      provider: "sqlite",
      drop: async () => {
        await db.$disconnect();
        for (const extra of ["", "-wal", "-shm"]) rmSync(file + extra, { force: true });
      },
    };
  }
  const name = `sc_test_${suffix}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const db = createDb(url.toString());
  return {
    db,
    url: url.toString(),
    provider: "postgresql",
    drop: async () => {
      await db.$disconnect();
      const client = new pg.Client({ connectionString: postgresAdminUrl() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
