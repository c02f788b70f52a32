// Traffic of the current inactivity window against the threshold B: how close an idle tunnel is
// to being cut. Below B over a whole window W means the tunnel counts as inactive.
import type { InactivityView } from "@/lib/live/current-users";
import { formatBytes, formatDuration } from "@/lib/policy/duration";
import styles from "./current-users.module.css";

export function InactivityMeter({ inactivity }: { inactivity: InactivityView | null }) {
  if (!inactivity) return <span className="muted">no threshold</span>;
  const { bytes, threshold, window, windowComplete, enforced } = inactivity;
  const below = bytes < threshold;
  const fill = Math.min(1, bytes / threshold);
  const state = !windowComplete ? "pending" : below ? "below" : "above";
  const summary = `${formatBytes(bytes)} of ${formatBytes(threshold)} in ${formatDuration(window)}`;
  const verdict = !windowComplete
    ? "up for less than one window"
    : below
      ? enforced
        ? "below the threshold: the console cuts it"
        : "below the threshold: the client should disconnect"
      : "above the threshold";
  return (
    <div className={styles.meter} data-state={state} title={`${summary}: ${verdict}`}>
      <div
        className={styles.meterTrack}
        role="meter"
        aria-label="Traffic in the inactivity window"
        aria-valuemin={0}
        aria-valuemax={threshold}
        aria-valuenow={Math.min(bytes, threshold)}
        aria-valuetext={`${summary}, ${verdict}`}
      >
        <div className={styles.meterFill} style={{ width: `${(fill * 100).toFixed(1)}%` }} />
      </div>
      <span className="cell-sub">
        {summary}
        {state === "below" ? " · idle" : ""}
      </span>
    </div>
  );
}
