// Inline messages. Errors use role="alert" (announced at once); notes use role="status".
import type { ReactNode } from "react";

export type AlertTone = "danger" | "success" | "info" | "warning";

export function Alert({ tone = "danger", title, children }: { tone?: AlertTone; title?: string; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === "danger" ? "alert" : "status"}>
      {title ? <p className="alert-title">{title}</p> : null}
      <div>{children}</div>
    </div>
  );
}
