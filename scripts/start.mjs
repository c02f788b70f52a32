// `npm start`: build when the sources are newer than the build, then run the console (server.ts,
// which applies migrations and creates the first admin account).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules", ".bin", "next");
const port = process.env.PORT ?? "3000";
const host = process.env.HOSTNAME ?? "0.0.0.0";

process.env.NEXT_TELEMETRY_DISABLED = "1";
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;

// Sign-in cookies are signed with NEXTAUTH_SECRET. Without one, keep a generated secret next to
// the SQLite file; several instances on PostgreSQL must share one and set it themselves.
if (!process.env.NEXTAUTH_SECRET) {
  const dataDir = path.join(root, "data");
  const secretFile = path.join(dataDir, "auth-secret");
  if (!existsSync(secretFile)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(secretFile, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  process.env.NEXTAUTH_SECRET = readFileSync(secretFile, "utf8").trim();
  if ((process.env.DATABASE_URL ?? "").startsWith("postgres")) {
    console.warn("NEXTAUTH_SECRET is not set: every instance must share one, see docs/deploy.md");
  }
}

const SOURCES = ["app", "components", "lib", "hooks", "next.config.js", "package-lock.json"];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

const buildId = path.join(root, ".next", "BUILD_ID");
const sourcesAt = Math.max(...SOURCES.filter((s) => s !== "lib").map((s) => newestMtime(path.join(root, s))),
  ...readdirSync(path.join(root, "lib")).filter((e) => e !== "generated").map((e) => newestMtime(path.join(root, "lib", e))));
const tsxBin = path.join(root, "node_modules", ".bin", "tsx");
if (!existsSync(buildId) || statSync(buildId).mtimeMs < sourcesAt) {
  // A DATABASE_URL that cannot work is said in one line before minutes of building, not after.
  const guard = spawnSync(tsxBin, [path.join(root, "lib", "database-url-guard.ts")], { cwd: root, stdio: "inherit", env: process.env });
  if (guard.status !== 0) process.exit(guard.status ?? 1);
  console.log("building the console (first start or changed sources)...");
  const build = spawnSync(nextBin, ["build"], { cwd: root, stdio: "inherit", env: process.env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

process.env.NODE_ENV = "production";
process.env.PORT = port;
process.env.HOSTNAME = host;
const server = spawn(tsxBin, [path.join(root, "server.ts")], { cwd: root, stdio: "inherit", env: process.env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
