// A moment shown as "5 minutes ago", with the exact time on hover and in the markup.
import { formatDateTime, formatRelative } from "@/lib/client/format";

export function RelativeTime({ iso, never = "never" }: { iso: string | null; never?: string }) {
  if (!iso) return <span className="muted">{never}</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso, true)}>
      {formatRelative(iso)}
    </time>
  );
}
