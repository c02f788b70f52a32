// Background work runs on exactly one console instance at a time. Each job has a lease row; an
// instance runs the job only while it holds the lease, renewing it on every run. If the holder
// dies, its lease runs out and another instance takes the job over. Taking a lease is one
// conditional UPDATE, atomic on SQLite and PostgreSQL alike; no in-process lock is involved.
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Db } from "./db";
import { prismaErrorCode } from "./errors";

/** This process's name as a lease holder: host, pid and a random part (pids are reused). */
export const INSTANCE_ID = `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

/**
 * Takes or renews the lease of `job` for `holder` until now + ttlMs. Returns whether `holder`
 * holds it: true when it was free, expired, or already held by `holder`.
 */
export async function acquireLease(db: Db, job: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const taken = await db.backgroundLease.updateMany({
    where: { job, OR: [{ holder }, { expiresAt: { lte: now } }] },
    data: { holder, expiresAt },
  });
  if (taken.count === 1) return true;
  try {
    await db.backgroundLease.create({ data: { job, holder, expiresAt } });
    return true;
  } catch (error) {
    // Another instance created it first (or holds it): not ours this time.
    if (prismaErrorCode(error) === "P2002") return false;
    throw error;
  }
}

/** Gives the lease up at once (on shutdown), so another instance need not wait for it to expire. */
export async function releaseLease(db: Db, job: string, holder: string): Promise<void> {
  await db.backgroundLease.deleteMany({ where: { job, holder } });
}

export async function leaseHolder(db: Db, job: string): Promise<{ holder: string; expiresAt: Date } | null> {
  return db.backgroundLease.findUnique({ where: { job }, select: { holder: true, expiresAt: true } });
}
