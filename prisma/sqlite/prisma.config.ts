// Prisma CLI configuration for SQLite: JavaScript engine with a driver adapter, so no engine
// binary is ever downloaded.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, "schema.prisma"),
  async adapter() {
    // migrate diff between schema files touches no database; give it a private one.
    const url = process.env.DATABASE_URL?.startsWith("file:") ? process.env.DATABASE_URL : ":memory:";
    return new PrismaBetterSQLite3({ url });
  },
});
