import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cliActor } from "./actor";
import { createAdmin, signInAdmin } from "./admins";
import { listAuditEvents } from "./audit";
import { authorize } from "./sessions/authority";
import {
  attemptPassword,
  backoffSeconds,
  clearLockout,
  listLockouts,
  LOCKED_OUT,
  lockoutLimits,
  type LockoutLimits,
  type LoginAttempt,
} from "./lockout";
import { registerServer, type ServerView } from "./servers";
import { createDb } from "./db";
import { createTestDb, type TestDb } from "./testing/test-db";
import { createVpnUser, updateVpnUser } from "./vpn-users";

// Counts the scrypt runs behind each answer: a password check costs one, known user or not.
const scryptRuns = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:crypto")>();
  const scrypt = (...args: Parameters<typeof original.scrypt>) => {
    scryptRuns.count++;
    return (original.scrypt as (...a: unknown[]) => void)(...args);
  };
  return { ...original, default: { ...original, scrypt }, scrypt };
});

let t: TestDb;
let server: ServerView;

beforeAll(async () => {
  t = await createTestDb();
  server = (await registerServer(t.db, cliActor(), { name: "edge-lockout", kind: "openvpn" })).server;
  await createVpnUser(t.db, cliActor(), { username: "carol", password: "carol-password" });
  await createVpnUser(t.db, cliActor(), { username: "dora", password: "dora-password" });
  await updateVpnUser(t.db, cliActor(), "dora", { enabled: false });
});
afterAll(async () => {
  await t.drop();
});

const limits: LockoutLimits = {
  ...lockoutLimits({}),
  user: { backoffAfter: 3, lockAfter: 6 },
  ip: { backoffAfter: 8, lockAfter: 12 },
};

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;

/** An attempt whose verify records whether the password was checked at all. */
async function attempt(who: LoginAttempt, right: boolean, now: Date, options: { limits?: LockoutLimits } = {}) {
  let checked = false;
  const outcome = await attemptPassword(
    t.db,
    who,
    async () => {
      checked = true;
      return right;
    },
    { now, limits: options.limits ?? limits },
  );
  return { outcome, checked };
}

describe(`password guessing limits (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  it("reads its limits from the environment, with defaults, and names a malformed variable", () => {
    expect(lockoutLimits({})).toMatchObject({ windowSeconds: 900, lockSeconds: 900, user: { backoffAfter: 3, lockAfter: 10 }, ip: { backoffAfter: 10, lockAfter: 50 } });
    expect(lockoutLimits({ LOCKOUT_USER_LOCK_AFTER: "5" }).user.lockAfter).toBe(5);
    expect(() => lockoutLimits({ LOCKOUT_DURATION_SECONDS: "ten" })).toThrow(/LOCKOUT_DURATION_SECONDS/);
    expect(() => lockoutLimits({ LOCKOUT_IP_LOCK_AFTER: "0" })).toThrow(/LOCKOUT_IP_LOCK_AFTER/);
  });

  it("doubles the backoff with every failure past the threshold, up to the maximum", () => {
    const seconds = [2, 3, 4, 5, 12].map((failures) => backoffSeconds(failures, 3, { ...limits, backoffBaseSeconds: 1, backoffMaxSeconds: 60 }));
    expect(seconds).toEqual([0, 1, 2, 4, 60]);
  });

  it("refuses attempts inside the backoff without checking the password, then locks the username", async () => {
    const who = { username: "guess-target", clientIp: freshIp() };
    for (let i = 0; i < 3; i++) expect(await attempt(who, false, at(0))).toEqual({ outcome: "wrong", checked: true });
    // Third failure: 1 s backoff.
    expect(await attempt(who, true, at(0))).toEqual({ outcome: "refused", checked: false });
    expect(await attempt(who, false, at(1))).toEqual({ outcome: "wrong", checked: true });
    // Fourth failure: 2 s backoff.
    expect(await attempt(who, true, at(2))).toEqual({ outcome: "refused", checked: false });
    expect(await attempt(who, false, at(3))).toEqual({ outcome: "wrong", checked: true });
    expect((await attempt(who, false, at(7))).outcome).toBe("wrong");
    // Sixth failure: locked for lockSeconds, even with the right password.
    expect(await attempt(who, true, at(100))).toEqual({ outcome: "refused", checked: false });
    const [row] = (await listLockouts(t.db, { now: at(100), limits })).filter((l) => l.subject === "guess-target");
    expect(row).toMatchObject({ kind: "user", failures: 6, state: "locked" });
    expect(await attempt(who, true, at(7 + limits.lockSeconds))).toEqual({ outcome: "accepted", checked: true });
  });

  it("clears the username's count on a successful login", async () => {
    const who = { username: "forgetful", clientIp: freshIp() };
    await attempt(who, false, at(0));
    await attempt(who, false, at(0));
    expect((await attempt(who, true, at(0))).outcome).toBe("accepted");
    expect((await listLockouts(t.db, { now: at(0), limits })).some((l) => l.subject === "forgetful")).toBe(false);
    for (let i = 0; i < 2; i++) expect((await attempt(who, false, at(1))).outcome).toBe("wrong");
  });

  it("starts a new count when the window is over", async () => {
    const who = { username: "slow-typist", clientIp: freshIp() };
    for (let i = 0; i < 2; i++) await attempt(who, false, at(0));
    await attempt(who, false, at(limits.windowSeconds + 1));
    const [row] = (await listLockouts(t.db, { now: at(limits.windowSeconds + 1), limits })).filter((l) => l.subject === "slow-typist");
    expect(row).toMatchObject({ failures: 1, state: "counting" });
  });

  it("locks a client IP that guesses across many usernames, with its own higher threshold", async () => {
    const clientIp = freshIp();
    for (let i = 0; i < 12; i++) {
      const { outcome } = await attempt({ username: `spray-${i}`, clientIp }, false, at(0));
      expect(outcome).toBe(i < 8 ? "wrong" : "refused");
      if (outcome === "refused") break;
    }
    // Backoff for the IP from the 8th failure: attempts for any username wait.
    expect(await attempt({ username: "carol", clientIp }, true, at(0))).toEqual({ outcome: "refused", checked: false });
    // Each further failure doubles the IP's backoff (1, 2, 4, 8 s); the 12th locks it.
    for (const [i, second] of [2, 5, 10, 20].entries()) {
      expect((await attempt({ username: `spray-${8 + i}`, clientIp }, false, at(second))).outcome).toBe("wrong");
    }
    const ip = (await listLockouts(t.db, { now: at(20), limits })).find((l) => l.kind === "ip" && l.subject === clientIp);
    expect(ip).toMatchObject({ failures: 12, state: "locked" });
  });

  it("counts every one of many concurrent failures, and a burst meets its own backoff", async () => {
    const who = { username: "burst-target", clientIp: freshIp() };
    const wide = { ...limits, user: { backoffAfter: 1000, lockAfter: 1000 }, ip: { backoffAfter: 1000, lockAfter: 1000 } };
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => attempt(who, false, at(0), { limits: wide })));
    expect(outcomes.every((o) => o.outcome === "wrong")).toBe(true);
    const rows = await listLockouts(t.db, { now: at(0), limits: wide });
    expect(rows.find((l) => l.kind === "user" && l.subject === "burst-target")?.failures).toBe(20);
    expect(rows.find((l) => l.kind === "ip" && l.subject === who.clientIp)?.failures).toBe(20);

    // With the default thresholds, a parallel burst gets only the attempts before the backoff.
    const burst = { username: "burst-limited", clientIp: freshIp() };
    const limited = await Promise.all(Array.from({ length: 20 }, () => attempt(burst, false, at(0))));
    expect(limited.filter((o) => o.checked)).toHaveLength(limits.user.backoffAfter);
    expect(limited.filter((o) => o.outcome === "refused")).toHaveLength(20 - limits.user.backoffAfter);
  });

  it("loses no failure when console instances count the same username at once, and locks at the threshold exactly", async () => {
    // On PostgreSQL a second client stands for a second console instance. A SQLite file has one
    // console process: two synchronous clients in one process would wait on each other's locks.
    const other = t.provider === "postgresql" ? createDb(t.url) : t.db;
    try {
      const instances = [t.db, other];
      const who = { username: "two-instances", clientIp: freshIp() };
      const wide = { ...limits, user: { backoffAfter: 1000, lockAfter: 1000 }, ip: { backoffAfter: 1000, lockAfter: 1000 } };
      const race = (count: number, racing: LockoutLimits, target: LoginAttempt) =>
        Promise.all(
          Array.from({ length: count }, (_, i) => {
            let checked = false;
            const outcome = attemptPassword(instances[i % 2] as typeof t.db, target, async () => ((checked = true), false), { now: at(0), limits: racing });
            return outcome.then((o) => ({ outcome: o, checked }));
          }),
        );
      await race(30, wide, who);
      const rows = await listLockouts(t.db, { now: at(0), limits: wide });
      expect(rows.find((l) => l.kind === "user" && l.subject === who.username)?.failures).toBe(30);

      // A race across the lock threshold: exactly lockAfter attempts are checked, the rest refused.
      const target = { username: "two-instances-lock", clientIp: freshIp() };
      const tight = { ...limits, user: { backoffAfter: 1000, lockAfter: 5 }, ip: { backoffAfter: 1000, lockAfter: 1000 } };
      const outcomes = await race(30, tight, target);
      expect(outcomes.filter((o) => o.checked)).toHaveLength(5);
      expect(outcomes.filter((o) => o.outcome === "refused")).toHaveLength(25);
      const locked = (await listLockouts(t.db, { now: at(0), limits: tight })).find((l) => l.subject === target.username);
      expect(locked).toMatchObject({ failures: 5, state: "locked" });
    } finally {
      if (other !== t.db) await other.$disconnect();
    }
  });

  it("keeps storage bounded when guesses spread over many unknown usernames", async () => {
    const small = { ...limits, maxSubjects: 100, ip: { backoffAfter: 10_000, lockAfter: 10_000 } };
    const clientIp = freshIp();
    for (let i = 0; i < 150; i++) await attempt({ username: `random-${i}`, clientIp }, false, at(2000 + i), { limits: small });
    const random = await t.db.authLockout.count({ where: { subject: { startsWith: "random-" } } });
    expect(random).toBeLessThanOrEqual(100);
    expect(await t.db.authLockout.count({ where: { subject: "random-149" } })).toBe(1);
  });
});

describe(`lockouts through the auth hook (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  const login = (username: string, password: string, clientIp: string, now: Date) =>
    authorize(t.db, server, { username, password, client_ip: clientIp, session_id: undefined }, now);

  it("answers a locked-out known user exactly like an unknown one", async () => {
    const answers: Record<string, string[]> = {};
    for (const username of ["carol", "nobody-here"]) {
      const clientIp = freshIp();
      answers[username] = [];
      for (let i = 0; i < 14; i++) {
        const decision = await login(username, `guess-${i}`, clientIp, at(3000 + i * 70));
        answers[username].push(decision.allow ? "allow" : decision.reason);
      }
    }
    expect(answers.carol).toEqual(answers["nobody-here"]);
    expect(answers.carol).toContain(LOCKED_OUT);
    // Backoffs (at most 60 s) have passed between attempts; locked: even the right password is refused, with the same answer.
    expect(await login("carol", "carol-password", freshIp(), at(3000 + 14 * 70))).toEqual({ allow: false, reason: LOCKED_OUT });
  });

  it("lets the right password in after an admin clears the lockout, and audits the clearing", async () => {
    const now = at(3000 + 14 * 70);
    const row = (await listLockouts(t.db, { now })).find((l) => l.kind === "user" && l.subject === "carol");
    expect(row?.state).toBe("locked");
    await clearLockout(t.db, cliActor(), row?.id ?? "");
    expect(await login("carol", "carol-password", freshIp(), now)).toMatchObject({ allow: true });
    const audit = await listAuditEvents(t.db, { action: "lockout.cleared", page: 1, pageSize: 10 });
    expect(audit.events[0]).toMatchObject({ target: "user carol", before: { failures: 10 } });
    await expect(clearLockout(t.db, cliActor(), row?.id ?? "")).rejects.toMatchObject({ code: "not_found" });
  });

  it("costs a known, a disabled and an unknown user the same password hash, and answers them alike", async () => {
    const answers: Record<string, { reasons: string[]; hashes: number[] }> = {};
    for (const username of ["carol", "dora", "nobody-at-all"]) {
      const clientIp = freshIp();
      answers[username] = { reasons: [], hashes: [] };
      // Wrong passwords into the backoff, then the lockout (6 s apart: past every backoff but the lock).
      for (let i = 0; i < 12; i++) {
        const before = scryptRuns.count;
        const decision = await login(username, `wrong-${i}`, clientIp, at(6000 + i * 70));
        answers[username].reasons.push(decision.allow ? "allow" : decision.reason);
        answers[username].hashes.push(scryptRuns.count - before);
      }
    }
    expect(answers.dora).toEqual(answers["nobody-at-all"]);
    expect(answers.carol).toEqual(answers["nobody-at-all"]);
    // Each checked attempt cost one hash; each refused one (locked out) none, for all three alike.
    expect(answers.carol?.hashes).toEqual(answers.carol?.reasons.map((reason) => (reason === LOCKED_OUT ? 0 : 1)));
    expect(answers.carol?.reasons.slice(-2)).toEqual([LOCKED_OUT, LOCKED_OUT]);
  });

  it("tells a disabled user so only after the right password", async () => {
    const clientIp = freshIp();
    expect(await login("dora", "not-doras-password", clientIp, at(9000))).toEqual({ allow: false, reason: "unknown user or wrong password" });
    expect(await login("dora", "dora-password", clientIp, at(9000))).toEqual({ allow: false, reason: "user is disabled" });
  });
});

describe(`lockouts at the console's sign-in (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  const outcome = (answer: Awaited<ReturnType<typeof signInAdmin>>) => (answer === "refused" ? answer : answer ? `signed in as ${answer.username}` : "wrong");

  beforeAll(async () => {
    await createAdmin(t.db, cliActor(), { username: "erin", password: "erin-password-1", role: "admin" });
  });

  it("locks a console account out like a VPN user, answers an unknown account alike, and counts apart from the VPN's", async () => {
    const answers: Record<string, string[]> = {};
    for (const username of ["erin", "nobody-console"]) {
      const clientIp = freshIp();
      answers[username] = [];
      for (let i = 0; i < 12; i++) answers[username].push(outcome(await signInAdmin(t.db, { username, password: `guess-${i}`, clientIp }, at(12000 + i * 70))));
    }
    expect(answers.erin).toEqual(answers["nobody-console"]);
    expect(answers.erin?.slice(-2)).toEqual(["refused", "refused"]);
    const now = at(12000 + 12 * 70);
    // Locked: the right password is refused too, from any address.
    expect(await signInAdmin(t.db, { username: "erin", password: "erin-password-1", clientIp: freshIp() }, now)).toBe("refused");
    const lockouts = await listLockouts(t.db, { now });
    const erin = lockouts.find((l) => l.kind === "admin" && l.subject === "erin");
    expect(erin).toMatchObject({ state: "locked" });
    expect(lockouts.some((l) => l.kind === "user" && l.subject === "erin")).toBe(false);
    // A VPN user of the same name is not held by the console account's lockout.
    expect((await attempt({ username: "erin", clientIp: freshIp() }, true, now)).outcome).toBe("accepted");

    await clearLockout(t.db, cliActor(), erin?.id ?? "");
    expect(outcome(await signInAdmin(t.db, { username: "erin", password: "erin-password-1", clientIp: freshIp() }, now))).toBe("signed in as erin");
  });

  it("slows down one address guessing many console accounts, not the others", async () => {
    const guesser = freshIp();
    const { ip } = lockoutLimits(process.env);
    for (let i = 0; i < ip.backoffAfter; i++) {
      expect(await signInAdmin(t.db, { username: `spray-${i}`, password: "guess", clientIp: guesser }, at(14000))).toBeNull();
    }
    expect(await signInAdmin(t.db, { username: "erin", password: "erin-password-1", clientIp: guesser }, at(14000))).toBe("refused");
    expect(await listLockouts(t.db, { now: at(14000) })).toContainEqual(expect.objectContaining({ kind: "admin-ip", subject: guesser, state: "slowed" }));
    expect(outcome(await signInAdmin(t.db, { username: "erin", password: "erin-password-1", clientIp: freshIp() }, at(14000)))).toBe("signed in as erin");
  });
});
