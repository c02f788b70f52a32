"use client";
// User and server filters of the Sessions list. Each change goes back to page 1.
import { useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { SearchInput } from "@/components/ui/search-input";
import { Select } from "@/components/ui/select";
import type { UrlChanges } from "@/hooks/use-url-state";
import { serverQueries } from "@/lib/client/query-keys";

export interface SessionsFiltersProps {
  user: string;
  server: string;
  onChange: (changes: UrlChanges) => void;
}

export function SessionsFilters({ user, server, onChange }: SessionsFiltersProps) {
  const servers = useQuery(serverQueries.list());
  const names = servers.data?.servers.map((item) => item.name) ?? [];
  const commitUser = useCallback((value: string) => onChange({ user: value, page: null }), [onChange]);
  const options = [
    { value: "", label: "All servers" },
    ...names.map((name) => ({ value: name, label: name })),
    // Keep a server named in the URL selectable even if it was renamed or deleted meanwhile.
    ...(server && !names.includes(server) ? [{ value: server, label: server }] : []),
  ];
  return (
    <div className="filters" role="search">
      <div className="field-wide field">
        <label className="label" htmlFor="sessions-user">
          User
        </label>
        <SearchInput id="sessions-user" value={user} onCommit={commitUser} placeholder="Username contains…" />
      </div>
      <Field label="Server">
        {(control) => <Select {...control} value={server} options={options} onChange={(event) => onChange({ server: event.target.value, page: null })} />}
      </Field>
      {user || server ? (
        <Button variant="ghost" onClick={() => onChange({ user: null, server: null, page: null })}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}
