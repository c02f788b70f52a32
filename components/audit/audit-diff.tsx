// before -> after of an audit event, reduced to the keys that changed.
import type { ReactNode } from "react";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function show(value: unknown): ReactNode {
  if (value === null || value === undefined) return <em>none</em>;
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export interface DiffRow {
  key: string;
  before?: unknown;
  after?: unknown;
  hasBefore: boolean;
  hasAfter: boolean;
}

/** Keys whose value differs; a key present on one side only is an addition or a removal. */
export function diffRows(before: unknown, after: unknown): DiffRow[] {
  if (!isObject(before) && !isObject(after)) return [];
  const left = isObject(before) ? before : {};
  const right = isObject(after) ? after : {};
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])];
  return keys
    .filter((key) => JSON.stringify(left[key]) !== JSON.stringify(right[key]) || !isObject(before) || !isObject(after))
    .map((key) => ({ key, before: left[key], after: right[key], hasBefore: key in left, hasAfter: key in right }));
}

export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const rows = diffRows(before, after);
  if (rows.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="diff">
      {rows.map((row) => (
        <div className="diff-row" key={row.key}>
          <dt className="diff-key">{row.key}:</dt>
          <dd>
            {row.hasBefore ? <span className="diff-old">{show(row.before)}</span> : null}
            {row.hasBefore && row.hasAfter ? " → " : null}
            {row.hasAfter ? <span className="diff-new">{show(row.after)}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
