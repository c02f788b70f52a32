"use client";
// Search, group and status filters for the Users list. Each change goes to page 1.
import { useCallback } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { SearchInput } from "@/components/ui/search-input";
import { Select } from "@/components/ui/select";
import type { UrlChanges } from "@/hooks/use-url-state";
import type { GroupView } from "@/lib/groups";
import { NO_GROUP } from "./user-filters";

export interface UsersFiltersProps {
  search: string;
  group: string;
  enabled: string;
  groups: GroupView[];
  onChange: (changes: UrlChanges) => void;
}

export function UsersFilters({ search, group, enabled, groups, onChange }: UsersFiltersProps) {
  const commitSearch = useCallback((q: string) => onChange({ q, page: null }), [onChange]);
  const groupOptions = [
    { value: "", label: "All groups" },
    { value: NO_GROUP, label: "No group" },
    ...groups.map((item) => ({ value: item.name, label: item.name })),
    // Keep a group named in the URL selectable even if it was deleted meanwhile.
    ...(group && group !== NO_GROUP && !groups.some((item) => item.name === group) ? [{ value: group, label: group }] : []),
  ];
  return (
    <div className="filters" role="search">
      <div className="field-wide field">
        <label className="label" htmlFor="users-search">
          Search
        </label>
        <SearchInput id="users-search" value={search} onCommit={commitSearch} placeholder="Username contains…" />
      </div>
      <Field label="Group">
        {(control) => (
          <Select {...control} value={group} options={groupOptions} onChange={(event) => onChange({ group: event.target.value, page: null })} />
        )}
      </Field>
      <Field label="Status">
        {(control) => (
          <Select
            {...control}
            value={enabled}
            options={[
              { value: "", label: "Enabled and disabled" },
              { value: "true", label: "Enabled" },
              { value: "false", label: "Disabled" },
            ]}
            onChange={(event) => onChange({ enabled: event.target.value, page: null })}
          />
        )}
      </Field>
      {search || group || enabled ? (
        <Button variant="ghost" onClick={() => onChange({ q: null, group: null, enabled: null, page: null })}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}
