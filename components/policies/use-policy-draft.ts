"use client";
// The unsaved edits of one scope's policy: which fields are overridden with what text, what the
// scope would inherit for each, the would-be effective values (for live warnings) and the PUT
// body, which holds only what changed (null for a field cleared back to inherit).
import { useCallback, useMemo, useState } from "react";
import type { ScopePolicyView } from "@/lib/policies";
import { BUILTIN_POLICY, POLICY_FIELDS, type PolicyField, type PolicyKey, type PolicyPatch, type PolicyValues } from "@/lib/policy/fields";
import { inputText, parseFieldInput, type PolicyValue } from "./policy-format";

type FieldDraft = { overridden: false } | { overridden: true; input: string };

/** A value a scope gets from further up, with where it comes from ("from DEFAULT"). */
export interface InheritedValue {
  value: PolicyValue;
  source: string;
}

export type InheritedValues = Record<PolicyKey, InheritedValue>;

export interface FieldState {
  field: PolicyField;
  /** What the scope sets now (saved), or null when it inherits. */
  saved: PolicyValue | null;
  overridden: boolean;
  input: string;
  /** The value the input holds when it parses. */
  parsed: PolicyValue | null;
  error: string | undefined;
  /** What the field gets when it is not set here; null until the parent scope has loaded. */
  inherited: InheritedValue | null;
  dirty: boolean;
}

export interface PolicyDraft {
  fields: FieldState[];
  /** The effective values if the edits were saved now. */
  values: PolicyValues;
  patch: PolicyPatch;
  dirty: boolean;
  invalid: boolean;
  /** Overrides the field with this text (also used while typing). */
  edit: (key: PolicyKey, input: string) => void;
  clear: (key: PolicyKey) => void;
  reset: () => void;
}

function fieldState(field: PolicyField, view: ScopePolicyView, parent: InheritedValues | null, draft: FieldDraft | undefined): FieldState {
  const current = view.fields[field.key];
  const saved = current.set;
  const inherited = saved === null ? { value: current.effective, source: current.sourceLabel } : (parent?.[field.key] ?? null);
  const base = { field, saved, inherited, input: "", parsed: null, error: undefined };
  if (!draft) {
    return { ...base, overridden: saved !== null, input: saved === null ? "" : inputText(field, saved), parsed: saved, dirty: false };
  }
  if (!draft.overridden) return { ...base, overridden: false, dirty: saved !== null };
  const result = parseFieldInput(field, draft.input);
  return result.ok
    ? { ...base, overridden: true, input: draft.input, parsed: result.value, dirty: result.value !== saved }
    : { ...base, overridden: true, input: draft.input, error: result.error, dirty: true };
}

/** What the field would be after saving; an unparsable input keeps the current value. */
function wouldBe(state: FieldState, view: ScopePolicyView): PolicyValue {
  const current = view.fields[state.field.key].effective;
  if (!state.dirty) return current;
  if (!state.overridden) return state.inherited?.value ?? current;
  return state.parsed ?? current;
}

export function usePolicyDraft(view: ScopePolicyView, parent: InheritedValues | null): PolicyDraft {
  const [drafts, setDrafts] = useState<Partial<Record<PolicyKey, FieldDraft>>>({});

  const derived = useMemo(() => {
    const fields = POLICY_FIELDS.map((field) => fieldState(field, view, parent, drafts[field.key]));
    const values: PolicyValues = { ...BUILTIN_POLICY };
    const patch: PolicyPatch = {};
    for (const state of fields) {
      Object.assign(values, { [state.field.key]: wouldBe(state, view) });
      if (state.dirty && !state.error) Object.assign(patch, { [state.field.key]: state.overridden ? state.parsed : null });
    }
    return {
      fields,
      values,
      patch,
      dirty: fields.some((state) => state.dirty),
      invalid: fields.some((state) => state.error !== undefined),
    };
  }, [view, parent, drafts]);

  const edit = useCallback((key: PolicyKey, input: string) => setDrafts((d) => ({ ...d, [key]: { overridden: true, input } })), []);
  const clear = useCallback((key: PolicyKey) => setDrafts((d) => ({ ...d, [key]: { overridden: false } })), []);
  const reset = useCallback(() => setDrafts({}), []);

  return { ...derived, edit, clear, reset };
}
