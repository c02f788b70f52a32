"use client";
// One policy field of a scope: what it means, the value set here (editable) or the inherited
// value greyed with where it comes from, and Override / Clear.
import { useEffect, useId, useRef } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FieldError } from "@/components/ui/field";
import { PolicyFieldInput } from "./policy-field-input";
import { formatPolicyValue, inputText } from "./policy-format";
import type { FieldState } from "./use-policy-draft";
import styles from "./policies.module.css";

export interface PolicyFieldRowProps {
  state: FieldState;
  /** The API's message for this field after a refused save. */
  apiError: string | undefined;
  warned: boolean;
  canChange: boolean;
  onEdit: (input: string) => void;
  onClear: () => void;
}

function Inherited({ state }: { state: FieldState }) {
  if (!state.inherited) return <span className="muted">inherits (loading…)</span>;
  return (
    <span className={styles.inherited}>
      <span className={styles.inheritedValue}>{formatPolicyValue(state.field, state.inherited.value)}</span>
      <span className={styles.source}>{state.inherited.source}</span>
    </span>
  );
}

export function PolicyFieldRow({ state, apiError, warned, canChange, onEdit, onClear }: PolicyFieldRowProps) {
  const id = useId();
  const labelId = `${id}-label`;
  const inputId = `${id}-input`;
  const errorId = `${id}-error`;
  const overrideId = `${id}-override`;
  const { field } = state;
  const error = state.error ?? apiError;

  // Override moves focus into the new input and Clear back to Override, once they have rendered.
  const pendingFocus = useRef<string | null>(null);
  useEffect(() => {
    if (!pendingFocus.current) return;
    document.getElementById(pendingFocus.current)?.focus();
    pendingFocus.current = null;
  });

  const override = () => {
    const start = state.saved ?? state.inherited?.value ?? field.builtin;
    pendingFocus.current = inputId;
    onEdit(inputText(field, start));
  };
  const clear = () => {
    pendingFocus.current = overrideId;
    onClear();
  };

  const className = [styles.fieldRow, state.overridden ? styles.isSet : "", state.dirty ? styles.isDirty : ""].filter(Boolean).join(" ");

  return (
    <div role="group" aria-labelledby={labelId} className={className}>
      <div className={styles.fieldInfo}>
        {state.overridden && canChange ? (
          <label id={labelId} htmlFor={inputId} className={styles.fieldLabel}>
            {field.label}
          </label>
        ) : (
          <span id={labelId} className={styles.fieldLabel}>
            {field.label}
          </span>
        )}
        {warned ? (
          <Badge tone="warning" title="This field is part of a warning below">
            warning
          </Badge>
        ) : null}
        {state.dirty ? <Badge tone="info">unsaved</Badge> : null}
        <p className={styles.meaning}>{field.meaning}</p>
      </div>
      <div className={styles.fieldValue}>
        {!state.overridden ? (
          <Inherited state={state} />
        ) : canChange ? (
          <>
            <PolicyFieldInput
              field={field}
              id={inputId}
              labelId={labelId}
              value={state.input}
              onChange={onEdit}
              errorId={error ? errorId : undefined}
            />
            <span className={styles.source}>
              set here
              {state.inherited ? ` · inherits ${formatPolicyValue(field, state.inherited.value)} (${state.inherited.source}) when cleared` : null}
            </span>
          </>
        ) : (
          <span className={styles.inherited}>
            <span className={styles.setValue}>{state.saved === null ? null : formatPolicyValue(field, state.saved)}</span>
            <span className={styles.source}>set here</span>
          </span>
        )}
        {error ? <FieldError id={errorId}>{error}</FieldError> : null}
      </div>
      {canChange ? (
        <div className={styles.fieldActions}>
          {state.overridden ? (
            <Button size="sm" variant="ghost" onClick={clear}>
              Clear<span className="sr-only"> {field.label}</span>
            </Button>
          ) : (
            <Button size="sm" id={overrideId} onClick={override}>
              Override<span className="sr-only"> {field.label}</span>
            </Button>
          )}
        </div>
      ) : null}
    </div>
  );
}
