"use client";
// The overview: one row per scope (DEFAULT, each group, each user that overrides anything), one
// column per field. A cell shows what that scope sets, or a dot where it inherits. A row opens
// its scope's editor; the name is the link, the rest of the row is a larger click target.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { TableMessage } from "@/components/ui/table";
import type { PolicyMatrixRow } from "@/lib/policies";
import { BUILTIN_POLICY, POLICY_FIELDS, type PolicyField } from "@/lib/policy/fields";
import { formatPolicyValue, isPolicyValue, scopeHref, SHORT_LABELS } from "./policy-format";
import styles from "./policies.module.css";

function ScopeName({ row }: { row: PolicyMatrixRow }) {
  const name = row.scope.scope === "default" ? "DEFAULT" : row.scope.name;
  return (
    <>
      <Link href={scopeHref(row.scope)} className={styles.scopeLink}>
        {name}
      </Link>{" "}
      {row.scope.scope === "default" ? null : <Badge tone={row.scope.scope === "group" ? "neutral" : "info"}>{row.scope.scope}</Badge>}
    </>
  );
}

function Cell({ row, field }: { row: PolicyMatrixRow; field: PolicyField }) {
  const value = row.overrides[field.key];
  if (!isPolicyValue(field, value)) {
    return (
      <td className={styles.inheritCell} title={`${field.label}: inherits`}>
        <span aria-hidden="true">·</span>
        <span className="sr-only">inherit</span>
      </td>
    );
  }
  const shown = formatPolicyValue(field, value);
  return (
    <td className={styles.setCell} title={`${field.label}: ${shown}, set on ${row.label}`}>
      {shown}
    </td>
  );
}

export function PolicyMatrix({ rows, loading }: { rows: PolicyMatrixRow[] | undefined; loading: boolean }) {
  const router = useRouter();
  return (
    <div className={`table-wrap ${styles.matrixWrap}`}>
      <table className={`table ${styles.matrix}`} aria-label="Policy overview">
        <thead>
          <tr>
            <th scope="col" className={styles.stickyCol}>
              Scope
            </th>
            {POLICY_FIELDS.map((field) => (
              <th key={field.key} scope="col" title={`${field.label}: ${field.meaning}`}>
                {SHORT_LABELS[field.key]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className={styles.builtinRow}>
            <th scope="row" className={styles.stickyCol}>
              Built-in
            </th>
            {POLICY_FIELDS.map((field) => (
              <td key={field.key} title={`${field.label}: built-in default`}>
                {formatPolicyValue(field, BUILTIN_POLICY[field.key])}
              </td>
            ))}
          </tr>
          {loading ? <TableMessage columns={POLICY_FIELDS.length + 1}>Loading policies…</TableMessage> : null}
          {rows?.map((row) => (
            <tr
              key={row.label}
              className={styles.scopeRow}
              onClick={(event) => {
                // The name's own link already navigates.
                if (event.target instanceof Element && event.target.closest("a")) return;
                router.push(scopeHref(row.scope));
              }}
            >
              <th scope="row" className={styles.stickyCol}>
                <ScopeName row={row} />
              </th>
              {POLICY_FIELDS.map((field) => (
                <Cell key={field.key} row={row} field={field} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
