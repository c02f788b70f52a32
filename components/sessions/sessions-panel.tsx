"use client";
// /sessions: sessions by state (a tab per state with its count), filtered by user and server in
// the URL, one server-side page at a time, refreshed every few seconds without flashing rows.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { Tabs, type TabItem } from "@/components/ui/tabs";
import { useCanChange } from "@/hooks/use-role";
import { useSelection } from "@/hooks/use-selection";
import { useUrlState } from "@/hooks/use-url-state";
import { errorMessage } from "@/lib/client/api";
import { formatCount } from "@/lib/client/format";
import { sessionQueries, type SessionCounts } from "@/lib/client/query-keys";
import { SESSION_STATES, type SessionState } from "@/lib/sessions/states";
import { hasSessionFilters, parseSessionFilters } from "./session-filters";
import { SESSION_STATE_INFO } from "./session-states";
import { SelectionToolbar } from "./selection-toolbar";
import { SessionActions } from "./session-actions";
import { SessionStatesGuide } from "./session-states-guide";
import { SessionsFilters } from "./sessions-filters";
import { SessionsTable } from "./sessions-table";

/** Sessions change with every login, connect and disconnect: keep the list close to live. */
export const SESSIONS_REFRESH_MS = 5_000;

type TabKey = SessionState | "all";

function tabs(counts: SessionCounts | undefined): TabItem<TabKey>[] {
  const show = (n: number | undefined) => (n === undefined ? "" : ` (${formatCount(n)})`);
  const total = counts ? SESSION_STATES.reduce((sum, state) => sum + counts[state], 0) : undefined;
  const byState: TabItem<TabKey>[] = SESSION_STATES.map((state) => ({
    key: state,
    label: `${SESSION_STATE_INFO[state].label}${show(counts?.[state])}`,
  }));
  return [{ key: "all", label: `All${show(total)}` }, ...byState];
}

export function SessionsPanel() {
  const { params, update } = useUrlState();
  const filters = parseSessionFilters(params);
  const sessions = useQuery({
    ...sessionQueries.list(filters),
    refetchInterval: SESSIONS_REFRESH_MS,
    placeholderData: (previous) => previous,
  });
  const data = sessions.data;

  // After sessions end or a narrower filter the page may lie past the end: go to the last one.
  const total = data?.total;
  useEffect(() => {
    if (total === undefined || sessions.isPlaceholderData) return;
    const last = Math.max(1, Math.ceil(total / filters.pageSize));
    if (filters.page > last) update({ page: last === 1 ? null : last });
  }, [total, filters.page, filters.pageSize, sessions.isPlaceholderData, update]);

  const canChange = useCanChange();
  const selection = useSelection((data?.sessions ?? []).map((row) => row.id));

  const clearFilters = () => update({ user: null, server: null, page: null });
  // The guide to session states is for a console that has none yet, not for a narrow filter.
  const anySessions = data ? hasSessionFilters(filters) || SESSION_STATES.some((state) => data.counts[state] > 0) : true;
  const rows = data?.sessions;
  const state = filters.state;

  const body = sessions.isError ? (
    <Alert title="Sessions could not be loaded">
      {errorMessage(sessions.error)}{" "}
      <Button size="sm" onClick={() => void sessions.refetch()}>
        Retry
      </Button>
    </Alert>
  ) : rows?.length === 0 && hasSessionFilters(filters) ? (
    <EmptyState title="No sessions match these filters" action={<Button onClick={clearFilters}>Clear filters</Button>} />
  ) : rows?.length === 0 && state ? (
    <EmptyState title={`No ${state} sessions`}>
      <p>{SESSION_STATE_INFO[state].meaning}</p>
    </EmptyState>
  ) : rows?.length === 0 ? (
    <EmptyState title="No sessions yet">
      <p>
        Sessions are created when a registered server&apos;s login hook accepts a user. <Link href="/servers">Register a
        server</Link> and wire its hooks to start.
      </p>
    </EmptyState>
  ) : (
    <>
      {canChange ? <SelectionToolbar sessionIds={selection.selected} onClear={selection.clear} /> : null}
      <SessionsTable
        sessions={rows}
        loading={sessions.isPending}
        busy={sessions.isPlaceholderData}
        selection={canChange ? selection : undefined}
        rowActions={
          canChange
            ? (row) => <SessionActions size="sm" target={{ kind: "session", id: row.id }} username={row.username} />
            : undefined
        }
      />
      {data ? (
        <Pagination
          page={filters.page}
          pageSize={filters.pageSize}
          total={data.total}
          noun="sessions"
          onPage={(page) => update({ page: page === 1 ? null : page })}
          onPageSize={(pageSize) => update({ pageSize, page: null })}
        />
      ) : null}
    </>
  );

  return (
    <div className="stack">
      <Tabs
        label="Session state"
        tabs={tabs(data?.counts)}
        selected={state ?? "all"}
        onSelect={(key) => update({ state: key === "all" ? null : key, page: null })}
      >
        <SessionsFilters user={params.get("user") ?? ""} server={filters.server ?? ""} onChange={update} />
        {body}
      </Tabs>
      {anySessions ? null : <SessionStatesGuide />}
    </div>
  );
}
