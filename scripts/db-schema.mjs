// Keeps the two database schemas and their migrations in step.
//   node scripts/db-schema.mjs            regenerate prisma/postgresql/schema.prisma from the SQLite one
//   node scripts/db-schema.mjs NAME       also write a new migration NAME for both databases
// The SQLite schema is the source of truth. Each new migration is the difference between the
// schema as of the previous migration (kept in prisma/<provider>/schema.snapshot.prisma) and now.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const prismaBin = path.join(root, "node_modules", ".bin", "prisma");
const sqliteSchema = path.join(root, "prisma/sqlite/schema.prisma");
const pgSchema = path.join(root, "prisma/postgresql/schema.prisma");

function writePostgresSchema() {
  const source = readFileSync(sqliteSchema, "utf8");
  const header =
    "// GENERATED from prisma/sqlite/schema.prisma by scripts/db-schema.mjs. Do not edit.\n";
  const pg = source
    .replace(/^\/\/ Session Console data model\.[^\n]*\n\/\/[^\n]*\n/m, header)
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace("../../lib/generated/sqlite", "../../lib/generated/postgresql")
    .replace(/url\s+= "file:[^"]*"/, 'url      = "postgresql://localhost:5432/session_console"');
  if (pg === source) throw new Error("could not derive the PostgreSQL schema");
  mkdirSync(path.dirname(pgSchema), { recursive: true });
  writeFileSync(pgSchema, pg);
}

function writeMigration(name) {
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`migration name must be lower_snake_case, got "${name}"`);
  }
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  for (const provider of ["sqlite", "postgresql"]) {
    const dir = path.join(root, "prisma", provider);
    const schema = path.join(dir, "schema.prisma");
    const snapshot = path.join(dir, "schema.snapshot.prisma");
    const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
    const sql = execFileSync(
      prismaBin,
      ["migrate", "diff", "--config", path.join(dir, "prisma.config.ts"), ...from, "--to-schema-datamodel", schema, "--script"],
      { cwd: root, encoding: "utf8" },
    );
    if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
      console.log(`${provider}: no changes`);
      continue;
    }
    const migrationDir = path.join(dir, "migrations", `${stamp}_${name}`);
    mkdirSync(migrationDir, { recursive: true });
    writeFileSync(path.join(migrationDir, "migration.sql"), sql);
    const lock = path.join(dir, "migrations", "migration_lock.toml");
    if (!existsSync(lock)) writeFileSync(lock, `provider = "${provider}"\n`);
    copyFileSync(schema, snapshot);
    console.log(`${provider}: wrote ${path.relative(root, migrationDir)}`);
  }
}

writePostgresSchema();
const name = process.argv[2];
if (name) writeMigration(name);
else console.log("prisma/postgresql/schema.prisma regenerated");
