// When a session ends on its own: its idle expiry and lifetime while live, or when it ended.
import { RelativeTime } from "@/components/ui/relative-time";
import type { SessionView } from "@/lib/sessions/queries";

export function SessionDeadline({ session }: { session: SessionView }) {
  if (session.endedAt) {
    return (
      <span>
        ended <RelativeTime iso={session.endedAt} />
      </span>
    );
  }
  if (!session.idleExpiresAt && !session.expiresAt) return <span className="muted">no expiry</span>;
  return (
    <>
      {session.idleExpiresAt ? (
        <span className="cell-sub">
          idle expiry <RelativeTime iso={session.idleExpiresAt} />
        </span>
      ) : null}
      {session.expiresAt ? (
        <span className="cell-sub">
          lifetime ends <RelativeTime iso={session.expiresAt} />
        </span>
      ) : null}
    </>
  );
}
