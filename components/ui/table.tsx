// Data tables: a scrolling wrapper for narrow windows, and sortable headers that are real
// buttons (keyboard-operable) with aria-sort on the <th>.
import type { ReactNode } from "react";

export type SortDir = "asc" | "desc";

export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        {children}
      </table>
    </div>
  );
}

export interface SortHeaderProps<K extends string> {
  label: string;
  sortKey: K;
  sort: K;
  dir: SortDir;
  onSort: (key: K, dir: SortDir) => void;
}

export function SortHeader<K extends string>({ label, sortKey, sort, dir, onSort }: SortHeaderProps<K>) {
  const active = sort === sortKey;
  const next: SortDir = active && dir === "asc" ? "desc" : "asc";
  return (
    <th scope="col" aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" className="sort-button" onClick={() => onSort(sortKey, next)}>
        {label}
        <span className={`sort-icon${active ? " is-active" : ""}`} aria-hidden="true">
          {active ? (dir === "asc" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}

/** A full-width row for loading and error states inside a table body. */
export function TableMessage({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns} className="table-message">
        {children}
      </td>
    </tr>
  );
}
