// What VPN servers send to the hook API. Field names are snake_case, as daemons' environments are,
// so a hook can pass them straight through with curl --data-urlencode.
import { isIP } from "node:net";
import { z } from "zod";
import { isStorableText } from "../validation/common";

/** "X is required" when the field is absent, "X must be text" when it is something else. */
const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be text`) });

// Identifiers end up in database columns and logs: NUL (which PostgreSQL refuses to store) and
// other control characters are never part of a real one, nor half of a surrogate pair (which a
// JSON \u escape can make and no database can store).
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const isPrintable = (value: string) => !CONTROL_CHARACTERS.test(value) && isStorableText(value);
const printable = (what: string) =>
  [
    isPrintable,
    `${what} must not contain control characters or broken Unicode`,
  ] as const;

const ip = text("client_ip")
  .trim()
  .refine((value) => isIP(value) !== 0, "client_ip must be an IPv4 or IPv6 address");

const optionalText = (what: string, max: number) =>
  text(what)
    .trim()
    .max(max, `${what} must be at most ${max} characters`)
    .refine(...printable(what))
    .optional()
    .transform((value) => (value === "" ? undefined : value));

/** Numbers arrive as JSON numbers or as form strings; anything else (true, [], "") is not one. */
const numeric = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value);

const port = z.preprocess(
  (value) => (value === "" ? undefined : numeric(value)),
  z
    .number({ error: "client_port must be a port number" })
    .int("client_port must be a port number")
    .min(0, "client_port must be a port number")
    .max(65535, "client_port must be a port number")
    .optional(),
);

const byteCount = (what: string) =>
  z.preprocess(
    numeric,
    z
      .number({ error: `${what} must be a byte count` })
      .min(0, `${what} must not be negative`)
      .max(Number.MAX_SAFE_INTEGER, `${what} is too large`)
      .int(`${what} must be a whole number`),
  );

const username = text("username")
  .trim()
  .min(1, "username is required")
  .max(64, "username must be at most 64 characters")
  .refine(...printable("username"));

export const SESSION_STATES_FROM_OPENVPN = [
  "Initial",
  "Authenticated",
  "Expired",
  "Invalid",
  "AuthenticatedEmptyUser",
  "ExpiredEmptyUser",
] as const;

export const authHookSchema = z.object({
  username,
  password: text("password")
    .max(1024, "password must be at most 1024 characters")
    .default(""),
  client_ip: ip,
  client_port: port,
  session_id: optionalText("session_id", 256),
  // Hooks pass the daemon's variable through even when it is unset, as an empty string.
  session_state: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .enum(SESSION_STATES_FROM_OPENVPN, {
        error: `session_state must be one of ${SESSION_STATES_FROM_OPENVPN.join(", ")}`,
      })
      .optional(),
  ),
});

export const connectHookSchema = z.object({
  username,
  client_ip: ip,
  client_port: port,
  vpn_ip: optionalText("vpn_ip", 64),
  connection_id: optionalText("connection_id", 128),
  session_id: optionalText("session_id", 256),
  platform: optionalText("platform", 64),
});

const connectionId = text("connection_id")
  .trim()
  .min(1, "connection_id is required")
  .max(128, "connection_id must be at most 128 characters")
  .refine(...printable("connection_id"));

export const DISCONNECT_REASONS = ["graceful", "dropped", "killed", "unknown"] as const;

export const disconnectHookSchema = z.object({
  username: username.optional(),
  client_ip: ip.optional(),
  client_port: port,
  connection_id: connectionId,
  bytes_received: byteCount("bytes_received").default(0),
  bytes_sent: byteCount("bytes_sent").default(0),
  duration: byteCount("duration").optional(),
  reason: z
    .enum(DISCONNECT_REASONS, { error: `reason must be one of ${DISCONNECT_REASONS.join(", ")}` })
    .default("unknown"),
});

/** What the agent can tell from the daemon about how a tunnel ended. */
export const REPORTED_DISCONNECT_REASONS = ["graceful", "dropped"] as const;

export const disconnectReasonHookSchema = z.object({
  connection_id: connectionId,
  reason: z.enum(REPORTED_DISCONNECT_REASONS, { error: `reason must be one of ${REPORTED_DISCONNECT_REASONS.join(", ")}` }),
});

/** Connections per traffic report; an agent with more splits them over several requests. */
export const MAX_TRAFFIC_CONNECTIONS = 10_000;
/** Tunnels one server may list in an agent poll (at about 25 bytes each, within the body limit). */
export const MAX_LIVE_CONNECTIONS = 50_000;

const unixSeconds = (what: string) =>
  z
    .number({ error: `${what} must be a Unix time in seconds` })
    .positive(`${what} must be a Unix time in seconds`)
    .max(1e11, `${what} must be a Unix time in seconds, not milliseconds`);

export const trafficHookSchema = z.object({
  connections: z
    .array(
      z.object({
        connection_id: connectionId,
        bytes_received: byteCount("bytes_received"),
        bytes_sent: byteCount("bytes_sent"),
        at: unixSeconds("at").optional(),
      }),
      { error: "connections must be a list of {connection_id, bytes_received, bytes_sent, at?}" },
    )
    .max(MAX_TRAFFIC_CONNECTIONS, `at most ${MAX_TRAFFIC_CONNECTIONS} connections per report`),
});

type TrafficEntry = TrafficHookInput["connections"][number];

/** One well-formed report entry as trafficHookSchema would return it, or null to let zod judge it. */
function plainTrafficEntry(entry: unknown): TrafficEntry | null {
  if (typeof entry !== "object" || entry === null) return null;
  const { connection_id: rawId, bytes_received: received, bytes_sent: sent, at } = entry as Record<string, unknown>;
  if (typeof rawId !== "string") return null;
  const id = rawId.trim();
  if (id.length === 0 || id.length > 128 || !isPrintable(id)) return null;
  const count = (value: unknown) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
  if (!count(received) || !count(sent)) return null;
  if (at !== undefined && !(typeof at === "number" && at > 0 && at <= 1e11)) return null;
  const plain: TrafficEntry = { connection_id: id, bytes_received: received as number, bytes_sent: sent as number };
  if (at !== undefined) plain.at = at as number;
  return plain;
}

/**
 * trafficHookSchema.parse, without zod's per-field machinery for the thousands of well-formed
 * entries of a report; anything else goes to the schema, so answers and messages are its own.
 */
export function parseTrafficHook(fields: Record<string, unknown>): TrafficHookInput {
  const list = fields.connections;
  if (!Array.isArray(list) || list.length > MAX_TRAFFIC_CONNECTIONS) return trafficHookSchema.parse(fields);
  const connections: TrafficEntry[] = [];
  for (const entry of list) {
    const plain = plainTrafficEntry(entry);
    if (!plain) return trafficHookSchema.parse(fields);
    connections.push(plain);
  }
  return { connections };
}

/** An agent's poll for orders, carrying its answers to orders it has carried out. */
export const agentPollSchema = z.object({
  acks: z
    .array(
      z.object({
        id: z.string({ error: "acks[].id is required" }).min(1, "acks[].id is required").max(64, "acks[].id is too long"),
        ok: z.boolean({ error: "acks[].ok must be true or false" }),
        detail: z.string().max(500, "acks[].detail must be at most 500 characters").optional(),
      }),
    )
    .max(1000, "at most 1000 acks per poll")
    .default([]),
  /** Every tunnel up on the server as the agent last read it (see lib/sessions/vanished.ts). */
  live: z
    .object({
      connection_ids: z.array(connectionId, { error: "live.connection_ids must be a list" }).max(MAX_LIVE_CONNECTIONS, `at most ${MAX_LIVE_CONNECTIONS} live connections`),
      at: unixSeconds("live.at"),
    })
    .optional(),
});

export type AuthHookInput = z.infer<typeof authHookSchema>;
export type ConnectHookInput = z.infer<typeof connectHookSchema>;
export type DisconnectHookInput = z.infer<typeof disconnectHookSchema>;
export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];
export type DisconnectReasonHookInput = z.infer<typeof disconnectReasonHookSchema>;
export type TrafficHookInput = z.infer<typeof trafficHookSchema>;
export type AgentPollInput = z.infer<typeof agentPollSchema>;
