// The one description of the session policy fields: names, kinds, built-in defaults, limits and
// the zod schema of a partial update. Everything else in lib/policy derives from this file.
import { z } from "zod";

export const MAX_SESSIONS_ACTIONS = ["deny", "replace_oldest"] as const;
export type MaxSessionsAction = (typeof MAX_SESSIONS_ACTIONS)[number];

/** A complete, effective policy: every field has a value. Durations are whole seconds. */
export interface PolicyValues {
  sessionLifetime: number;
  idleTokenExpiry: number;
  ipLock: boolean;
  inactivityWindow: number;
  inactivityBytes: number;
  inactivityEnforced: boolean;
  networkInactivityDormant: boolean;
  keepaliveInterval: number;
  keepaliveTimeout: number;
  renegotiationInterval: number;
  reconnectTokens: boolean;
  autoLogin: boolean;
  maxSessions: number;
  maxSessionsAction: MaxSessionsAction;
}

export type PolicyKey = keyof PolicyValues;

/** What one scope (DEFAULT, a group, a user) sets; absent or null means "inherit". */
export type PolicyOverrides = { [K in PolicyKey]?: PolicyValues[K] | null };

type KeysWithValue<T> = { [K in PolicyKey]: PolicyValues[K] extends T ? K : never }[PolicyKey];
export type NumericPolicyKey = KeysWithValue<number>;
export type BooleanPolicyKey = KeysWithValue<boolean>;

/** Ten years: anything longer is not a limit any more. */
export const MAX_DURATION_SECONDS = 315_360_000;
/** Byte counts are stored in a 32-bit signed integer column. */
export const MAX_BYTES = 2_147_483_647;
export const MAX_SESSIONS_LIMIT = 1000;

export const BUILTIN_POLICY: Readonly<PolicyValues> = Object.freeze({
  sessionLifetime: 86_400,
  idleTokenExpiry: 300,
  ipLock: true,
  inactivityWindow: 0,
  inactivityBytes: 0,
  inactivityEnforced: false,
  networkInactivityDormant: false,
  keepaliveInterval: 10,
  keepaliveTimeout: 60,
  renegotiationInterval: 3600,
  reconnectTokens: true,
  autoLogin: false,
  maxSessions: 0,
  maxSessionsAction: "deny",
});

interface FieldBase {
  label: string;
  /** One line: what the field does. */
  meaning: string;
}

export interface NumericPolicyField extends FieldBase {
  key: NumericPolicyKey;
  kind: "duration" | "bytes" | "count";
  builtin: number;
  min: number;
  max: number;
  /** What 0 means for this field ("none", "off", "unlimited"), where it is not a plain zero. */
  zero?: string;
}

export interface BooleanPolicyField extends FieldBase {
  key: BooleanPolicyKey;
  kind: "boolean";
  builtin: boolean;
}

export interface EnumPolicyField extends FieldBase {
  key: "maxSessionsAction";
  kind: "enum";
  builtin: MaxSessionsAction;
  options: readonly MaxSessionsAction[];
}

export type PolicyField = NumericPolicyField | BooleanPolicyField | EnumPolicyField;
export type PolicyFieldKind = PolicyField["kind"];

const duration = (key: NumericPolicyKey, label: string, meaning: string, zero?: string): NumericPolicyField => ({
  key,
  kind: "duration",
  label,
  meaning,
  builtin: BUILTIN_POLICY[key],
  min: 0,
  max: MAX_DURATION_SECONDS,
  ...(zero === undefined ? {} : { zero }),
});

const boolean = (key: BooleanPolicyKey, label: string, meaning: string): BooleanPolicyField => ({
  key,
  kind: "boolean",
  label,
  meaning,
  builtin: BUILTIN_POLICY[key],
});

/** In the order of the product's policy table. */
export const POLICY_FIELDS: readonly PolicyField[] = Object.freeze([
  duration(
    "sessionLifetime",
    "Session lifetime",
    "Absolute life of a session from its first authentication; 0 = none.",
    "none",
  ),
  duration(
    "idleTokenExpiry",
    "Idle token expiry",
    "How long a session's token stays usable while no tunnel uses it (dormant).",
  ),
  boolean("ipLock", "IP lock", "The token is only accepted from the client IP of the original authentication."),
  duration(
    "inactivityWindow",
    "Inactivity window",
    "Seconds over which a tunnel's traffic is measured for the inactivity threshold; 0 = off.",
    "off",
  ),
  {
    key: "inactivityBytes",
    kind: "bytes",
    label: "Inactivity bytes",
    meaning: "A tunnel that moves fewer bytes (in + out) than this over the window is disconnected; 0 = off.",
    builtin: BUILTIN_POLICY.inactivityBytes,
    min: 0,
    max: MAX_BYTES,
    zero: "off",
  },
  boolean(
    "inactivityEnforced",
    "Enforce inactivity on the server",
    "The server disconnects tunnels below the threshold instead of only asking the client to.",
  ),
  boolean(
    "networkInactivityDormant",
    "Network inactivity counts as dormant",
    "An up tunnel that passes no traffic counts toward idle token expiry.",
  ),
  duration(
    "keepaliveInterval",
    "Keepalive interval",
    "How often each side checks that the other is alive; 0 = no pings.",
    "no pings",
  ),
  duration(
    "keepaliveTimeout",
    "Keepalive timeout",
    "Silence after which a connection is declared dead; 0 = never.",
    "never",
  ),
  duration(
    "renegotiationInterval",
    "Renegotiation interval",
    "Data-channel key renegotiation; the session is checked again at each; 0 = no timed renegotiation.",
    "off",
  ),
  boolean(
    "reconnectTokens",
    "Reconnect tokens",
    "Issue a session token at all; off = every reconnect asks for credentials.",
  ),
  boolean("autoLogin", "Auto-login", "Exempt from session lifetime and idle token expiry (device profiles)."),
  {
    key: "maxSessions",
    kind: "count",
    label: "Max concurrent sessions",
    meaning: "Sessions one user may hold at once across all servers; 0 = unlimited.",
    builtin: BUILTIN_POLICY.maxSessions,
    min: 0,
    max: MAX_SESSIONS_LIMIT,
    zero: "unlimited",
  },
  {
    key: "maxSessionsAction",
    kind: "enum",
    label: "On too many sessions",
    meaning: "Deny the new session, or replace (revoke) the user's oldest one.",
    builtin: BUILTIN_POLICY.maxSessionsAction,
    options: MAX_SESSIONS_ACTIONS,
  },
]);

export const POLICY_KEYS: readonly PolicyKey[] = POLICY_FIELDS.map((field) => field.key);

const FIELD_BY_KEY = new Map<PolicyKey, PolicyField>(POLICY_FIELDS.map((field) => [field.key, field]));

export function policyField(key: PolicyKey): PolicyField {
  const field = FIELD_BY_KEY.get(key);
  // Unreachable while POLICY_FIELDS lists every key; the test suite checks that it does.
  if (!field) throw new Error(`no policy field ${key}`);
  return field;
}

export function isPolicyKey(key: string): key is PolicyKey {
  return FIELD_BY_KEY.has(key as PolicyKey);
}

function numericField(key: NumericPolicyKey): NumericPolicyField {
  const field = policyField(key);
  // Unreachable: NumericPolicyKey only names the fields built as numeric above.
  if (field.kind === "boolean" || field.kind === "enum") throw new Error(`policy field ${key} is not numeric`);
  return field;
}

const UNIT: Record<NumericPolicyField["kind"], string> = { duration: " s", bytes: " bytes", count: "" };

function numberSchema(key: NumericPolicyKey) {
  const { kind, min, max } = numericField(key);
  const whole = kind === "duration" ? "a whole number of seconds" : "a whole number";
  const years = kind === "duration" && max === MAX_DURATION_SECONDS ? " (10 years)" : "";
  return z
    .number({ error: `must be ${whole}` })
    .int(`must be ${whole}`)
    .min(min, `must be at least ${min}${UNIT[kind]}`)
    .max(max, `must be at most ${max}${UNIT[kind]}${years}`);
}

const booleanSchema = () => z.boolean({ error: "must be true or false" });

const maxSessionsActionSchema = z.enum(MAX_SESSIONS_ACTIONS, {
  error: `must be one of ${MAX_SESSIONS_ACTIONS.map((option) => `"${option}"`).join(", ")}`,
});

/** One field's value, without null: the schema import uses to check a value it read. */
export const policyValueSchemas = {
  sessionLifetime: numberSchema("sessionLifetime"),
  idleTokenExpiry: numberSchema("idleTokenExpiry"),
  ipLock: booleanSchema(),
  inactivityWindow: numberSchema("inactivityWindow"),
  inactivityBytes: numberSchema("inactivityBytes"),
  inactivityEnforced: booleanSchema(),
  networkInactivityDormant: booleanSchema(),
  keepaliveInterval: numberSchema("keepaliveInterval"),
  keepaliveTimeout: numberSchema("keepaliveTimeout"),
  renegotiationInterval: numberSchema("renegotiationInterval"),
  reconnectTokens: booleanSchema(),
  autoLogin: booleanSchema(),
  maxSessions: numberSchema("maxSessions"),
  maxSessionsAction: maxSessionsActionSchema,
} satisfies { [K in PolicyKey]: z.ZodType<PolicyValues[K]> };

type PatchShape = { [K in PolicyKey]: z.ZodOptional<z.ZodNullable<(typeof policyValueSchemas)[K]>> };

function patchShape(): PatchShape {
  const s = policyValueSchemas;
  return {
    sessionLifetime: s.sessionLifetime.nullable().optional(),
    idleTokenExpiry: s.idleTokenExpiry.nullable().optional(),
    ipLock: s.ipLock.nullable().optional(),
    inactivityWindow: s.inactivityWindow.nullable().optional(),
    inactivityBytes: s.inactivityBytes.nullable().optional(),
    inactivityEnforced: s.inactivityEnforced.nullable().optional(),
    networkInactivityDormant: s.networkInactivityDormant.nullable().optional(),
    keepaliveInterval: s.keepaliveInterval.nullable().optional(),
    keepaliveTimeout: s.keepaliveTimeout.nullable().optional(),
    renegotiationInterval: s.renegotiationInterval.nullable().optional(),
    reconnectTokens: s.reconnectTokens.nullable().optional(),
    autoLogin: s.autoLogin.nullable().optional(),
    maxSessions: s.maxSessions.nullable().optional(),
    maxSessionsAction: s.maxSessionsAction.nullable().optional(),
  };
}

/**
 * Body of a policy PUT: any subset of fields; null clears a field back to "inherit". Errors carry
 * the field as their path; an unknown key is rejected by name so a typo is not silently ignored.
 */
export const policyPatchSchema = z.strictObject(patchShape(), {
  error: (issue) => {
    if (issue.code === "unrecognized_keys") {
      const names = issue.keys.map((key) => `"${key}"`).join(", ");
      return `unknown policy field${issue.keys.length > 1 ? "s" : ""} ${names}`;
    }
    return "policy must be an object of fields";
  },
});

export type PolicyPatch = z.infer<typeof policyPatchSchema>;
