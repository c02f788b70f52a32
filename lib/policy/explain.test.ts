import { describe, expect, it } from "vitest";
import { explainPolicy } from "./explain";
import { BUILTIN_POLICY, POLICY_KEYS, type PolicyValues } from "./fields";

const explain = (overrides: Partial<PolicyValues> = {}) => explainPolicy({ ...BUILTIN_POLICY, ...overrides });

describe("explainPolicy", () => {
  it("explains the built-in policy", () => {
    expect(explain()).toEqual([
      "After 1 d the user must log in again.",
      "A dropped connection can resume without a password for 5 min.",
      "A tunnel that is up keeps its token alive even when it passes no traffic.",
      "Tokens are only accepted from the IP address of the first login.",
      "Tunnels are never disconnected for low traffic.",
      "Server and client check each other every 10 s, and a connection silent for 1 min is declared dead.",
      "Data-channel keys are renegotiated every 1 h, and the session is checked again each time.",
      "A user may hold any number of sessions at once.",
    ]);
  });

  it("changes what it says when any single field changes", () => {
    // A base in which every field matters: threshold on, so enforcement shows too.
    const base: PolicyValues = { ...BUILTIN_POLICY, inactivityWindow: 300, inactivityBytes: 1024, maxSessions: 2 };
    const changed: PolicyValues = {
      sessionLifetime: 28800,
      idleTokenExpiry: 900,
      ipLock: false,
      inactivityWindow: 600,
      inactivityBytes: 2048,
      inactivityEnforced: true,
      networkInactivityDormant: true,
      keepaliveInterval: 20,
      keepaliveTimeout: 120,
      renegotiationInterval: 7200,
      reconnectTokens: false,
      autoLogin: true,
      maxSessions: 3,
      maxSessionsAction: "replace_oldest",
    };
    for (const key of POLICY_KEYS) {
      expect(changed[key], key).not.toEqual(base[key]);
      expect(explainPolicy({ ...base, [key]: changed[key] }), key).not.toEqual(explainPolicy(base));
    }
  });

  it("describes session lifetime, including none", () => {
    expect(explain({ sessionLifetime: 93600 })).toContain("After 1 d 2 h the user must log in again.");
    expect(explain({ sessionLifetime: 0 })).toContain("Sessions have no lifetime limit: a session lasts as long as it is in use.");
  });

  it("describes idle token expiry and network inactivity", () => {
    expect(explain({ idleTokenExpiry: 0 })).toContain(
      "A dropped connection cannot resume without a password: its token expires as soon as no tunnel uses it.",
    );
    expect(explain({ networkInactivityDormant: true })).toContain(
      "A tunnel that is up but passes no traffic counts as unused, so its token also expires after 5 min of silence.",
    );
  });

  it("describes IP lock off", () => {
    expect(explain({ ipLock: false })).toContain(
      "Tokens are accepted from any IP address, so a session can resume after the client's network changes.",
    );
  });

  it("says every reconnect asks for credentials when reconnect tokens are off, and drops token sentences", () => {
    const sentences = explain({ reconnectTokens: false });
    expect(sentences).toContain("No reconnect tokens are issued, so every reconnect asks for credentials.");
    expect(sentences.join(" ")).not.toMatch(/resume without a password|IP address|token alive/);
  });

  it("says auto-login sessions are exempt from lifetime and idle expiry", () => {
    const sentences = explain({ autoLogin: true });
    expect(sentences[0]).toBe(
      "Auto-login is on: sessions never reach a lifetime or idle expiry and stay until disconnected or invalidated.",
    );
    expect(sentences.join(" ")).not.toMatch(/must log in again|resume without a password/);
    expect(sentences).toContain("Tokens are only accepted from the IP address of the first login.");
  });

  it("describes the inactivity threshold, client-side or enforced", () => {
    expect(explain({ inactivityWindow: 300, inactivityBytes: 1024 })).toContain(
      "A tunnel that moves less than 1 KiB (in + out) in 5 min is asked to disconnect; the client may ignore the request.",
    );
    expect(explain({ inactivityWindow: 300, inactivityBytes: 1024, inactivityEnforced: true })).toContain(
      "A tunnel that moves less than 1 KiB (in + out) in 5 min is disconnected by the server.",
    );
    expect(explain({ inactivityWindow: 300, inactivityBytes: 0 })).toContain("Tunnels are never disconnected for low traffic.");
    expect(explain({ inactivityWindow: 0, inactivityBytes: 1024, inactivityEnforced: true })).toContain(
      "Tunnels are never disconnected for low traffic.",
    );
  });

  it("describes keepalive, including off", () => {
    expect(explain({ keepaliveInterval: 0, keepaliveTimeout: 0 })).toContain(
      "No keepalive checks are sent, and a silent connection is never declared dead.",
    );
  });

  it("describes renegotiation off", () => {
    expect(explain({ renegotiationInterval: 0 })).toContain(
      "Data-channel keys are not renegotiated on a timer, so the session is only checked again when a tunnel reconnects.",
    );
  });

  it("describes the session limit and what happens beyond it", () => {
    expect(explain({ maxSessions: 1 })).toContain(
      "A user may hold at most 1 session at once across all servers; a login beyond that is refused.",
    );
    expect(explain({ maxSessions: 2, maxSessionsAction: "replace_oldest" })).toContain(
      "A user may hold at most 2 sessions at once across all servers; a login beyond that revokes the user's oldest session.",
    );
  });
});
