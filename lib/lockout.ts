// Slows down and then locks out password guessing through the auth hook and at the console's
// sign-in, per username and per client IP. Hooks must answer at once (OpenVPN's script hooks
// block the daemon while they run), so nothing here waits: an attempt inside a backoff or a
// lockout is refused without checking the password. Unknown usernames are counted like known ones, so the answers and their timing
// do not tell whether a user exists.
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import type { Db } from "./db";
import { notFound, prismaErrorCode } from "./errors";

/** The one answer to a refused attempt, whether or not the user exists. */
export const LOCKED_OUT = "too many failed logins: try again later";

/** A VPN user's username and client IP, or a console account's (counted apart from the VPN's). */
export type LockoutKind = "user" | "ip" | "admin" | "admin-ip";

export interface LockoutLimits {
  /** Failures are counted within this many seconds from the first one. */
  windowSeconds: number;
  /** How long a lockout lasts, in seconds. */
  lockSeconds: number;
  /** The first backoff, doubled with every further failure, at most backoffMaxSeconds. */
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
  /** Failures within the window after which attempts are slowed, then locked out. */
  user: { backoffAfter: number; lockAfter: number };
  ip: { backoffAfter: number; lockAfter: number };
  /** Subjects kept when guessing spreads over many usernames or IPs; locked ones are never dropped. */
  maxSubjects: number;
}

/** Environment variables and their defaults (documented in docs/security.md). */
export const LOCKOUT_ENV = {
  LOCKOUT_WINDOW_SECONDS: 900,
  LOCKOUT_DURATION_SECONDS: 900,
  LOCKOUT_BACKOFF_BASE_SECONDS: 1,
  LOCKOUT_BACKOFF_MAX_SECONDS: 60,
  LOCKOUT_USER_BACKOFF_AFTER: 3,
  LOCKOUT_USER_LOCK_AFTER: 10,
  LOCKOUT_IP_BACKOFF_AFTER: 10,
  LOCKOUT_IP_LOCK_AFTER: 50,
  LOCKOUT_MAX_SUBJECTS: 10_000,
} as const;

type LockoutEnvName = keyof typeof LOCKOUT_ENV;

/** The limits from the environment; a malformed value is an error that names the variable. */
export function lockoutLimits(env: Record<string, string | undefined> = process.env): LockoutLimits {
  const read = (name: LockoutEnvName, min: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return LOCKOUT_ENV[name];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
    }
    return value;
  };
  const limits: LockoutLimits = {
    windowSeconds: read("LOCKOUT_WINDOW_SECONDS", 1),
    lockSeconds: read("LOCKOUT_DURATION_SECONDS", 1),
    backoffBaseSeconds: read("LOCKOUT_BACKOFF_BASE_SECONDS", 1),
    backoffMaxSeconds: read("LOCKOUT_BACKOFF_MAX_SECONDS", 1),
    user: { backoffAfter: read("LOCKOUT_USER_BACKOFF_AFTER", 1), lockAfter: read("LOCKOUT_USER_LOCK_AFTER", 1) },
    ip: { backoffAfter: read("LOCKOUT_IP_BACKOFF_AFTER", 1), lockAfter: read("LOCKOUT_IP_LOCK_AFTER", 1) },
    maxSubjects: read("LOCKOUT_MAX_SUBJECTS", 100),
  };
  return limits;
}

let cachedLimits: LockoutLimits | undefined;
const defaultLimits = (): LockoutLimits => (cachedLimits ??= lockoutLimits());

export interface LoginAttempt {
  username: string;
  clientIp: string;
  /** Whose password: a VPN user's through the auth hook (the default), or a console account's. */
  realm?: "vpn" | "console";
}

export type AttemptOutcome = "accepted" | "wrong" | "refused";

interface AttemptOptions {
  now?: Date;
  limits?: LockoutLimits;
}

interface Subject {
  kind: LockoutKind;
  subject: string;
  key: string;
  /** Which thresholds count its failures. */
  limits: "user" | "ip";
}

/** The username's subject first, then the client IP's. */
const subjects = ({ username, clientIp, realm = "vpn" }: LoginAttempt): [Subject, Subject] => {
  const [user, ip] = realm === "vpn" ? (["user", "ip"] as const) : (["admin", "admin-ip"] as const);
  return [
    { kind: user, subject: username, key: `${user}:${username}`, limits: "user" },
    { kind: ip, subject: clientIp, key: `${ip}:${clientIp}`, limits: "ip" },
  ];
};

class Refused extends Error {}

/**
 * One password attempt under the limits. The attempt is counted as a failure of its username and
 * client IP before the password is checked, in one transaction whose row locks serialise
 * concurrent attempts: a burst of parallel guesses meets the backoff its own first guesses set.
 * While either subject is in a backoff or locked out the attempt is refused, uncounted, and
 * verify is not called. A success clears the username's count and uncounts the attempt at the
 * IP (clearing the IP's would let one valid account reset it for a guesser on the same address).
 */
export async function attemptPassword(
  db: Db,
  attempt: LoginAttempt,
  verify: () => Promise<boolean>,
  options: AttemptOptions = {},
): Promise<AttemptOutcome> {
  const now = options.now ?? new Date();
  const limits = options.limits ?? defaultLimits();
  let started: boolean;
  try {
    started = await retryOnConflict(() => chargeAttempt(db, attempt, limits, now));
  } catch (error) {
    if (error instanceof Refused) return "refused";
    throw error;
  }
  if (started) await pruneLockouts(db, limits, now);
  if (!(await verify())) return "wrong";
  const [user, ip] = subjects(attempt);
  await db.authLockout.deleteMany({ where: { key: user.key } });
  await db.authLockout.updateMany({ where: { key: ip.key, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
  return "accepted";
}

/** Two first failures of one subject at once may both try to create its row: the loser retries. */
async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (prismaErrorCode(error) === "P2002") return work();
    throw error;
  }
}

/** Seconds an attempt is refused after this many failures; 0 below the backoff threshold. */
export function backoffSeconds(failures: number, backoffAfter: number, limits: LockoutLimits): number {
  if (failures < backoffAfter) return 0;
  const exponent = Math.min(failures - backoffAfter, 30);
  return Math.min(limits.backoffBaseSeconds * 2 ** exponent, limits.backoffMaxSeconds);
}

/** Counts the attempt against both subjects, or throws Refused (rolling back) if one is blocked. */
async function chargeAttempt(db: Db, attempt: LoginAttempt, limits: LockoutLimits, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    let started = false;
    // Always the username's row first, then the IP's: one lock order, so no deadlocks.
    for (const subject of subjects(attempt)) {
      const thresholds = limits[subject.limits];
      const row = await tx.authLockout.upsert({
        where: { key: subject.key },
        create: { key: subject.key, kind: subject.kind, subject: subject.subject, failures: 1, windowStart: now, lastFailureAt: now },
        update: { failures: { increment: 1 }, lastFailureAt: now },
      });
      if (row.blockedUntil !== null && row.blockedUntil > now) throw new Refused();
      const windowOver = row.windowStart.getTime() <= now.getTime() - limits.windowSeconds * 1000;
      const failures = windowOver ? 1 : row.failures;
      const locked = failures >= thresholds.lockAfter;
      const blockSeconds = locked ? limits.lockSeconds : backoffSeconds(failures, thresholds.backoffAfter, limits);
      await tx.authLockout.update({
        where: { id: row.id },
        data: {
          failures,
          ...(windowOver ? { windowStart: now } : {}),
          blockedUntil: blockSeconds > 0 ? new Date(now.getTime() + blockSeconds * 1000) : null,
          lockedAt: locked ? now : null,
        },
      });
      started ||= failures === 1;
    }
    return started;
  });
}

/**
 * Keeps storage bounded under guessing spread over many usernames: counts whose window is over
 * and that block nothing are dropped, then the oldest unlocked ones beyond maxSubjects.
 */
async function pruneLockouts(db: Db, limits: LockoutLimits, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - limits.windowSeconds * 1000);
  await db.authLockout.deleteMany({
    where: { lastFailureAt: { lt: windowStart }, OR: [{ blockedUntil: null }, { blockedUntil: { lte: now } }] },
  });
  const excess = await db.authLockout.findMany({
    where: { lockedAt: null },
    orderBy: [{ lastFailureAt: "desc" }, { id: "asc" }],
    skip: limits.maxSubjects,
    select: { id: true },
  });
  if (excess.length > 0) await db.authLockout.deleteMany({ where: { id: { in: excess.map((row) => row.id) } } });
}

export type LockoutState = "locked" | "slowed" | "counting";

export interface LockoutView {
  id: string;
  kind: LockoutKind;
  subject: string;
  failures: number;
  state: LockoutState;
  windowStart: string;
  lastFailureAt: string;
  blockedUntil: string | null;
  lockedAt: string | null;
}

const LIST_LIMIT = 500;

/** Usernames and client IPs that are locked out, slowed down or have failures in the window. */
export async function listLockouts(db: Db, options: AttemptOptions = {}): Promise<LockoutView[]> {
  const now = options.now ?? new Date();
  const limits = options.limits ?? defaultLimits();
  const rows = await db.authLockout.findMany({
    where: { OR: [{ blockedUntil: { gt: now } }, { lastFailureAt: { gte: new Date(now.getTime() - limits.windowSeconds * 1000) } }] },
    orderBy: [{ lastFailureAt: "desc" }, { id: "asc" }],
    take: LIST_LIMIT,
  });
  return rows.map((row) => {
    const blocking = row.blockedUntil !== null && row.blockedUntil > now;
    return {
      id: row.id,
      kind: row.kind as LockoutKind,
      subject: row.subject,
      failures: row.failures,
      state: blocking ? (row.lockedAt ? "locked" : "slowed") : "counting",
      windowStart: row.windowStart.toISOString(),
      lastFailureAt: row.lastFailureAt.toISOString(),
      blockedUntil: row.blockedUntil?.toISOString() ?? null,
      lockedAt: row.lockedAt?.toISOString() ?? null,
    };
  });
}

/** Forgets a username's or client IP's failures, ending its backoff or lockout. */
export async function clearLockout(db: Db, actor: Actor, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.authLockout.findUnique({ where: { id } });
    if (!row) throw notFound("lockout");
    await tx.authLockout.delete({ where: { id } });
    await recordAudit(tx, {
      actor,
      action: "lockout.cleared",
      targetType: "lockout",
      target: `${row.kind} ${row.subject}`,
      before: { failures: row.failures, blockedUntil: row.blockedUntil, lockedAt: row.lockedAt },
    });
  });
}
