"use client";
// Search, server and group filters of Current Users. Each change goes back to page 1.
import { useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { SearchInput } from "@/components/ui/search-input";
import { Select } from "@/components/ui/select";
import type { UrlChanges } from "@/hooks/use-url-state";
import { groupQueries, serverQueries } from "@/lib/client/query-keys";

export interface CurrentUsersFiltersBarProps {
  q: string;
  server: string;
  group: string;
  onChange: (changes: UrlChanges) => void;
}

/** The known names, plus the one in the URL if it has gone meanwhile, so it stays selectable. */
function options(all: string, names: string[], selected: string) {
  return [
    { value: "", label: all },
    ...names.map((name) => ({ value: name, label: name })),
    ...(selected && !names.includes(selected) ? [{ value: selected, label: selected }] : []),
  ];
}

export function CurrentUsersFiltersBar({ q, server, group, onChange }: CurrentUsersFiltersBarProps) {
  const servers = useQuery(serverQueries.list());
  const groups = useQuery(groupQueries.list());
  const commitSearch = useCallback((value: string) => onChange({ q: value, page: null }), [onChange]);
  return (
    <div className="filters" role="search">
      <div className="field-wide field">
        <label className="label" htmlFor="current-users-search">
          Search
        </label>
        <SearchInput id="current-users-search" value={q} onCommit={commitSearch} placeholder="User, group, server or IP…" />
      </div>
      <Field label="Server">
        {(control) => (
          <Select
            {...control}
            value={server}
            options={options("All servers", servers.data?.servers.map((s) => s.name) ?? [], server)}
            onChange={(event) => onChange({ server: event.target.value, page: null })}
          />
        )}
      </Field>
      <Field label="Group">
        {(control) => (
          <Select
            {...control}
            value={group}
            options={options("All groups", groups.data?.groups.map((g) => g.name) ?? [], group)}
            onChange={(event) => onChange({ group: event.target.value, page: null })}
          />
        )}
      </Field>
      {q || server || group ? (
        <Button variant="ghost" onClick={() => onChange({ q: null, server: null, group: null, page: null })}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}
