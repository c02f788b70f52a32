"use client";
// What each field of a scope would be if the scope did not set it: DEFAULT inherits the
// built-in defaults, a group inherits DEFAULT, a user inherits their group (or DEFAULT without
// one). Needed to show what "Clear" leads to before it is saved.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { policyQueries, vpnUserDetailQuery } from "@/lib/client/query-keys";
import type { ScopePolicyView } from "@/lib/policies";
import type { PolicyScopeRef } from "@/lib/policy/export";
import { BUILTIN_POLICY, POLICY_KEYS } from "@/lib/policy/fields";
import { describeSource } from "@/lib/policy/resolve";
import type { InheritedValues } from "./use-policy-draft";

// Object.fromEntries over POLICY_KEYS gives every key; its type just cannot say so.
function fromBuiltin(): InheritedValues {
  const source = describeSource({ scope: "builtin" });
  return Object.fromEntries(POLICY_KEYS.map((key) => [key, { value: BUILTIN_POLICY[key], source }])) as InheritedValues;
}

function fromView(view: ScopePolicyView): InheritedValues {
  return Object.fromEntries(
    POLICY_KEYS.map((key) => [key, { value: view.fields[key].effective, source: view.fields[key].sourceLabel }]),
  ) as InheritedValues;
}

export interface Inheritance {
  inherited: InheritedValues | null;
  /** The user's group; undefined while loading or for other scopes. */
  group: string | null | undefined;
}

export function useInheritedValues(ref: PolicyScopeRef): Inheritance {
  const member = useQuery({ ...vpnUserDetailQuery(ref.scope === "user" ? ref.name : ""), enabled: ref.scope === "user" });
  const group = ref.scope === "user" ? member.data?.user.group : undefined;
  const parent: PolicyScopeRef | null =
    ref.scope === "default" ? null : ref.scope === "group" || group === null ? { scope: "default" } : group ? { scope: "group", name: group } : null;
  const parentView = useQuery({ ...policyQueries.scope(parent ?? { scope: "default" }), enabled: parent !== null });
  const data = parentView.data;
  const known = parent !== null;
  const inherited = useMemo(
    () => (ref.scope === "default" ? fromBuiltin() : known && data ? fromView(data) : null),
    [ref.scope, known, data],
  );
  return { inherited, group };
}
