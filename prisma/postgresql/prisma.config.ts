// Prisma CLI configuration for PostgreSQL: JavaScript engine with a driver adapter, so no engine
// binary is ever downloaded.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, "schema.prisma"),
  async adapter() {
    const url = process.env.DATABASE_URL?.startsWith("postgres") ? process.env.DATABASE_URL : undefined;
    return new PrismaPg({ connectionString: url ?? "postgresql://postgres@127.0.0.1:5432/postgres" });
  },
});
