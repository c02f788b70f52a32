// The checkbox column of a table whose rows can be picked for a bulk action (hooks/use-selection).
import type { Selection } from "@/hooks/use-selection";

/** Header cell: selects or clears every row of the page; checked when all of them are picked. */
export function SelectAllHeader({ selection, ids, label }: { selection: Selection; ids: readonly string[]; label: string }) {
  return (
    <th scope="col">
      <input
        type="checkbox"
        aria-label={label}
        checked={ids.length > 0 && ids.every((id) => selection.selected.has(id))}
        disabled={ids.length === 0}
        onChange={(e) => selection.onToggleAll(e.target.checked)}
      />
    </th>
  );
}

export function SelectRowCell({ selection, id, label }: { selection: Selection; id: string; label: string }) {
  return (
    <td>
      <input type="checkbox" aria-label={label} checked={selection.selected.has(id)} onChange={(e) => selection.onToggle(id, e.target.checked)} />
    </td>
  );
}
