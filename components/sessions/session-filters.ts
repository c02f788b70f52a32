// The Sessions list's URL: state tab, user and server filters, and the page.
import { PAGE_SIZES } from "@/components/ui/pagination";
import { enumParam, intParam, textParam } from "@/hooks/use-url-state";
import type { SessionFilters } from "@/lib/client/query-keys";
import { SESSION_STATES } from "@/lib/sessions/states";

export const SESSIONS_PAGE_SIZE = 50;

export function parseSessionFilters(params: URLSearchParams): SessionFilters {
  const pageSize = intParam(params, "pageSize", SESSIONS_PAGE_SIZE, 500);
  return {
    state: enumParam(params, "state", SESSION_STATES),
    user: textParam(params, "user"),
    server: textParam(params, "server"),
    page: intParam(params, "page", 1),
    pageSize: PAGE_SIZES.some((size) => size === pageSize) ? pageSize : SESSIONS_PAGE_SIZE,
  };
}

export const hasSessionFilters = (filters: SessionFilters) => Boolean(filters.user || filters.server);
