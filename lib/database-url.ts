// What is wrong with a DATABASE_URL, in one line a person can act on: checked before anything
// opens the database (an unknown scheme, a SQLite path that cannot be written), and read from the
// driver's error when opening it failed (PostgreSQL unreachable, a wrong password, a missing
// database). The server, the CLI and the scripts print these instead of a stack trace.
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { databaseProvider, sqliteFilePath } from "./config";

const FS_REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOTDIR: "a part of the path is a file, not a directory",
  EEXIST: "a part of the path is a file, not a directory",
  ENOENT: "the path does not exist",
  ENOSPC: "no space left on the device",
};

const errorCode = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;

const fsReason = (error: unknown) => FS_REASONS[errorCode(error) ?? ""] ?? (error instanceof Error ? error.message : String(error));

/** The problem with a DATABASE_URL that can be seen without connecting, or null. */
export function databaseUrlProblem(url: string): string | null {
  let provider;
  try {
    provider = databaseProvider(url);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (provider === "postgresql") {
    try {
      new URL(url);
      return null;
    } catch {
      return "DATABASE_URL is not a valid PostgreSQL URL (postgresql://user:password@host:5432/database)";
    }
  }
  const file = sqliteFilePath(url);
  if (url.slice("file:".length).trim() === "") return 'DATABASE_URL names no SQLite file (for example "file:./data/console.db")';
  const dir = path.dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    return `cannot write the SQLite database ${file}: cannot use the directory ${dir}: ${fsReason(error)}`;
  }
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory()) return `cannot use ${file} as the SQLite database: it is a directory`;
    if (stat) accessSync(file, constants.R_OK | constants.W_OK);
  } catch (error) {
    return `cannot write the SQLite database ${file}: ${fsReason(error)}`;
  }
  return null;
}

/** Where a PostgreSQL URL points, without its password. */
function postgresPlace(url: string): { where: string; host: string; user: string; database: string } {
  const parsed = new URL(url);
  const host = decodeURIComponent(parsed.hostname) || "localhost";
  const database = decodeURIComponent(parsed.pathname.slice(1)) || "(default)";
  return { where: `${host}:${parsed.port || "5432"}`, host, user: decodeURIComponent(parsed.username) || "(default)", database };
}

/**
 * One line naming why opening the database at `url` failed, or null when `error` is not a failure
 * to open it (a bug, which keeps its stack trace). Never includes the password.
 */
export function describeDatabaseFailure(error: unknown, url: string): string | null {
  const urlProblem = databaseUrlProblem(url);
  if (urlProblem) return urlProblem;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : "";
  if (databaseProvider(url) === "sqlite") {
    const file = sqliteFilePath(url);
    if (code === "SQLITE_CANTOPEN") return `cannot open the SQLite database ${file}: check that its directory exists and is writable`;
    if (code === "SQLITE_READONLY") return `cannot write the SQLite database ${file}: it is read-only`;
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") return `${file} is not a usable SQLite database (${message})`;
    if (code && code in FS_REASONS) return `cannot write the SQLite database ${file}: ${fsReason(error)}`;
    return null;
  }
  const { where, host, user, database } = postgresPlace(url);
  switch (code) {
    case "ECONNREFUSED":
      return `cannot reach PostgreSQL at ${where}: connection refused (is it running, and is DATABASE_URL right?)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot reach PostgreSQL: the host "${host}" in DATABASE_URL is not known`;
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `cannot reach PostgreSQL at ${where}: no answer (${code})`;
    case "28P01":
    case "28000":
      return `PostgreSQL at ${where} refused the login of "${user}": ${message}`;
    case "3D000":
      return `PostgreSQL at ${where} has no database "${database}": create it, or fix DATABASE_URL`;
  }
  if (/timeout|Connection terminated/i.test(message)) return `cannot reach PostgreSQL at ${where}: ${message}`;
  return null;
}
