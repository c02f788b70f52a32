// What an import would change, scope by scope: each field's before -> after, groups it
// creates, users that do not exist, and every line it did not take (unknown or malformed).
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { ImportPreview as Preview, ImportPreviewScope } from "@/lib/policies";
import type { ImportSource } from "@/lib/policy/import";
import { isPolicyKey, policyField } from "@/lib/policy/fields";
import { showSetting } from "./policy-change";
import { scopeHref } from "./policy-format";
import styles from "./policies.module.css";

const SOURCE_LABELS: Record<ImportSource, string> = {
  "session-console": "Session Console export",
  "openvpn-as": "OpenVPN Access Server",
  "blue-cedar": "Blue Cedar gateway",
};

const lines = (numbers: number[]) =>
  numbers.length === 0 ? null : `${numbers.length === 1 ? "line" : "lines"} ${numbers.join(", ")}`;

function ScopeChanges({ scope }: { scope: ImportPreviewScope }) {
  const keys = [...new Set([...Object.keys(scope.before), ...Object.keys(scope.after)])].filter(isPolicyKey);
  const rows = keys
    .map((key) => ({ key, before: showSetting(key, scope.before[key]), after: showSetting(key, scope.after[key]) }))
    .filter((row) => row.before !== row.after);
  return (
    <section className={styles.importScope} aria-label={`Changes to ${scope.label}`}>
      <h3 className={styles.importScopeTitle}>
        {scope.missingUser ? scope.label : <Link href={scopeHref(scope.scope)}>{scope.label}</Link>}
        {scope.createsGroup ? <Badge tone="info">new group: created on apply</Badge> : null}
        {scope.missingUser ? <Badge tone="danger">user does not exist</Badge> : null}
        {lines(scope.lines) ? <span className={styles.sectionNote}>from {lines(scope.lines)}</span> : null}
      </h3>
      {scope.missingUser ? (
        <p className="field-error">Create this VPN user first, or remove its lines: the import cannot be applied while it is missing.</p>
      ) : null}
      {rows.length === 0 ? (
        <p className="muted">No change: these values are already set.</p>
      ) : (
        <dl className={styles.changeList}>
          {rows.map((row) => (
            <div key={row.key} className={styles.changeRow}>
              <dt>{policyField(row.key).label}:</dt>
              <dd>
                <span className="diff-old">{row.before}</span> → <span className="diff-new">{row.after}</span>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function LineList({ title, items, tone }: { title: string; items: { line: number; text: string; why: string }[]; tone: "danger" | "warning" }) {
  if (items.length === 0) return null;
  return (
    <section className={`alert alert-${tone}`} role={tone === "danger" ? "alert" : undefined} aria-label={title}>
      <p className="alert-title">{title}</p>
      <ul className={styles.lineList}>
        {items.map((item) => (
          <li key={`${item.line}:${item.text}`}>
            <span className={styles.lineNumber}>line {item.line}</span> <code>{item.text}</code>
            <span className={styles.lineWhy}>{item.why}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ImportPreview({ preview }: { preview: Preview }) {
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  return (
    <div className="stack" data-testid="import-preview">
      <p>
        {preview.detected.length > 0 ? `Read as ${preview.detected.map((source) => SOURCE_LABELS[source]).join(" and ")}: ` : ""}
        {count(preview.scopes.length, "scope")} to change, {count(preview.unknown.length, "line")} not imported,{" "}
        {count(preview.errors.length, "error")}.
      </p>
      <LineList
        title={`Errors (${preview.errors.length}): fix these lines, then preview again`}
        tone="danger"
        items={preview.errors.map((error) => ({ line: error.line, text: error.text, why: error.message }))}
      />
      {preview.scopes.map((scope) => (
        <ScopeChanges key={scope.label} scope={scope} />
      ))}
      <LineList
        title={`Not imported (${preview.unknown.length})`}
        tone="warning"
        items={preview.unknown.map((unknown) => ({ line: unknown.line, text: unknown.text, why: unknown.reason }))}
      />
    </div>
  );
}
