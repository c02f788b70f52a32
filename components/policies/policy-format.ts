// Policy values as admins read and type them: durations in s/min/h/d, byte counts in KiB/MiB,
// on/off, "none" or "unlimited" for a 0 that means so. Parsing checks the same limits the API does, so most mistakes show up
// under the field before anything is sent.
import { formatBytes, formatDuration, parseBytes, parseDuration } from "@/lib/policy/duration";
import { type MaxSessionsAction, type PolicyField, type PolicyKey, type PolicyValues } from "@/lib/policy/fields";
import type { PolicyScopeRef } from "@/lib/policy/export";

export type PolicyValue = PolicyValues[PolicyKey];

export type ParsedValue = { ok: true; value: PolicyValue } | { ok: false; error: string };

/** Column headings of the overview matrix; the full label is the heading's tooltip. */
export const SHORT_LABELS: Record<PolicyKey, string> = {
  sessionLifetime: "Lifetime",
  idleTokenExpiry: "Idle expiry",
  ipLock: "IP lock",
  inactivityWindow: "Inact. window",
  inactivityBytes: "Inact. bytes",
  inactivityEnforced: "Enforce inact.",
  networkInactivityDormant: "Net idle = dormant",
  keepaliveInterval: "Keepalive",
  keepaliveTimeout: "Keepalive timeout",
  renegotiationInterval: "Reneg.",
  reconnectTokens: "Reconnect tokens",
  autoLogin: "Auto-login",
  maxSessions: "Max sessions",
  maxSessionsAction: "On too many",
};

export const MAX_SESSIONS_ACTION_LABELS: Record<MaxSessionsAction, string> = {
  deny: "deny the new one",
  replace_oldest: "replace the oldest",
};

const isMaxSessionsAction = (value: string): value is MaxSessionsAction => Object.hasOwn(MAX_SESSIONS_ACTION_LABELS, value);

/** "8 h", "64 KiB", "on", "unlimited", "none", "deny the new one". */
export function formatPolicyValue(field: PolicyField, value: PolicyValue): string {
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "string") return isMaxSessionsAction(value) ? MAX_SESSIONS_ACTION_LABELS[value] : value;
  if (field.kind === "boolean" || field.kind === "enum") return String(value);
  if (value === 0 && field.zero !== undefined) return field.zero;
  return field.kind === "duration" ? formatDuration(value) : field.kind === "bytes" ? formatBytes(value) : String(value);
}

const EXACT_BYTE_UNITS = [
  { bytes: 1024 ** 3, label: "GiB" },
  { bytes: 1024 ** 2, label: "MiB" },
  { bytes: 1024, label: "KiB" },
] as const;

/** What an input starts with: exact (formatBytes rounds), and readable back by parseFieldInput. */
export function inputText(field: PolicyField, value: PolicyValue): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return value;
  if (field.kind === "duration") return formatDuration(value);
  if (field.kind === "bytes" && value > 0) {
    const unit = EXACT_BYTE_UNITS.find((candidate) => value % candidate.bytes === 0);
    return unit ? `${value / unit.bytes} ${unit.label}` : String(value);
  }
  return String(value);
}

function inRange(field: PolicyField, value: number): ParsedValue {
  if (field.kind === "boolean" || field.kind === "enum") return { ok: true, value };
  const show = (limit: number) => (field.kind === "duration" ? formatDuration(limit) : field.kind === "bytes" ? `${limit} bytes` : String(limit));
  if (value < field.min) return { ok: false, error: `must be at least ${show(field.min)}` };
  if (value > field.max) return { ok: false, error: `must be at most ${show(field.max)}` };
  return { ok: true, value };
}

/** The value an input holds, or why it is not one. */
export function parseFieldInput(field: PolicyField, text: string): ParsedValue {
  switch (field.kind) {
    case "duration":
    case "bytes": {
      const parsed = field.kind === "duration" ? parseDuration(text) : parseBytes(text);
      return parsed.ok ? inRange(field, parsed.value) : parsed;
    }
    case "count": {
      const trimmed = text.trim();
      if (!/^\d+$/.test(trimmed)) return { ok: false, error: "enter a whole number; 0 = unlimited" };
      return inRange(field, Number(trimmed));
    }
    case "boolean":
      return { ok: true, value: text === "true" };
    case "enum":
      return isMaxSessionsAction(text) ? { ok: true, value: text } : { ok: false, error: "choose what happens" };
  }
}

/** An input shown back in the console's own units once it parses: "8h" becomes "8 h". */
export function normalizeInput(field: PolicyField, text: string): string {
  if (field.kind !== "duration" && field.kind !== "bytes") return text;
  const parsed = parseFieldInput(field, text);
  return parsed.ok ? inputText(field, parsed.value) : text;
}

export function isPolicyValue(field: PolicyField, value: unknown): value is PolicyValue {
  if (field.kind === "boolean") return typeof value === "boolean";
  if (field.kind === "enum") return typeof value === "string" && isMaxSessionsAction(value);
  return typeof value === "number";
}

/** The console page of a scope's editor. */
export function scopeHref(ref: PolicyScopeRef): string {
  if (ref.scope === "default") return "/policies/default";
  return `/policies/${ref.scope === "group" ? "groups" : "users"}/${encodeURIComponent(ref.name)}`;
}
