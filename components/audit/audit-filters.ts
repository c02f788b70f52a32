// The Audit list's URL: who, what, which target, when, and the page.
import { intParam, textParam } from "@/hooks/use-url-state";
import { PAGE_SIZES } from "@/components/ui/pagination";
import type { AuditFilters } from "@/lib/client/query-keys";

export const AUDIT_PAGE_SIZE = 50;

export function parseAuditFilters(params: URLSearchParams): AuditFilters {
  const valid = (key: string) => {
    const value = textParam(params, key);
    return value && !Number.isNaN(new Date(value).getTime()) ? value : undefined;
  };
  const pageSize = intParam(params, "pageSize", AUDIT_PAGE_SIZE, 500);
  return {
    actor: textParam(params, "actor"),
    action: textParam(params, "action"),
    target: textParam(params, "target"),
    from: valid("from"),
    to: valid("to"),
    page: intParam(params, "page", 1),
    pageSize: PAGE_SIZES.some((size) => size === pageSize) ? pageSize : AUDIT_PAGE_SIZE,
  };
}

export const hasAuditFilters = (filters: AuditFilters) =>
  Boolean(filters.actor || filters.action || filters.target || filters.from || filters.to);
