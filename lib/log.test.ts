import { describe, expect, it } from "vitest";
import { createLogger, formatLogLine, requestIdFrom } from "./log";

describe("structured logs", () => {
  it("writes one JSON object per line: time, level, msg, request_id, then the fields", () => {
    const line = formatLogLine("info", "hook request", { request_id: "abc-12345678", status: 200, server: undefined }, new Date(0));
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({ time: "1970-01-01T00:00:00.000Z", level: "info", msg: "hook request", request_id: "abc-12345678", status: 200 });
    expect(Object.keys(JSON.parse(line) as object).slice(0, 4)).toEqual(["time", "level", "msg", "request_id"]);
  });

  it("logs an error as its name, message and stack, and big counters as text", () => {
    const record = JSON.parse(formatLogLine("error", "failed", { error: new TypeError("bad\nthing"), bytes: 2n ** 64n })) as Record<string, unknown>;
    expect(record.error).toMatchObject({ name: "TypeError", message: "bad\nthing", stack: expect.stringContaining("TypeError") });
    expect(record.bytes).toBe("18446744073709551616");
  });

  it("hands each line to its writer with the level", () => {
    const lines: string[] = [];
    const logger = createLogger((level, line) => lines.push(`${level} ${line}`));
    logger.warn("careful", { request_id: "r-123456789" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn \{"time":"[^"]+","level":"warn","msg":"careful","request_id":"r-123456789"\}$/);
  });

  it("reuses a plausible X-Request-Id and replaces anything else with a new id", () => {
    expect(requestIdFrom("2f1c9a4e-lb-7")).toBe("2f1c9a4e-lb-7");
    expect(requestIdFrom(["first-id-123", "second-id-456"])).toBe("first-id-123");
    for (const bad of [undefined, null, "", "short", "has space in it", 'quote"injection-1234', "x".repeat(129), "line\nbreak-12345"]) {
      expect(requestIdFrom(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});
