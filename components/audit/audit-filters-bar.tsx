"use client";
// Audit filters: actor, action (a known action or any prefix), target and a time range.
import { useCallback } from "react";
import { Button } from "@/components/ui/button";
import { DateTimeInput } from "@/components/ui/datetime-input";
import { SearchInput } from "@/components/ui/search-input";
import type { UrlChanges } from "@/hooks/use-url-state";
import { AUDIT_ACTIONS } from "@/lib/audit-actions";
import { localInputToIso } from "@/lib/client/format";

export interface AuditFiltersBarProps {
  raw: { actor: string; action: string; target: string; from: string; to: string };
  onChange: (changes: UrlChanges) => void;
}

const MINUTE_MS = 60_000;

export function AuditFiltersBar({ raw, onChange }: AuditFiltersBarProps) {
  const commitActor = useCallback((actor: string) => onChange({ actor, page: null }), [onChange]);
  const commitAction = useCallback((action: string) => onChange({ action, page: null }), [onChange]);
  const commitTarget = useCallback((target: string) => onChange({ target, page: null }), [onChange]);

  const commitFrom = (local: string) => onChange({ from: localInputToIso(local), page: null });
  // The picker works in whole minutes; "to 10:05" should include events during 10:05.
  const commitTo = (local: string) => {
    const iso = localInputToIso(local);
    onChange({ to: iso ? new Date(new Date(iso).getTime() + MINUTE_MS - 1).toISOString() : "", page: null });
  };

  const active = Object.values(raw).some(Boolean);
  return (
    <div className="filters" role="search">
      <div className="field">
        <label className="label" htmlFor="audit-actor">
          Actor
        </label>
        <SearchInput id="audit-actor" type="text" value={raw.actor} onCommit={commitActor} placeholder="Name contains…" />
      </div>
      <div className="field field-wide">
        <label className="label" htmlFor="audit-action">
          Action
        </label>
        <SearchInput id="audit-action" type="text" value={raw.action} onCommit={commitAction} placeholder="e.g. vpn_user." list="audit-actions" />
        <datalist id="audit-actions">
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label className="label" htmlFor="audit-target">
          Target
        </label>
        <SearchInput id="audit-target" type="text" value={raw.target} onCommit={commitTarget} placeholder="Name contains…" />
      </div>
      <div className="field">
        <label className="label" htmlFor="audit-from">
          From
        </label>
        <DateTimeInput id="audit-from" value={raw.from} onCommit={commitFrom} />
      </div>
      <div className="field">
        <label className="label" htmlFor="audit-to">
          To
        </label>
        <DateTimeInput id="audit-to" value={raw.to} onCommit={commitTo} />
      </div>
      {active ? (
        <Button variant="ghost" onClick={() => onChange({ actor: null, action: null, target: null, from: null, to: null, page: null })}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}
