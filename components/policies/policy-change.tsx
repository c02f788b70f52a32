// A policy audit event's before -> after, field by field, in the console's units.
import type { AuditEventView } from "@/lib/audit";
import { isPolicyKey, policyField, type PolicyKey } from "@/lib/policy/fields";
import { formatPolicyValue, isPolicyValue } from "./policy-format";
import styles from "./policies.module.css";

export const POLICY_ACTION_LABELS: Record<string, string> = {
  "policy.updated": "Changed",
  "policy.cleared": "Cleared all overrides",
  "policy.imported": "Imported",
  "policy.reverted": "Reverted",
};

type Overrides = Record<string, unknown>;

const isOverrides = (value: unknown): value is Overrides => typeof value === "object" && value !== null && !Array.isArray(value);

const asOverrides = (value: unknown): Overrides => (isOverrides(value) ? value : {});

/** "8 h", or "inherit" for a field the scope did not set. */
export function showSetting(key: PolicyKey, value: unknown): string {
  const field = policyField(key);
  return isPolicyValue(field, value) ? formatPolicyValue(field, value) : "inherit";
}

export interface FieldChange {
  key: PolicyKey;
  before: string;
  after: string;
}

export function policyChanges(event: AuditEventView): FieldChange[] {
  const before = asOverrides(event.before);
  const after = asOverrides(event.after);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(isPolicyKey);
  return keys
    .map((key) => ({ key, before: showSetting(key, before[key]), after: showSetting(key, after[key]) }))
    .filter((change) => change.before !== change.after);
}

/** The settings a scope had before the event: what a revert restores. */
export function settingsBefore(event: AuditEventView): { key: PolicyKey; value: string }[] {
  const before = asOverrides(event.before);
  return Object.keys(before)
    .filter(isPolicyKey)
    .map((key) => ({ key, value: showSetting(key, before[key]) }));
}

export function PolicyChange({ event }: { event: AuditEventView }) {
  const changes = policyChanges(event);
  if (changes.length === 0) return <span className="muted">no field changed</span>;
  return (
    <dl className={styles.changeList}>
      {changes.map((change) => (
        <div key={change.key} className={styles.changeRow}>
          <dt>{policyField(change.key).label}:</dt>
          <dd>
            <span className="diff-old">{change.before}</span> → <span className="diff-new">{change.after}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
