"use client";
// The editable body of a scope's policy: live warnings, for a user what the policy means for
// their sessions, one row per field, one "Save changes" that sends only what changed, "Clear all
// overrides" and the history.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { useToast } from "@/components/ui/toast";
import { useInvalidatePolicyQueries } from "@/hooks/use-invalidate-policy-queries";
import { useCanChange } from "@/hooks/use-role";
import { apiFetch } from "@/lib/client/api";
import { formErrors } from "@/lib/client/form-errors";
import { policyQueries, policyScopePath } from "@/lib/client/query-keys";
import type { ScopePolicyView } from "@/lib/policies";
import { policyAdvice } from "@/lib/policy/advice";
import { explainPolicy } from "@/lib/policy/explain";
import { scopeLabel, type PolicyScopeRef } from "@/lib/policy/export";
import { POLICY_KEYS, type PolicyPatch } from "@/lib/policy/fields";
import { ClearScopeDialog } from "./clear-scope-dialog";
import { PolicyExplanation } from "./policy-explanation";
import { PolicyFieldRow } from "./policy-field-row";
import { PolicyHistory } from "./policy-history";
import { PolicySaveBar } from "./policy-save-bar";
import { PolicyWarnings } from "./policy-warnings";
import { usePolicyDraft, type InheritedValues } from "./use-policy-draft";
import styles from "./policies.module.css";

export interface ScopeEditorFormProps {
  scope: PolicyScopeRef;
  view: ScopePolicyView;
  inherited: InheritedValues | null;
}

export function ScopeEditorForm({ scope, view, inherited }: ScopeEditorFormProps) {
  const canChange = useCanChange();
  const draft = usePolicyDraft(view, inherited);
  const queryClient = useQueryClient();
  const invalidate = useInvalidatePolicyQueries();
  const toast = useToast();
  const [confirmClear, setConfirmClear] = useState(false);
  const [showInvalid, setShowInvalid] = useState(false);
  const label = scopeLabel(scope);

  const applySaved = (saved: ScopePolicyView) => {
    queryClient.setQueryData(policyQueries.scope(scope).queryKey, saved);
    draft.reset();
    setShowInvalid(false);
    void invalidate();
  };

  const save = useMutation({
    mutationFn: (patch: PolicyPatch) => apiFetch<ScopePolicyView>(policyScopePath(scope), { method: "PUT", json: patch }),
    onSuccess: (saved) => {
      applySaved(saved);
      toast(`Policy of ${label} saved.`);
    },
  });
  const errors = formErrors(save.error, POLICY_KEYS);

  // Leaving the page would drop the edits: let the browser ask first.
  const { dirty } = draft;
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (draft.invalid) {
      setShowInvalid(true);
      event.currentTarget.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    if (draft.dirty) save.mutate(draft.patch);
  };

  const warnings = dirty ? policyAdvice(draft.values) : view.warnings;
  const warned = new Set(warnings.flatMap((warning) => warning.fields));
  const hasOverrides = Object.keys(view.overrides).length > 0;

  return (
    <>
      <PolicyWarnings warnings={warnings} editing={dirty} />
      {view.scope.scope === "user" ? (
        <PolicyExplanation
          username={view.scope.name}
          sentences={dirty ? explainPolicy(draft.values) : view.explanation}
          editing={dirty}
        />
      ) : null}
      <form onSubmit={submit} noValidate className={styles.editorForm}>
        <Card
          title="Fields"
          description="Each field is set here or inherited. Durations take units such as 30 s, 5 min, 8 h or 1 d 2 h; byte counts 100 KB or 64 KiB."
          actions={
            canChange && scope.scope !== "default" ? (
              <Button variant="ghost" className="btn-link-danger" onClick={() => setConfirmClear(true)} disabled={!hasOverrides}>
                Clear all overrides
              </Button>
            ) : null
          }
        >
          <div className={styles.fieldList}>
            {draft.fields.map((state) => (
              <PolicyFieldRow
                key={state.field.key}
                state={state}
                apiError={errors.fields[state.field.key]}
                warned={warned.has(state.field.key)}
                canChange={canChange}
                onEdit={(input) => {
                  save.reset();
                  draft.edit(state.field.key, input);
                }}
                onClear={() => {
                  save.reset();
                  draft.clear(state.field.key);
                }}
              />
            ))}
          </div>
        </Card>
        {canChange ? (
          <PolicySaveBar
            changes={draft.fields.filter((state) => state.dirty).length}
            pending={save.isPending}
            error={showInvalid && draft.invalid ? "Fix the fields marked in red, then save again." : errors.message}
            onDiscard={() => {
              save.reset();
              setShowInvalid(false);
              draft.reset();
            }}
          />
        ) : null}
      </form>
      <PolicyHistory scope={scope} canChange={canChange} onReverted={applySaved} />
      {confirmClear ? (
        <ClearScopeDialog
          scope={scope}
          dirty={dirty}
          onClose={() => setConfirmClear(false)}
          onCleared={(cleared) => {
            applySaved(cleared);
            setConfirmClear(false);
          }}
        />
      ) : null}
    </>
  );
}
