// The console's own policy file: what an admin downloads to back up or copy policies, and what
// import.ts reads back. Versioned so that a later format can still read this one.
import { z } from "zod";
import { nameSchema } from "../validation/common";
import { POLICY_KEYS, policyPatchSchema, type PolicyOverrides } from "./fields";

export const POLICY_EXPORT_FORMAT = "session-console/policies";
export const POLICY_EXPORT_VERSION = 1;

export type PolicyScopeRef = { scope: "default" } | { scope: "group"; name: string } | { scope: "user"; name: string };

export type ScopedPolicy = PolicyScopeRef & { values: PolicyOverrides };

export interface PolicyExport {
  format: typeof POLICY_EXPORT_FORMAT;
  version: typeof POLICY_EXPORT_VERSION;
  scopes: ScopedPolicy[];
}

const scopeSchema = z.discriminatedUnion(
  "scope",
  [
    z.strictObject({ scope: z.literal("default"), values: policyPatchSchema }),
    z.strictObject({ scope: z.literal("group"), name: nameSchema("group name"), values: policyPatchSchema }),
    z.strictObject({ scope: z.literal("user"), name: nameSchema("user name"), values: policyPatchSchema }),
  ],
  { error: 'scope must be "default", "group" or "user"' },
);

/** "DEFAULT", "group contractors", "user alice": how messages name a scope. */
export const scopeLabel = (ref: PolicyScopeRef): string => (ref.scope === "default" ? "DEFAULT" : `${ref.scope} ${ref.name}`);

/** The audit target of a scope's policy events: "DEFAULT", "group:NAME", "user:NAME". */
export const scopeTarget = (ref: PolicyScopeRef): string => (ref.scope === "default" ? "DEFAULT" : `${ref.scope}:${ref.name}`);

export const policyExportSchema = z
  .object({
    format: z.literal(POLICY_EXPORT_FORMAT, { error: `format must be "${POLICY_EXPORT_FORMAT}"` }),
    version: z.literal(POLICY_EXPORT_VERSION, {
      error: `unsupported version: this console reads version ${POLICY_EXPORT_VERSION}`,
    }),
    scopes: z.array(scopeSchema, { error: "scopes must be a list" }),
  })
  .superRefine((file, ctx) => {
    // Two entries for one scope would make the import order decide silently.
    const seen = new Set<string>();
    file.scopes.forEach((scope, index) => {
      const key = scopeLabel(scope);
      if (seen.has(key)) {
        ctx.addIssue({ code: "custom", path: ["scopes", index], message: `${key} appears more than once` });
      }
      seen.add(key);
    });
  });

const SCOPE_ORDER: Record<PolicyScopeRef["scope"], number> = { default: 0, group: 1, user: 2 };

function compareScopes(a: PolicyScopeRef, b: PolicyScopeRef): number {
  const byScope = SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope];
  if (byScope !== 0) return byScope;
  const nameA = a.scope === "default" ? "" : a.name;
  const nameB = b.scope === "default" ? "" : b.name;
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
}

/** Only the fields a scope sets, in field order: unset ones inherit and need no entry. */
function setFields(values: PolicyOverrides): PolicyOverrides {
  const entries = POLICY_KEYS.flatMap((key) => {
    const value = values[key];
    return value === null || value === undefined ? [] : [[key, value] as const];
  });
  // Each entry keeps the value of its own key.
  return Object.fromEntries(entries) as PolicyOverrides;
}

function scopeRef(scope: PolicyScopeRef): PolicyScopeRef {
  return scope.scope === "default" ? { scope: "default" } : { scope: scope.scope, name: scope.name };
}

/** DEFAULT first, then groups, then users, each by name: a stable file that diffs well. */
export function exportPolicies(scopes: readonly ScopedPolicy[]): PolicyExport {
  return {
    format: POLICY_EXPORT_FORMAT,
    version: POLICY_EXPORT_VERSION,
    scopes: [...scopes].sort(compareScopes).map((scope) => ({ ...scopeRef(scope), values: setFields(scope.values) })),
  };
}
