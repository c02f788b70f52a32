"use client";
// /current-users: every tunnel up right now, refreshed every 2 s without flashing (the previous
// page stays on screen until the next arrives), with filters, sort and page in the URL.
import { useQuery } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectionToolbar } from "@/components/sessions/selection-toolbar";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { Table } from "@/components/ui/table";
import { useCanChange } from "@/hooks/use-role";
import { useSelection } from "@/hooks/use-selection";
import { useUrlState } from "@/hooks/use-url-state";
import { errorMessage } from "@/lib/client/api";
import { formatCount } from "@/lib/client/format";
import { currentUsersQueries } from "@/lib/client/query-keys";
import { formatBytes } from "@/lib/policy/duration";
import { hasCurrentUsersFilters, parseCurrentUsersFilters } from "./current-users-filters";
import { CurrentUsersFiltersBar } from "./current-users-filters-bar";
import { CurrentUsersTable, formatRate } from "./current-users-table";
import styles from "./current-users.module.css";

export const CURRENT_USERS_REFRESH_MS = 2_000;

export function CurrentUsersPanel({ nobodyYet }: { nobodyYet: ReactNode }) {
  const { params, update } = useUrlState();
  const filters = parseCurrentUsersFilters(params);
  const live = useQuery({
    ...currentUsersQueries.list(filters),
    refetchInterval: CURRENT_USERS_REFRESH_MS,
    placeholderData: (previous) => previous,
  });
  const data = live.data;
  const canChange = useCanChange();
  const selection = useSelection([...new Set((data?.rows ?? []).map((row) => row.sessionId))]);

  // Tunnels end while the page is open: when the page lies past the end, go to the last one.
  const total = data?.total;
  useEffect(() => {
    if (total === undefined || live.isPlaceholderData) return;
    const last = Math.max(1, Math.ceil(total / filters.pageSize));
    if (filters.page > last) update({ page: last === 1 ? null : last });
  }, [total, filters.page, filters.pageSize, live.isPlaceholderData, update]);

  if (live.isError && !data) {
    return (
      <Alert title="Current users could not be loaded">
        {errorMessage(live.error)}{" "}
        <Button size="sm" onClick={() => void live.refetch()}>
          Retry
        </Button>
      </Alert>
    );
  }
  if (data && data.total === 0 && !hasCurrentUsersFilters(filters)) return <>{nobodyYet}</>;

  const totals = data?.totals;
  return (
    <div className="stack">
      <dl className={styles.tiles} aria-label="Totals for the filtered connections">
        <div className={styles.tile}>
          <dt>Users</dt>
          <dd>{totals ? formatCount(totals.users) : "…"}</dd>
        </div>
        <div className={styles.tile}>
          <dt>Tunnels</dt>
          <dd>{totals ? formatCount(totals.connections) : "…"}</dd>
        </div>
        <div className={styles.tile}>
          <dt>Throughput in</dt>
          <dd>{totals ? formatRate(totals.rateIn) : "…"}</dd>
        </div>
        <div className={styles.tile}>
          <dt>Throughput out</dt>
          <dd>{totals ? formatRate(totals.rateOut) : "…"}</dd>
        </div>
      </dl>
      {live.isError ? <Alert title="Live updates paused">{errorMessage(live.error)} — showing the last data received.</Alert> : null}
      <CurrentUsersFiltersBar
        q={params.get("q") ?? ""}
        server={filters.server ?? ""}
        group={filters.group ?? ""}
        onChange={update}
      />
      {data && data.total === 0 ? (
        <EmptyState
          title="No connections match these filters"
          action={<Button onClick={() => update({ q: null, server: null, group: null, page: null })}>Clear filters</Button>}
        />
      ) : (
        <>
          {canChange ? <SelectionToolbar sessionIds={selection.selected} onClear={selection.clear} /> : null}
          <CurrentUsersTable
            rows={data?.rows}
            at={data?.at}
            sort={filters.sort}
            order={filters.order}
            onSort={(sort, order) => update({ sort, order, page: null })}
            loading={live.isPending}
            selection={canChange ? selection : undefined}
            actions={canChange}
          />
          {data ? (
            <Pagination
              page={filters.page}
              pageSize={filters.pageSize}
              total={data.total}
              noun="connections"
              onPage={(page) => update({ page: page === 1 ? null : page })}
              onPageSize={(pageSize) => update({ pageSize, page: null })}
            />
          ) : null}
        </>
      )}
      {data && data.servers.length > 0 ? (
        <Card title="By server" description="Every server with tunnels in the filtered set.">
          <Table label="Connections by server">
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col" className="num">Users</th>
                <th scope="col" className="num">Tunnels</th>
                <th scope="col" className="num">Bytes in</th>
                <th scope="col" className="num">Bytes out</th>
                <th scope="col" className="num">Rate in / out</th>
              </tr>
            </thead>
            <tbody>
              {data.servers.map((server) => (
                <tr key={server.server}>
                  <td>{server.server}</td>
                  <td className="num">{formatCount(server.users)}</td>
                  <td className="num">{formatCount(server.connections)}</td>
                  <td className="num">{formatBytes(server.bytesIn)}</td>
                  <td className="num">{formatBytes(server.bytesOut)}</td>
                  <td className="num">
                    {formatRate(server.rateIn)} / {formatRate(server.rateOut)}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      ) : null}
    </div>
  );
}
