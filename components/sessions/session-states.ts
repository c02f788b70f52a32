// How each session state looks and what it means (product.md "Session life").
import type { BadgeTone } from "@/components/ui/badge";
import { SESSION_STATES, type SessionState } from "@/lib/sessions/states";

export const SESSION_STATE_INFO: Record<SessionState, { label: string; tone: BadgeTone; meaning: string }> = {
  pending: { label: "Pending", tone: "info", meaning: "Authenticated; the tunnel is not up yet. Short-lived." },
  active: { label: "Active", tone: "success", meaning: "At least one tunnel is up." },
  dormant: {
    label: "Dormant",
    tone: "warning",
    meaning: "No tunnel is up, but the token still works for a silent reconnect until the idle token expiry.",
  },
  expired: { label: "Expired", tone: "neutral", meaning: "The idle token expiry or the session lifetime ran out." },
  revoked: {
    label: "Revoked",
    tone: "danger",
    meaning: "An admin invalidated it, or max concurrent sessions replaced it with a newer one.",
  },
  ended: { label: "Ended", tone: "neutral", meaning: "The user disconnected gracefully; the token expired at once." },
};

export const isSessionState = (value: string): value is SessionState => SESSION_STATES.some((state) => state === value);
