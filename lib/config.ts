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

/**
 * BACKGROUND_LEASE_SECONDS: how long a background job stays with a console instance that stopped
 * renewing it (so how soon another instance takes over the jobs of one that died). Unset: three
 * runs of each job (15 s for the session expiry sweep, 30 s for inactivity enforcement, 3 min for
 * traffic compaction).
 */
export function backgroundLeaseSeconds(): number | undefined {
  const raw = process.env.BACKGROUND_LEASE_SECONDS?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`BACKGROUND_LEASE_SECONDS must be a whole number of seconds, at least 1; got "${raw}"`);
  return seconds;
}

/**
 * TRUST_PROXY_HOPS: how many proxies (load balancers) stand between browsers and the console, so
 * that the sign-in's guessing limits count the browser's address from X-Forwarded-For rather than
 * the proxy's. 0 (the default): the connection's own peer address, and X-Forwarded-For is ignored.
 */
export function trustProxyHops(): number {
  const raw = process.env.TRUST_PROXY_HOPS?.trim();
  if (!raw) return 0;
  const hops = Number(raw);
  if (!Number.isInteger(hops) || hops < 0) throw new Error(`TRUST_PROXY_HOPS must be a whole number of proxies, 0 or more; got "${raw}"`);
  return hops;
}
