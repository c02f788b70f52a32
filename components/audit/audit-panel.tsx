"use client";
// /audit: who changed what, filtered and paged; every filter lives in the URL.
import { useQuery } from "@tanstack/react-query";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { useUrlState } from "@/hooks/use-url-state";
import { errorMessage } from "@/lib/client/api";
import { auditQueries } from "@/lib/client/query-keys";
import { AuditFiltersBar } from "./audit-filters-bar";
import { hasAuditFilters, parseAuditFilters } from "./audit-filters";
import { AuditTable } from "./audit-table";

export function AuditPanel() {
  const { params, update } = useUrlState();
  const filters = parseAuditFilters(params);
  const events = useQuery({ ...auditQueries.list(filters), placeholderData: (previous) => previous });
  const rows = events.data?.events;
  const raw = {
    actor: params.get("actor") ?? "",
    action: params.get("action") ?? "",
    target: params.get("target") ?? "",
    from: filters.from ?? "",
    to: filters.to ?? "",
  };

  return (
    <div>
      <AuditFiltersBar raw={raw} onChange={update} />
      {events.isError ? (
        <Alert title="Audit events could not be loaded">{errorMessage(events.error)}</Alert>
      ) : rows?.length === 0 ? (
        hasAuditFilters(filters) ? (
          <EmptyState
            title="No events match these filters"
            action={<Button onClick={() => update({ actor: null, action: null, target: null, from: null, to: null, page: null })}>Clear filters</Button>}
          />
        ) : (
          <EmptyState title="No events yet">
            <p>Every change made in the console, through the API or with the CLI is recorded here.</p>
          </EmptyState>
        )
      ) : (
        <>
          <AuditTable events={rows} loading={events.isPending} busy={events.isPlaceholderData} />
          {events.data ? (
            <Pagination
              page={filters.page}
              pageSize={filters.pageSize}
              total={events.data.total}
              noun="events"
              onPage={(page) => update({ page: page === 1 ? null : page })}
              onPageSize={(pageSize) => update({ pageSize, page: null })}
            />
          ) : null}
        </>
      )}
    </div>
  );
}
