import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./db";
import { acquireLease, leaseHolder, releaseLease } from "./leases";
import { createTestDb, type TestDb } from "./testing/test-db";

let t: TestDb;
/**
 * Another console instance. Several instances share only PostgreSQL, where this is a second
 * client. SQLite serves one instance: a second client in this process would wait for SQLite's
 * file lock synchronously, blocking the very event loop that has to release it.
 */
let other: Db;

beforeAll(async () => {
  t = await createTestDb();
  other = t.provider === "postgresql" ? createDb(t.url) : t.db;
});
afterAll(async () => {
  if (other !== t.db) await other.$disconnect();
  await t.drop();
});

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 23, 12, 0, seconds));
const TTL = 15_000;

describe(`background leases (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("one instance holds a job; the other is refused while the lease runs", async () => {
    expect(await acquireLease(t.db, "sweep", "instance-a", TTL, at(0))).toBe(true);
    expect(await acquireLease(other, "sweep", "instance-b", TTL, at(5))).toBe(false);
    expect(await acquireLease(t.db, "sweep", "instance-a", TTL, at(10))).toBe(true);
    // Renewed at 10 s, so still A's at 20 s.
    expect(await acquireLease(other, "sweep", "instance-b", TTL, at(20))).toBe(false);
    expect(await leaseHolder(t.db, "sweep")).toEqual({ holder: "instance-a", expiresAt: new Date(at(10).getTime() + TTL) });
  });

  it("a holder that stops renewing (killed) loses the job to another instance", async () => {
    expect(await acquireLease(t.db, "downsample", "instance-a", TTL, at(0))).toBe(true);
    expect(await acquireLease(other, "downsample", "instance-b", TTL, at(15))).toBe(true);
    expect(await acquireLease(t.db, "downsample", "instance-a", TTL, at(16))).toBe(false);
    expect((await leaseHolder(t.db, "downsample"))?.holder).toBe("instance-b");
  });

  it("a released lease is free at once", async () => {
    expect(await acquireLease(t.db, "enforce", "instance-a", TTL, at(0))).toBe(true);
    await releaseLease(t.db, "enforce", "instance-a");
    expect(await acquireLease(other, "enforce", "instance-b", TTL, at(1))).toBe(true);
    // Releasing someone else's lease does nothing.
    await releaseLease(t.db, "enforce", "instance-a");
    expect((await leaseHolder(t.db, "enforce"))?.holder).toBe("instance-b");
  });

  it("many instances racing for a free or expired job: exactly one wins each round", async () => {
    for (const round of [0, 20, 40]) {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => acquireLease(i % 2 ? other : t.db, "race", `instance-${round}-${i}`, TTL, at(round))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });
});
