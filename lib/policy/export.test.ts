import { describe, expect, it } from "vitest";
import { exportPolicies, policyExportSchema, scopeLabel, type ScopedPolicy } from "./export";
import { BUILTIN_POLICY } from "./fields";
import { parseImport } from "./import";

const scopes: ScopedPolicy[] = [
  { scope: "user", name: "alice", values: { sessionLifetime: 3600, ipLock: null, maxSessions: 1 } },
  { scope: "group", name: "contractors", values: { inactivityWindow: 300, inactivityBytes: 100000, autoLogin: false } },
  { scope: "default", values: { ...BUILTIN_POLICY, maxSessionsAction: "replace_oldest" } },
  { scope: "group", name: "auditors", values: {} },
];

describe("exportPolicies", () => {
  it("writes a versioned file: DEFAULT, then groups, then users, by name, with only the fields set", () => {
    const file = exportPolicies(scopes);
    expect(file.format).toBe("session-console/policies");
    expect(file.version).toBe(1);
    expect(file.scopes.map(scopeLabel)).toEqual(["DEFAULT", "group auditors", "group contractors", "user alice"]);
    expect(file.scopes[3]).toEqual({ scope: "user", name: "alice", values: { sessionLifetime: 3600, maxSessions: 1 } });
    expect(file.scopes[2]?.values).toEqual({ inactivityWindow: 300, inactivityBytes: 100000, autoLogin: false });
    expect(Object.keys(file.scopes[0]?.values ?? {})[0]).toBe("sessionLifetime");
  });

  it("does not change its input", () => {
    const copy = structuredClone(scopes);
    exportPolicies(scopes);
    expect(scopes).toEqual(copy);
  });

  it("passes its own schema", () => {
    expect(policyExportSchema.safeParse(JSON.parse(JSON.stringify(exportPolicies(scopes)))).success).toBe(true);
  });
});

describe("policyExportSchema", () => {
  const valid = { format: "session-console/policies", version: 1, scopes: [{ scope: "default", values: { ipLock: false } }] };
  const messages = (file: unknown) => {
    const result = policyExportSchema.safeParse(file);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  };

  it("accepts a valid file", () => {
    expect(messages(valid)).toEqual([]);
  });

  it("rejects another format or version", () => {
    expect(messages({ ...valid, format: "other" })).toEqual(['format: format must be "session-console/policies"']);
    expect(messages({ ...valid, version: 2 })).toEqual(["version: unsupported version: this console reads version 1"]);
  });

  it("rejects bad scopes, names and values", () => {
    expect(messages({ ...valid, scopes: [{ scope: "server", values: {} }] })).toEqual([
      'scopes.0.scope: scope must be "default", "group" or "user"',
    ]);
    expect(messages({ ...valid, scopes: [{ scope: "group", values: {} }] })).toEqual(["scopes.0.name: group name is required"]);
    expect(messages({ ...valid, scopes: [{ scope: "user", name: "bob", values: { sessionLifetime: -1 } }] })).toEqual([
      "scopes.0.values.sessionLifetime: must be at least 0 s",
    ]);
    expect(messages({ ...valid, scopes: [{ scope: "default", values: { idle: 1 } }] })).toEqual([
      'scopes.0.values: unknown policy field "idle"',
    ]);
  });

  it("rejects the same scope twice", () => {
    const twice = { ...valid, scopes: [{ scope: "group", name: "ops", values: {} }, { scope: "group", name: "ops", values: {} }] };
    expect(messages(twice)).toEqual(["scopes.1: group ops appears more than once"]);
  });
});

describe("export -> import", () => {
  it("round-trips through JSON text", () => {
    const file = exportPolicies(scopes);
    const imported = parseImport(JSON.stringify(file, null, 2));
    expect(imported.errors).toEqual([]);
    expect(imported.unknown).toEqual([]);
    expect(imported.detected).toEqual(["session-console"]);
    expect(imported.scopes).toEqual(file.scopes.map((scope) => ({ ...scope, lines: [] })));
    expect(exportPolicies(imported.scopes)).toEqual(file);
  });
});
