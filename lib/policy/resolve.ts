// A user's effective policy: each field from the nearest scope that sets it (user, then the
// user's group, then DEFAULT, then the built-in default), with where it came from.
import { BUILTIN_POLICY, POLICY_KEYS, type PolicyKey, type PolicyOverrides, type PolicyValues } from "./fields";

export type PolicySource =
  | { scope: "user"; name?: string }
  | { scope: "group"; name?: string }
  | { scope: "default" }
  | { scope: "builtin" };

export interface PolicyScopeInput {
  name?: string;
  values: PolicyOverrides;
}

export interface ResolvePolicyInput {
  defaultScope: PolicyScopeInput | null;
  group: PolicyScopeInput | null;
  user: PolicyScopeInput | null;
}

export interface ResolvedField<T> {
  value: T;
  source: PolicySource;
}

export type ResolvedPolicy = { [K in PolicyKey]: ResolvedField<PolicyValues[K]> };

interface Layer {
  values: PolicyOverrides;
  source: PolicySource;
}

function layers({ defaultScope, group, user }: ResolvePolicyInput): Layer[] {
  const chain: Layer[] = [];
  if (user) chain.push({ values: user.values, source: withName("user", user.name) });
  if (group) chain.push({ values: group.values, source: withName("group", group.name) });
  if (defaultScope) chain.push({ values: defaultScope.values, source: { scope: "default" } });
  return chain;
}

function withName(scope: "user" | "group", name: string | undefined): PolicySource {
  return name === undefined ? { scope } : { scope, name };
}

function resolveField<K extends PolicyKey>(key: K, chain: readonly Layer[]): ResolvedField<PolicyValues[K]> {
  for (const layer of chain) {
    // null and absent both mean "inherit"; false and 0 are real settings.
    const value = layer.values[key];
    if (value !== null && value !== undefined) return { value, source: layer.source };
  }
  return { value: BUILTIN_POLICY[key], source: { scope: "builtin" } };
}

export function resolvePolicy(input: ResolvePolicyInput): ResolvedPolicy {
  const chain = layers(input);
  const entries = POLICY_KEYS.map((key) => [key, resolveField(key, chain)]);
  // Object.fromEntries loses the per-key types that resolveField guarantees.
  return Object.fromEntries(entries) as ResolvedPolicy;
}

export function effectiveValues(resolved: ResolvedPolicy): PolicyValues {
  const entries = POLICY_KEYS.map((key) => [key, resolved[key].value]);
  // Same per-key guarantee as above: each value is the one resolved for its own key.
  return Object.fromEntries(entries) as PolicyValues;
}

/** "set on this user", "from group contractors", "from DEFAULT", "built-in default". */
export function describeSource(source: PolicySource): string {
  switch (source.scope) {
    case "user":
      return "set on this user";
    case "group":
      return source.name === undefined ? "from the user's group" : `from group ${source.name}`;
    case "default":
      return "from DEFAULT";
    case "builtin":
      return "built-in default";
  }
}
