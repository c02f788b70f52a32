"use client";
// Above a table with selectable sessions: how many are picked, Disconnect / Invalidate for all of
// them, and a way to clear the choice.
import { Button } from "@/components/ui/button";
import { formatCount } from "@/lib/client/format";
import { SessionActions } from "./session-actions";

export function SelectionToolbar({ sessionIds, onClear }: { sessionIds: ReadonlySet<string>; onClear: () => void }) {
  if (sessionIds.size === 0) return null;
  return (
    <div className="toolbar" role="group" aria-label="Selected sessions">
      <span>{formatCount(sessionIds.size)} selected</span>
      <span>
        <SessionActions target={{ kind: "selection", sessionIds: [...sessionIds] }} noun="selected" onDone={onClear} />
        <Button variant="ghost" onClick={onClear}>
          Clear selection
        </Button>
      </span>
    </div>
  );
}
