// Server-side paging controls: where we are, how many there are, previous/next and page size.
import { formatCount } from "@/lib/client/format";
import { Button } from "./button";

export const PAGE_SIZES = [25, 50, 100, 200] as const;

export interface PaginationProps {
  page: number;
  pageSize: number;
  total: number;
  noun: string;
  onPage: (page: number) => void;
  onPageSize?: (pageSize: number) => void;
}

export function Pagination({ page, pageSize, total, noun, onPage, onPageSize }: PaginationProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav className="pagination" aria-label="Pagination">
      <p className="pagination-summary" aria-live="polite">
        {total === 0 ? `No ${noun}` : `${formatCount(first)}–${formatCount(last)} of ${formatCount(total)} ${noun}`}
      </p>
      <div className="pagination-controls">
        {onPageSize ? (
          <label className="pagination-size">
            <span>Rows per page</span>
            <select className="input select" value={pageSize} onChange={(event) => onPageSize(Number(event.target.value))}>
              {PAGE_SIZES.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <Button size="sm" onClick={() => onPage(page - 1)} disabled={page <= 1}>
          Previous page
        </Button>
        <span className="pagination-page">
          Page {formatCount(Math.min(page, pages))} of {formatCount(pages)}
        </span>
        <Button size="sm" onClick={() => onPage(page + 1)} disabled={page >= pages}>
          Next page
        </Button>
      </div>
    </nav>
  );
}
