import { describe, expect, it } from "vitest";
import { policyAdvice, type PolicyAdvice, type PolicyAdviceCode, type PolicyAdviceOptions } from "./advice";
import { BUILTIN_POLICY, type PolicyValues } from "./fields";

const policy = (overrides: Partial<PolicyValues> = {}): PolicyValues => ({ ...BUILTIN_POLICY, ...overrides });

const advise = (overrides: Partial<PolicyValues>, options?: PolicyAdviceOptions) => policyAdvice(policy(overrides), options);

const codes = (advice: PolicyAdvice[]) => advice.map((item) => item.code);

const only = (advice: PolicyAdvice[], code: PolicyAdviceCode) => {
  const found = advice.filter((item) => item.code === code);
  expect(found).toHaveLength(1);
  const [item] = found;
  if (!item) throw new Error(`no ${code}`);
  return item;
};

const threshold = { inactivityWindow: 300, inactivityBytes: 100_000 };

describe("policyAdvice", () => {
  it("has nothing to say about the built-in defaults", () => {
    expect(policyAdvice(BUILTIN_POLICY)).toEqual([]);
  });

  it("every message is one sentence", () => {
    const advice = advise(
      { keepaliveTimeout: 600, idleTokenExpiry: 600, sessionLifetime: 500, renegotiationInterval: 400, inactivityWindow: 60, inactivityEnforced: true },
      { observed: { idleBytesPerWindowP95: 1, activeBytesPerWindowP5: 1 } },
    );
    expect(advice.length).toBeGreaterThan(3);
    for (const item of advice) {
      expect(item.message).toMatch(/^[A-Z].*\.$/);
      expect(item.message).not.toMatch(/[.!?]\s+[A-Z]/);
    }
  });

  describe("keepalive timeout against idle token expiry", () => {
    it("fires when a dead connection is noticed only after the token expired", () => {
      const item = only(advise({ keepaliveTimeout: 600, idleTokenExpiry: 300 }), "keepalive-timeout-not-below-idle-expiry");
      expect(item.fields).toEqual(["keepaliveTimeout", "idleTokenExpiry"]);
      expect(item.message).toContain("only declared dead after the keepalive timeout of 10 min");
      expect(item.message).toContain("already passed its idle expiry of 5 min");
      expect(item.message).toContain("must log in again");
    });

    it("fires when both are equal", () => {
      const item = only(advise({ keepaliveTimeout: 300, idleTokenExpiry: 300 }), "keepalive-timeout-not-below-idle-expiry");
      expect(item.message).toContain("just passed");
    });

    it.each([
      ["timeout below expiry", { keepaliveTimeout: 299, idleTokenExpiry: 300 }],
      ["keepalive timeout off", { keepaliveTimeout: 0, idleTokenExpiry: 0 }],
      ["no reconnect tokens", { keepaliveTimeout: 600, reconnectTokens: false }],
      ["auto-login", { keepaliveTimeout: 600, autoLogin: true }],
    ])("does not fire with %s", (_, overrides) => {
      expect(codes(advise(overrides))).not.toContain("keepalive-timeout-not-below-idle-expiry");
    });
  });

  describe("session lifetime against renegotiation interval", () => {
    it("fires when expiry has to wait for the next renegotiation, saying for how long", () => {
      const item = only(advise({ sessionLifetime: 86400, renegotiationInterval: 7000 }), "lifetime-not-multiple-of-renegotiation");
      expect(item.fields).toEqual(["sessionLifetime", "renegotiationInterval"]);
      // 86400 = 12 × 7000 + 2400, so the 13th renegotiation is 4600 s after the lifetime.
      expect(item.message).toContain("stays up 1 h 16 min 40 s past its lifetime");
    });

    it.each([
      ["an exact multiple", { sessionLifetime: 86400, renegotiationInterval: 21600 }],
      ["the defaults (24 × 1 h)", {}],
      ["no lifetime", { sessionLifetime: 0, renegotiationInterval: 7000 }],
      ["no timed renegotiation", { sessionLifetime: 86400, renegotiationInterval: 0 }],
      ["auto-login", { sessionLifetime: 86400, renegotiationInterval: 7000, autoLogin: true }],
    ])("does not fire for %s", (_, overrides) => {
      expect(codes(advise(overrides))).not.toContain("lifetime-not-multiple-of-renegotiation");
    });
  });

  describe("session lifetime against idle token expiry", () => {
    it("fires when the lifetime always ends the session first", () => {
      const item = only(
        advise({ sessionLifetime: 600, idleTokenExpiry: 900, renegotiationInterval: 600 }),
        "lifetime-not-longer-than-idle-expiry",
      );
      expect(item.fields).toEqual(["sessionLifetime", "idleTokenExpiry"]);
      expect(item.message).toContain("idle expiry never takes effect");
    });

    it("fires when they are equal", () => {
      expect(codes(advise({ sessionLifetime: 600, idleTokenExpiry: 600, renegotiationInterval: 600 }))).toContain(
        "lifetime-not-longer-than-idle-expiry",
      );
    });

    it.each([
      ["a longer lifetime", { sessionLifetime: 601, idleTokenExpiry: 600 }],
      ["no lifetime", { sessionLifetime: 0, idleTokenExpiry: 600 }],
      ["no reconnect tokens", { sessionLifetime: 60, reconnectTokens: false }],
      ["auto-login", { sessionLifetime: 60, autoLogin: true }],
    ])("does not fire with %s", (_, overrides) => {
      expect(codes(advise(overrides))).not.toContain("lifetime-not-longer-than-idle-expiry");
    });
  });

  describe("absurd values", () => {
    const yearAndADay = 366 * 86400;

    it("says a lifetime of years disables the limit and points to auto-login", () => {
      const advice = advise({ sessionLifetime: yearAndADay, renegotiationInterval: 86400 });
      const item = only(advice, "limit-effectively-disabled");
      expect(item.fields).toEqual(["sessionLifetime"]);
      expect(item.message).toContain("366 d effectively disables the limit");
      expect(item.message).toContain("auto-login");
    });

    it("says an idle expiry of years disables idle expiry", () => {
      const advice = advise({ idleTokenExpiry: yearAndADay, sessionLifetime: 0 });
      const item = only(advice, "limit-effectively-disabled");
      expect(item.fields).toEqual(["idleTokenExpiry"]);
      expect(item.message).toContain("auto-login");
    });

    it("does not fire at a year or with auto-login already on", () => {
      expect(codes(advise({ sessionLifetime: 365 * 86400, renegotiationInterval: 86400 }))).not.toContain(
        "limit-effectively-disabled",
      );
      expect(codes(advise({ sessionLifetime: yearAndADay, autoLogin: true }))).not.toContain("limit-effectively-disabled");
      expect(codes(advise({ idleTokenExpiry: yearAndADay, sessionLifetime: 0, reconnectTokens: false }))).not.toContain(
        "limit-effectively-disabled",
      );
    });
  });

  describe("inactivity threshold", () => {
    it("fires for a window without bytes", () => {
      const item = only(advise({ inactivityWindow: 300 }), "inactivity-window-without-bytes");
      expect(item.message).toContain("5 min without a byte threshold never disconnects anything");
    });

    it("fires for bytes without a window", () => {
      const item = only(advise({ inactivityBytes: 100_000 }), "inactivity-bytes-without-window");
      expect(item.message).toContain("97.66 KiB without a window never disconnects anything");
    });

    it("fires for enforcement without a threshold, but not with one", () => {
      expect(only(advise({ inactivityEnforced: true }), "inactivity-enforced-without-threshold").fields).toContain(
        "inactivityEnforced",
      );
      expect(codes(advise({ inactivityEnforced: true, inactivityWindow: 300 }))).toContain(
        "inactivity-enforced-without-threshold",
      );
      expect(advise({ inactivityEnforced: true, ...threshold })).toEqual([]);
    });

    it("is quiet for a complete threshold or none", () => {
      expect(advise(threshold)).toEqual([]);
      expect(advise({ inactivityWindow: 0, inactivityBytes: 0 })).toEqual([]);
    });
  });

  describe("auto-login", () => {
    it("says lifetime and idle expiry do not apply", () => {
      const item = only(advise({ autoLogin: true }), "auto-login-exempt");
      expect(item.fields).toEqual(["autoLogin", "sessionLifetime", "idleTokenExpiry"]);
      expect(item.message).toContain("do not apply");
    });

    it("is quiet when auto-login is off", () => {
      expect(codes(advise({ autoLogin: false }))).not.toContain("auto-login-exempt");
    });
  });

  describe("observed traffic", () => {
    it("warns when idle tunnels move at least the threshold", () => {
      const advice = advise(threshold, { observed: { idleBytesPerWindowP95: 150_000 } });
      const item = only(advice, "inactivity-threshold-below-idle-traffic");
      expect(item.message).toContain("Idle tunnels move up to 146.48 KiB per 5 min");
      expect(item.message).toContain("set the threshold just above 146.48 KiB");
      expect(codes(advise(threshold, { observed: { idleBytesPerWindowP95: 100_000 } }))).toContain(
        "inactivity-threshold-below-idle-traffic",
      );
    });

    it("warns when active tunnels move less than the threshold", () => {
      const item = only(
        advise(threshold, { observed: { activeBytesPerWindowP5: 99_999 } }),
        "inactivity-threshold-above-active-traffic",
      );
      expect(item.message).toContain("tunnels in active use gets disconnected");
    });

    it("is quiet when the threshold sits between idle and active traffic", () => {
      expect(advise(threshold, { observed: { idleBytesPerWindowP95: 50_000, activeBytesPerWindowP5: 100_000 } })).toEqual([]);
    });

    it("can warn both ways when idle and active traffic overlap", () => {
      const advice = advise(threshold, { observed: { idleBytesPerWindowP95: 200_000, activeBytesPerWindowP5: 20_000 } });
      expect(codes(advice)).toEqual(["inactivity-threshold-below-idle-traffic", "inactivity-threshold-above-active-traffic"]);
    });

    it("says nothing about traffic while the threshold is off or the data is missing", () => {
      const observed = { idleBytesPerWindowP95: 200_000, activeBytesPerWindowP5: 20_000 };
      expect(advise({}, { observed })).toEqual([]);
      expect(advise(threshold, { observed: {} })).toEqual([]);
      expect(advise(threshold, { observed: { idleBytesPerWindowP95: Number.NaN } })).toEqual([]);
      expect(advise(threshold)).toEqual([]);
    });
  });
});
