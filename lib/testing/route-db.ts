// The database of a test file that calls route handlers. Route handlers use the lib/db singleton,
// which reads DATABASE_URL when first imported, so a test file calls routeTestDatabase() inside
// vi.hoisted (before any import runs); create() migrates it in beforeAll, drop() removes it.
import { rmSync } from "node:fs";
import pg from "pg";

export interface RouteTestDatabase {
  postgres: boolean;
  url: string;
  create: () => Promise<void>;
  drop: () => Promise<void>;
}

async function postgresAdminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function routeTestDatabase(label: string): RouteTestDatabase {
  const suffix = globalThis.crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const postgres = process.env.TEST_DATABASE === "postgresql";
  const name = `sc_test_${label}_${suffix}`;
  const sqliteFile = `${process.env.TMPDIR ?? "/tmp"}/session-console-tests/${label}-${suffix}.db`;
  const url = postgres ? Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString() : `file:${sqliteFile}`;
  process.env.DATABASE_URL = url;
  return {
    postgres,
    url,
    create: async () => {
      if (postgres) await postgresAdminQuery(adminUrl, `CREATE DATABASE ${name}`);
      const { migrate } = await import("../migrate");
      await migrate(url);
    },
    drop: async () => {
      const { db } = await import("../db");
      await db.$disconnect();
      if (postgres) await postgresAdminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      else for (const extra of ["", "-wal", "-shm"]) rmSync(sqliteFile + extra, { force: true });
    },
  };
}
