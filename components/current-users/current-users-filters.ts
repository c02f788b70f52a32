// The Current Users URL: search, filters, sort and page, parsed the way the API reads them.
import { PAGE_SIZES } from "@/components/ui/pagination";
import { enumParam, intParam, textParam } from "@/hooks/use-url-state";
import type { CurrentUsersFilters } from "@/lib/client/query-keys";
import { CURRENT_USERS_SORTS } from "@/lib/live/current-users-sorts";

export const DEFAULT_PAGE_SIZE = 50;

export function parseCurrentUsersFilters(params: URLSearchParams): CurrentUsersFilters {
  const pageSize = intParam(params, "pageSize", DEFAULT_PAGE_SIZE, 500);
  return {
    q: textParam(params, "q"),
    server: textParam(params, "server"),
    group: textParam(params, "group"),
    sort: enumParam(params, "sort", CURRENT_USERS_SORTS) ?? "connectedAt",
    order: enumParam(params, "order", ["asc", "desc"] as const) ?? "desc",
    page: intParam(params, "page", 1),
    pageSize: PAGE_SIZES.some((size) => size === pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
}

export const hasCurrentUsersFilters = (filters: CurrentUsersFilters) => Boolean(filters.q || filters.server || filters.group);
