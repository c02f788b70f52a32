"use client";
// /policies/import: paste Access Server, Blue Cedar or exported settings, preview what changes
// (nothing is saved), then apply all of it or nothing.
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState, type ChangeEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { useInvalidatePolicyQueries } from "@/hooks/use-invalidate-policy-queries";
import { useCanChange } from "@/hooks/use-role";
import { apiFetch, errorMessage } from "@/lib/client/api";
import type { ImportPreview as Preview } from "@/lib/policies";
import { scopeHref } from "./policy-format";
import { ImportPreview } from "./import-preview";
import styles from "./policies.module.css";

const EXAMPLE = [
  "For example:",
  "sacli --key vpn.server.session_expire --value 28800 ConfigPut",
  "sacli --user contractors --key prop_isec --value 900 UserPropPut",
  "set aaa auth-group staff dormant-session-timeout 10",
].join("\n");

interface Previewed {
  text: string;
  preview: Preview;
}

function applyBlocker(previewed: Previewed | null, text: string, canChange: boolean): string | null {
  if (!canChange) return "Viewers can preview an import but not apply it.";
  if (!previewed) return "Preview first: nothing is saved until you apply.";
  if (previewed.text !== text) return "The text changed since the preview: preview again.";
  if (!previewed.preview.canApply) return "This import cannot be applied: see the errors and missing users above.";
  return null;
}

export function ImportPanel() {
  const canChange = useCanChange();
  const invalidate = useInvalidatePolicyQueries();
  const toast = useToast();
  const [text, setText] = useState("");
  const [previewed, setPreviewed] = useState<Previewed | null>(null);
  const [applied, setApplied] = useState<Preview | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // A file from Export JSON (or a saved config) goes into the text box, to preview like pasted text.
  const loadFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    try {
      setText(await file.text());
      setLoadError(null);
    } catch {
      setLoadError(`${file.name} could not be read.`);
    }
  };

  const preview = useMutation({
    mutationFn: (body: string) => apiFetch<Preview>("/api/policies/import/preview", { method: "POST", json: { text: body } }),
    onSuccess: (result, body) => {
      apply.reset();
      setApplied(null);
      setPreviewed({ text: body, preview: result });
    },
  });
  const apply = useMutation({
    mutationFn: (body: string) => apiFetch<Preview>("/api/policies/import", { method: "POST", json: { text: body } }),
    onSuccess: (result) => {
      preview.reset();
      setApplied(result);
      setPreviewed(null);
      void invalidate();
      toast(`Imported ${result.scopes.length} ${result.scopes.length === 1 ? "scope" : "scopes"}.`);
    },
  });
  const blocker = applyBlocker(previewed, text, canChange);
  const error = preview.error ?? apply.error;

  return (
    <div className="stack">
      <Card
        title="Settings to import"
        description="OpenVPN Access Server sacli lines or config keys, Blue Cedar set aaa auth-group / set security ike lines, or a file from Export JSON. Lines that have no equivalent here are listed, not dropped."
      >
        <form
          className="form-stack"
          onSubmit={(event) => {
            event.preventDefault();
            preview.mutate(text);
          }}
        >
          <Field label="Pasted settings" hint="One setting per line; an exported JSON file as it is.">
            {(control) => (
              <Textarea
                {...control}
                className={styles.importText}
                value={text}
                placeholder={EXAMPLE}
                spellCheck={false}
                onChange={(event) => setText(event.target.value)}
              />
            )}
          </Field>
          {loadError ? <Alert>{loadError}</Alert> : error ? <Alert>{errorMessage(error)}</Alert> : null}
          <div className={styles.importActions}>
            <input
              ref={fileInput}
              type="file"
              accept=".json,.txt,.conf,.cfg,text/plain,application/json"
              hidden
              onChange={(event) => void loadFile(event)}
            />
            <Button onClick={() => fileInput.current?.click()}>Load a file…</Button>
            <Button type="submit" loading={preview.isPending} disabled={text.trim() === ""}>
              Preview
            </Button>
            <Button variant="primary" onClick={() => apply.mutate(text)} loading={apply.isPending} disabled={blocker !== null}>
              Apply import
            </Button>
            {blocker ? <span className="muted">{blocker}</span> : null}
          </div>
        </form>
      </Card>
      {applied ? (
        <Alert tone="success" title="Import applied">
          <p>Open a scope to check it:</p>
          <ul>
            {applied.scopes.map((scope) => (
              <li key={scope.label}>
                <Link href={scopeHref(scope.scope)}>{scope.label}</Link>
                {scope.createsGroup ? " (new group)" : ""}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      {previewed ? (
        <Card title="Preview" description="What applying would change. Nothing has been saved.">
          <ImportPreview preview={previewed.preview} />
        </Card>
      ) : null}
    </div>
  );
}
