// The Users list's URL: search, filters, sort and page, parsed the way the API reads them.
import { enumParam, intParam, textParam } from "@/hooks/use-url-state";
import type { VpnUserFilters } from "@/lib/client/query-keys";
import { PAGE_SIZES } from "@/components/ui/pagination";

export const USER_SORTS = ["username", "group", "enabled", "createdAt"] as const;
export type UserSort = (typeof USER_SORTS)[number];

export const DEFAULT_PAGE_SIZE = 50;

/** The group filter value for "users in no group" (the API's convention). */
export const NO_GROUP = "-";

export function parseUserFilters(params: URLSearchParams): VpnUserFilters {
  const pageSize = intParam(params, "pageSize", DEFAULT_PAGE_SIZE, 500);
  return {
    q: textParam(params, "q"),
    group: textParam(params, "group"),
    enabled: enumParam(params, "enabled", ["true", "false"] as const),
    sort: enumParam(params, "sort", USER_SORTS) ?? "username",
    dir: enumParam(params, "dir", ["asc", "desc"] as const) ?? "asc",
    page: intParam(params, "page", 1),
    pageSize: PAGE_SIZES.some((size) => size === pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
}

export const hasUserFilters = (filters: VpnUserFilters) => Boolean(filters.q || filters.group || filters.enabled);
