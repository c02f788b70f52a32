"use client";
// /policies/default, /policies/groups/NAME, /policies/users/NAME: one scope's policy. For a user
// it doubles as the effective-policy view: every field's value with where it comes from.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ApiError, errorMessage } from "@/lib/client/api";
import { policyQueries } from "@/lib/client/query-keys";
import { scopeTarget, type PolicyScopeRef } from "@/lib/policy/export";
import { ScopeEditorForm } from "./scope-editor-form";
import { useInheritedValues } from "./use-inherited-values";

function title(ref: PolicyScopeRef): string {
  if (ref.scope === "default") return "DEFAULT policy";
  return ref.scope === "group" ? `Group ${ref.name}` : `User ${ref.name}`;
}

function description(ref: PolicyScopeRef, group: string | null | undefined): ReactNode {
  if (ref.scope === "default") {
    return "Applies to every user whose group and own policy do not set a field. Fields not set here use the built-in defaults.";
  }
  if (ref.scope === "group") {
    return (
      <>
        Overrides for the <Link href={`/users?group=${encodeURIComponent(ref.name)}`}>users in {ref.name}</Link>. Fields
        not set here come from DEFAULT.
      </>
    );
  }
  return (
    <>
      {ref.name}&apos;s own overrides and effective policy. Fields not set here come from{" "}
      {group ? (
        <>
          <Link href={`/policies/groups/${encodeURIComponent(group)}`}>group {group}</Link>, then DEFAULT
        </>
      ) : group === null ? (
        "DEFAULT (the user is in no group)"
      ) : (
        "the user's group, then DEFAULT"
      )}
      .
    </>
  );
}

export function ScopeEditor({ scope }: { scope: PolicyScopeRef }) {
  const view = useQuery(policyQueries.scope(scope));
  const { inherited, group } = useInheritedValues(scope);
  const back = (
    <Link href="/policies" className="btn btn-ghost">
      All policies
    </Link>
  );

  if (scope.scope !== "default" && view.isError && view.error instanceof ApiError && view.error.status === 404) {
    return (
      <div className="stack">
        <PageHeader title={title(scope)} actions={back} />
        <EmptyState title={scope.scope === "group" ? `There is no group ${scope.name}` : `There is no VPN user ${scope.name}`}>
          <p>
            It may have been renamed or deleted. Find it under <Link href="/users">Users &amp; Groups</Link>, or go back
            to <Link href="/policies">all policies</Link>.
          </p>
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="stack">
      <PageHeader title={title(scope)} description={description(scope, group)} actions={back} />
      {view.isError ? (
        <Alert title="The policy could not be loaded">{errorMessage(view.error)}</Alert>
      ) : view.data ? (
        <ScopeEditorForm key={scopeTarget(scope)} scope={scope} view={view.data} inherited={inherited} />
      ) : (
        <p className="muted">Loading the policy…</p>
      )}
    </div>
  );
}
