"use client";
// Rows picked for a bulk action, by id. The choice outlives refreshes and page changes, so a
// live table can keep updating under it, until the action is done or the admin clears it.
import { useState } from "react";

export interface Selection {
  selected: ReadonlySet<string>;
  onToggle: (id: string, checked: boolean) => void;
  /** Selects or clears every id of the page on screen. */
  onToggleAll: (checked: boolean) => void;
}

export function useSelection(pageIds: readonly string[]): Selection & { clear: () => void } {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const change = (ids: readonly string[], checked: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (checked) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  return {
    selected,
    onToggle: (id, checked) => change([id], checked),
    onToggleAll: (checked) => change(pageIds, checked),
    clear: () => setSelected(new Set()),
  };
}
