// Session states (product.md "Session life").
export const SESSION_STATES = ["pending", "active", "dormant", "expired", "revoked", "ended"] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** States whose token may still be used. */
export const LIVE_STATES: SessionState[] = ["pending", "active", "dormant"];

/** A session authenticated but never connected is dropped after this long (BC: short-lived). */
export const PENDING_TIMEOUT_SECONDS = 120;
