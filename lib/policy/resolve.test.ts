import { describe, expect, it } from "vitest";
import { BUILTIN_POLICY, POLICY_KEYS, type PolicyValues } from "./fields";
import { describeSource, effectiveValues, resolvePolicy, type ResolvedPolicy } from "./resolve";

const sources = (resolved: ResolvedPolicy) =>
  Object.fromEntries(POLICY_KEYS.map((key) => [key, describeSource(resolved[key].source)]));

describe("resolvePolicy", () => {
  it("falls back to the built-in defaults when no scope exists", () => {
    const resolved = resolvePolicy({ defaultScope: null, group: null, user: null });
    expect(effectiveValues(resolved)).toEqual(BUILTIN_POLICY);
    for (const key of POLICY_KEYS) expect(resolved[key].source).toEqual({ scope: "builtin" });
  });

  it("takes each field from the nearest scope that sets it: user, group, DEFAULT, built-in", () => {
    const resolved = resolvePolicy({
      defaultScope: { values: { sessionLifetime: 43200, idleTokenExpiry: 600, ipLock: false } },
      group: { name: "contractors", values: { sessionLifetime: 28800, idleTokenExpiry: 120 } },
      user: { name: "alice", values: { sessionLifetime: 3600 } },
    });
    expect(resolved.sessionLifetime).toEqual({ value: 3600, source: { scope: "user", name: "alice" } });
    expect(resolved.idleTokenExpiry).toEqual({ value: 120, source: { scope: "group", name: "contractors" } });
    expect(resolved.ipLock).toEqual({ value: false, source: { scope: "default" } });
    expect(resolved.keepaliveTimeout).toEqual({ value: 60, source: { scope: "builtin" } });
  });

  it("resolves a user with no group from the user, then DEFAULT", () => {
    const resolved = resolvePolicy({
      defaultScope: { values: { maxSessions: 3 } },
      group: null,
      user: { name: "bob", values: { maxSessionsAction: "replace_oldest" } },
    });
    expect(resolved.maxSessions).toEqual({ value: 3, source: { scope: "default" } });
    expect(resolved.maxSessionsAction).toEqual({ value: "replace_oldest", source: { scope: "user", name: "bob" } });
    expect(resolved.renegotiationInterval.source).toEqual({ scope: "builtin" });
  });

  it("passes through a group that sets nothing", () => {
    const resolved = resolvePolicy({
      defaultScope: { values: { keepaliveInterval: 20 } },
      group: { name: "empty", values: {} },
      user: { name: "carol", values: {} },
    });
    expect(resolved.keepaliveInterval).toEqual({ value: 20, source: { scope: "default" } });
    expect(Object.values(resolved).some((field) => field.source.scope === "group" || field.source.scope === "user")).toBe(
      false,
    );
  });

  it("treats null as inherit at every scope", () => {
    const resolved = resolvePolicy({
      defaultScope: { values: { idleTokenExpiry: null, sessionLifetime: 7200 } },
      group: { name: "ops", values: { sessionLifetime: null, ipLock: null } },
      user: { name: "dave", values: { sessionLifetime: null, ipLock: null, maxSessionsAction: null } },
    });
    expect(resolved.sessionLifetime).toEqual({ value: 7200, source: { scope: "default" } });
    expect(resolved.idleTokenExpiry).toEqual({ value: 300, source: { scope: "builtin" } });
    expect(resolved.ipLock).toEqual({ value: true, source: { scope: "builtin" } });
    expect(resolved.maxSessionsAction).toEqual({ value: "deny", source: { scope: "builtin" } });
  });

  it("counts false and 0 as set, not as inherit", () => {
    const resolved = resolvePolicy({
      defaultScope: { values: { sessionLifetime: 86400, reconnectTokens: true, inactivityWindow: 300 } },
      group: { name: "kiosks", values: { sessionLifetime: 0, reconnectTokens: false } },
      user: { name: "erin", values: { inactivityWindow: 0, ipLock: false, maxSessions: 0 } },
    });
    expect(resolved.sessionLifetime).toEqual({ value: 0, source: { scope: "group", name: "kiosks" } });
    expect(resolved.reconnectTokens).toEqual({ value: false, source: { scope: "group", name: "kiosks" } });
    expect(resolved.inactivityWindow).toEqual({ value: 0, source: { scope: "user", name: "erin" } });
    expect(resolved.ipLock).toEqual({ value: false, source: { scope: "user", name: "erin" } });
    expect(resolved.maxSessions).toEqual({ value: 0, source: { scope: "user", name: "erin" } });
  });

  it("lets the user override the group, which overrides DEFAULT, for every field", () => {
    // A distinct value for every field at each scope, so a wrong pick cannot pass by accident.
    const layer = (seed: number): PolicyValues => ({
      sessionLifetime: 1000 + seed,
      idleTokenExpiry: 2000 + seed,
      ipLock: seed % 2 === 0,
      inactivityWindow: 3000 + seed,
      inactivityBytes: 4000 + seed,
      inactivityEnforced: seed % 2 === 0,
      networkInactivityDormant: seed % 2 === 0,
      keepaliveInterval: 5000 + seed,
      keepaliveTimeout: 6000 + seed,
      renegotiationInterval: 7000 + seed,
      reconnectTokens: seed % 2 === 0,
      autoLogin: seed % 2 === 0,
      maxSessions: 10 + seed,
      maxSessionsAction: seed % 2 === 0 ? "replace_oldest" : "deny",
    });
    const defaultScope = { values: layer(1) };
    const group = { name: "g", values: layer(2) };
    const user = { name: "u", values: layer(3) };

    const full = resolvePolicy({ defaultScope, group, user });
    const withoutUser = resolvePolicy({ defaultScope, group, user: null });
    const onlyDefault = resolvePolicy({ defaultScope, group: null, user: null });
    for (const key of POLICY_KEYS) {
      expect(full[key]).toEqual({ value: user.values[key], source: { scope: "user", name: "u" } });
      expect(withoutUser[key]).toEqual({ value: group.values[key], source: { scope: "group", name: "g" } });
      expect(onlyDefault[key]).toEqual({ value: defaultScope.values[key], source: { scope: "default" } });
    }
  });

  it("keeps a scope's missing name out of the source", () => {
    const resolved = resolvePolicy({ defaultScope: null, group: { values: { ipLock: false } }, user: { values: { autoLogin: true } } });
    expect(resolved.ipLock.source).toEqual({ scope: "group" });
    expect(resolved.autoLogin.source).toEqual({ scope: "user" });
  });
});

describe("describeSource", () => {
  it("says where each value came from in the product's words", () => {
    const resolved = resolvePolicy({
      defaultScope: { values: { ipLock: false } },
      group: { name: "contractors", values: { idleTokenExpiry: 60 } },
      user: { name: "alice", values: { sessionLifetime: 60 } },
    });
    expect(sources(resolved)).toMatchObject({
      sessionLifetime: "set on this user",
      idleTokenExpiry: "from group contractors",
      ipLock: "from DEFAULT",
      autoLogin: "built-in default",
    });
    expect(describeSource({ scope: "group" })).toBe("from the user's group");
  });
});
