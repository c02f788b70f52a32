// Settings read from the environment, in one place.
import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgresql";

export const DEFAULT_DATABASE_URL = "file:./data/console.db";

export function databaseUrl(): string {
  return process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
}

export function databaseProvider(url: string = databaseUrl()): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgresql://") || url.startsWith("postgres://")) return "postgresql";
  throw new Error(
    `DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL); got "${url.split(":")[0]}:..."`,
  );
}

/** Absolute path of a SQLite file URL, relative paths resolved from the working directory. */
export function sqliteFilePath(url: string): string {
  const file = url.slice("file:".length);
  return path.isAbsolute(file) ? file : path.resolve(/*turbopackIgnore: true*/ process.cwd(), file);
}

export function projectRoot(): string {
  return process.env.CONSOLE_ROOT ?? process.cwd();
}
