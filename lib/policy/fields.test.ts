import { describe, expect, expectTypeOf, it } from "vitest";
import {
  BUILTIN_POLICY,
  MAX_BYTES,
  MAX_DURATION_SECONDS,
  POLICY_FIELDS,
  POLICY_KEYS,
  isPolicyKey,
  policyField,
  policyPatchSchema,
  type PolicyOverrides,
  type PolicyPatch,
} from "./fields";

const issues = (body: unknown) => {
  const result = policyPatchSchema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
};

describe("POLICY_FIELDS", () => {
  it("lists every field once, in the product's order", () => {
    expect(POLICY_KEYS).toEqual([
      "sessionLifetime",
      "idleTokenExpiry",
      "ipLock",
      "inactivityWindow",
      "inactivityBytes",
      "inactivityEnforced",
      "networkInactivityDormant",
      "keepaliveInterval",
      "keepaliveTimeout",
      "renegotiationInterval",
      "reconnectTokens",
      "autoLogin",
      "maxSessions",
      "maxSessionsAction",
    ]);
    expect(Object.keys(BUILTIN_POLICY).sort()).toEqual([...POLICY_KEYS].sort());
  });

  it("carries the built-in defaults of the product", () => {
    expect(BUILTIN_POLICY).toEqual({
      sessionLifetime: 86400,
      idleTokenExpiry: 300,
      ipLock: true,
      inactivityWindow: 0,
      inactivityBytes: 0,
      inactivityEnforced: false,
      networkInactivityDormant: false,
      keepaliveInterval: 10,
      keepaliveTimeout: 60,
      renegotiationInterval: 3600,
      reconnectTokens: true,
      autoLogin: false,
      maxSessions: 0,
      maxSessionsAction: "deny",
    });
    for (const field of POLICY_FIELDS) expect(field.builtin).toBe(BUILTIN_POLICY[field.key]);
  });

  it("gives every field a label, a meaning and, for numbers, limits that admit the default", () => {
    for (const field of POLICY_FIELDS) {
      expect(field.label.length).toBeGreaterThan(0);
      expect(field.meaning).toMatch(/\.$/);
      if (field.kind === "duration" || field.kind === "bytes" || field.kind === "count") {
        expect(field.min).toBe(0);
        expect(field.builtin).toBeGreaterThanOrEqual(field.min);
        expect(field.builtin).toBeLessThanOrEqual(field.max);
      }
    }
    expect(policyField("sessionLifetime")).toMatchObject({ kind: "duration", max: MAX_DURATION_SECONDS });
    expect(policyField("inactivityBytes")).toMatchObject({ kind: "bytes", max: MAX_BYTES });
    expect(policyField("maxSessions")).toMatchObject({ kind: "count", max: 1000 });
    expect(policyField("ipLock").kind).toBe("boolean");
    expect(policyField("maxSessionsAction")).toMatchObject({ kind: "enum", options: ["deny", "replace_oldest"] });
  });

  it("recognises policy keys", () => {
    expect(isPolicyKey("ipLock")).toBe(true);
    expect(isPolicyKey("iplock")).toBe(false);
    expect(isPolicyKey("toString")).toBe(false);
  });
});

describe("policyPatchSchema", () => {
  it("has the shape of PolicyOverrides", () => {
    expectTypeOf<PolicyPatch>().toEqualTypeOf<PolicyOverrides>();
  });

  it("accepts any subset of fields, and null to clear a field back to inherit", () => {
    expect(policyPatchSchema.parse({})).toEqual({});
    const body = {
      sessionLifetime: 0,
      idleTokenExpiry: MAX_DURATION_SECONDS,
      ipLock: false,
      inactivityBytes: MAX_BYTES,
      maxSessions: 1000,
      maxSessionsAction: "replace_oldest",
      keepaliveTimeout: null,
    };
    expect(policyPatchSchema.parse(body)).toEqual(body);
  });

  it("accepts a complete policy", () => {
    expect(policyPatchSchema.parse({ ...BUILTIN_POLICY })).toEqual(BUILTIN_POLICY);
  });

  it("rejects unknown keys by name", () => {
    expect(issues({ sessionLifetme: 60 })).toEqual([{ path: "", message: 'unknown policy field "sessionLifetme"' }]);
    expect(issues({ a: 1, b: 2, ipLock: true })).toEqual([{ path: "", message: 'unknown policy fields "a", "b"' }]);
  });

  it("rejects a body that is not an object", () => {
    expect(issues([1])).toEqual([{ path: "", message: "policy must be an object of fields" }]);
    expect(issues(null)).toHaveLength(1);
  });

  it.each([
    ["sessionLifetime", -1, "must be at least 0 s"],
    ["sessionLifetime", 1.5, "must be a whole number of seconds"],
    ["sessionLifetime", "300", "must be a whole number of seconds"],
    ["sessionLifetime", MAX_DURATION_SECONDS + 1, "must be at most 315360000 s (10 years)"],
    ["idleTokenExpiry", Number.NaN, "must be a whole number of seconds"],
    ["keepaliveInterval", Number.POSITIVE_INFINITY, "must be a whole number of seconds"],
    ["inactivityBytes", MAX_BYTES + 1, "must be at most 2147483647 bytes"],
    ["inactivityBytes", -5, "must be at least 0 bytes"],
    ["maxSessions", 1001, "must be at most 1000"],
    ["maxSessions", 2.5, "must be a whole number"],
    ["ipLock", "yes", "must be true or false"],
    ["autoLogin", 1, "must be true or false"],
    ["maxSessionsAction", "kick", 'must be one of "deny", "replace_oldest"'],
  ])("rejects %s = %j naming the field and the limit", (field, value, message) => {
    expect(issues({ [field]: value })).toEqual([{ path: field, message }]);
  });

  it("reports every invalid field at once", () => {
    const found = issues({ sessionLifetime: -1, maxSessions: 5000, ipLock: "x" });
    expect(found.map((issue) => issue.path).sort()).toEqual(["ipLock", "maxSessions", "sessionLifetime"]);
  });
});

describe("zero labels", () => {
  it("name what 0 means exactly for the fields whose meaning says 0 is special", () => {
    for (const field of POLICY_FIELDS) {
      if (field.kind === "boolean" || field.kind === "enum") continue;
      expect(field.zero !== undefined, field.key).toBe(/\b0 = /.test(field.meaning));
    }
    expect(policyField("sessionLifetime")).toMatchObject({ zero: "none" });
    expect(policyField("maxSessions")).toMatchObject({ zero: "unlimited" });
    expect(policyField("idleTokenExpiry")).not.toHaveProperty("zero");
  });
});
