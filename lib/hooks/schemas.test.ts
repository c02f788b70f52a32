import { describe, expect, it } from "vitest";
import { MAX_TRAFFIC_CONNECTIONS, parseTrafficHook, trafficHookSchema } from "./schemas";

/** The result of a parser, or the message it throws. */
function outcome(parse: () => unknown): unknown {
  try {
    return { ok: parse() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

const entries: unknown[] = [
  { connection_id: "c-1", bytes_received: 10, bytes_sent: 0 },
  { connection_id: "  c-2 ", bytes_received: 0, bytes_sent: 7, at: 1_790_000_000.25, extra: "dropped" },
  { connection_id: "c-3", bytes_received: "42", bytes_sent: 1 },
  { connection_id: "c-4", bytes_received: -1, bytes_sent: 0 },
  { connection_id: "c-5", bytes_received: 1.5, bytes_sent: 0 },
  { connection_id: "c-6", bytes_received: Number.MAX_SAFE_INTEGER + 1, bytes_sent: 0 },
  { connection_id: "c-7", bytes_received: 1, bytes_sent: 1, at: Date.now() },
  { connection_id: "c-8", bytes_received: 1, bytes_sent: 1, at: 0 },
  { connection_id: "c-9", bytes_received: 1, bytes_sent: 1, at: "1790000000" },
  { connection_id: "   ", bytes_received: 1, bytes_sent: 1 },
  { connection_id: "x".repeat(129), bytes_received: 1, bytes_sent: 1 },
  { connection_id: "bad\u0000id", bytes_received: 1, bytes_sent: 1 },
  { connection_id: "half\ud800pair", bytes_received: 1, bytes_sent: 1 },
  { connection_id: 17, bytes_received: 1, bytes_sent: 1 },
  { bytes_received: 1, bytes_sent: 1 },
  { connection_id: "c-10", bytes_received: 1 },
  { connection_id: "c-11", bytes_received: null, bytes_sent: 1 },
  ["c-12", 1, 1],
  null,
  "c-13",
];

describe("parseTrafficHook", () => {
  it.each(entries.map((entry) => [JSON.stringify(entry)?.slice(0, 60), entry]))("answers %s as the schema does", (_, entry) => {
    const fields = { connections: [{ connection_id: "ok", bytes_received: 1, bytes_sent: 2 }, entry] };
    expect(outcome(() => parseTrafficHook(fields))).toEqual(outcome(() => trafficHookSchema.parse(fields)));
  });

  it.each([
    ["no list", {}],
    ["a list that is not one", { connections: "c-1" }],
    ["too many connections", { connections: Array.from({ length: MAX_TRAFFIC_CONNECTIONS + 1 }, () => ({ connection_id: "1", bytes_received: 1, bytes_sent: 1 })) }],
    ["an empty list", { connections: [] }],
  ])("answers %s as the schema does", (_, fields: Record<string, unknown>) => {
    expect(outcome(() => parseTrafficHook(fields))).toEqual(outcome(() => trafficHookSchema.parse(fields)));
  });
});
