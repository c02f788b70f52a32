import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, type Db } from "./db";
import { leaseHolder } from "./leases";
import type { Logger } from "./log";
import { backgroundLeaseMs, startBackgroundJob } from "./periodic";
import { createTestDb, type TestDb } from "./testing/test-db";

let t: TestDb;
/** A second console instance: its own client on PostgreSQL (see leases.test.ts for SQLite). */
let other: Db;

beforeAll(async () => {
  t = await createTestDb();
  other = t.provider === "postgresql" ? createDb(t.url) : t.db;
});
afterAll(async () => {
  if (other !== t.db) await other.$disconnect();
  await t.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * The database as one instance sees it, until `freeze()`: from then on its lease calls never
 * return, as for a process that was stopped or cut off. It neither renews nor gives anything up.
 */
function freezable(real: Db): { db: Db; freeze: () => void } {
  let frozen = false;
  const leases = new Proxy(real.backgroundLease, {
    get: (delegate, method) => {
      const call = Reflect.get(delegate, method) as unknown;
      if (typeof call !== "function") return call;
      return (...args: unknown[]) => (frozen ? new Promise(() => {}) : Reflect.apply(call, delegate, args));
    },
  });
  const db = new Proxy(real, { get: (client, prop) => (prop === "backgroundLease" ? leases : Reflect.get(client, prop)) });
  return { db, freeze: () => (frozen = true) };
}

/** An instance running `job` under its lease; counts its runs and keeps its log lines. */
function instance(db: Db, holder: string, job: string, intervalMs: number, leaseMs: number) {
  const lines: string[] = [];
  const logger: Logger = { info: (msg) => lines.push(msg), warn: (msg) => lines.push(msg), error: (msg) => lines.push(msg) };
  const state = { runs: 0, lines, stop: async () => {} };
  state.stop = startBackgroundJob(
    db,
    job,
    "test work",
    intervalMs,
    async () => {
      state.runs += 1;
      return null;
    },
    logger,
    { leaseMs, holder },
  );
  return state;
}

describe(`background jobs across instances (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("run on one instance only, and move to another when the holder stops renewing", async () => {
    const dying = freezable(t.db);
    // A lease long enough that a loaded machine's stalls do not lose it, renewed every 100 ms.
    const a = instance(dying.db, "instance-a", "takeover", 100, 3_000);
    await waitFor("instance-a to run the job", () => a.runs >= 1);
    const b = instance(other, "instance-b", "takeover", 100, 3_000);
    await waitFor("a few more runs", () => a.runs >= 6);
    expect(b.runs).toBe(0);
    expect(a.lines).toEqual(["background job taken"]);
    expect((await leaseHolder(t.db, "takeover"))?.holder).toBe("instance-a");

    // The holder dies: it stops renewing without giving the lease up.
    dying.freeze();
    await waitFor("instance-b to take the job over", () => b.runs >= 1);
    const runsOfA = a.runs;
    await waitFor("more runs on instance-b", () => b.runs >= 4);
    expect(a.runs).toBe(runsOfA);
    expect(b.lines).toEqual(["background job taken"]);
    expect((await leaseHolder(t.db, "takeover"))?.holder).toBe("instance-b");
    void a.stop();
    await b.stop();
  });

  it("give their lease up when stopped, so another instance takes over without waiting for it to run out", async () => {
    const a = instance(t.db, "instance-a", "handover", 100, 60_000);
    await waitFor("instance-a to run the job", () => a.runs >= 1);
    const b = instance(other, "instance-b", "handover", 100, 60_000);
    await a.stop();
    expect(await leaseHolder(t.db, "handover")).toBeNull();
    await waitFor("instance-b to take the job over", () => b.runs >= 1);
    expect((await leaseHolder(t.db, "handover"))?.holder).toBe("instance-b");
    await b.stop();
  });

  it("run once per interval, not at every renewal of a shorter lease", async () => {
    const a = instance(t.db, "instance-a", "slow-job", 400, 150);
    await waitFor("the first run", () => a.runs >= 1);
    await sleep(1_000);
    await a.stop();
    // Renewed every 50 ms, run every 400 ms: about three runs in that second, not twenty.
    expect(a.runs).toBeLessThanOrEqual(4);
  });

  it("take their lease from BACKGROUND_LEASE_SECONDS, or three runs of the job", () => {
    vi.stubEnv("BACKGROUND_LEASE_SECONDS", "");
    expect(backgroundLeaseMs(5_000)).toBe(15_000);
    vi.stubEnv("BACKGROUND_LEASE_SECONDS", "4");
    expect(backgroundLeaseMs(60_000)).toBe(4_000);
    vi.stubEnv("BACKGROUND_LEASE_SECONDS", "soon");
    expect(() => backgroundLeaseMs(5_000)).toThrow('BACKGROUND_LEASE_SECONDS must be a whole number of seconds, at least 1; got "soon"');
    vi.unstubAllEnvs();
  });
});
