import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, parseBytes, parseDuration } from "./duration";

const seconds = (text: string) => {
  const parsed = parseDuration(text);
  return parsed.ok ? parsed.value : parsed.error;
};

const bytes = (text: string) => {
  const parsed = parseBytes(text);
  return parsed.ok ? parsed.value : parsed.error;
};

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [30, "30 s"],
    [300, "5 min"],
    [28800, "8 h"],
    [86400, "1 d"],
    [93600, "1 d 2 h"],
    [90061, "1 d 1 h 1 min 1 s"],
    [5400, "1 h 30 min"],
    [1209600, "14 d"],
    [315360000, "3650 d"],
  ])("%i s -> %s", (value, text) => {
    expect(formatDuration(value)).toBe(text);
  });

  it("does not pretend a value that is not a duration is one", () => {
    expect(formatDuration(-5)).toBe("-5 s");
    expect(formatDuration(1.5)).toBe("1.5 s");
  });
});

describe("parseDuration", () => {
  it.each([
    ["30", 30],
    ["0", 0],
    ["30s", 30],
    ["30 s", 30],
    ["30 seconds", 30],
    ["5 min", 300],
    ["5m", 300],
    ["5 minutes", 300],
    ["8h", 28800],
    ["8 hours", 28800],
    ["1d", 86400],
    ["1 d 2 h", 93600],
    ["1d2h", 93600],
    ["1 h, 30 min", 5400],
    ["1.5h", 5400],
    ["0.1 h", 360],
    [".5 min", 30],
    ["2 w", 1209600],
    ["  8 H  ", 28800],
  ])("%j -> %i s", (text, value) => {
    expect(seconds(text)).toBe(value);
  });

  it.each([
    ["", /enter a duration/],
    ["   ", /enter a duration/],
    ["-5", /cannot be negative/],
    ["-5 min", /cannot be negative/],
    ["abc", /is not a duration/],
    ["5 fortnights", /unknown unit "fortnights"/],
    ["5 constructor", /unknown unit "constructor"/],
    ["1e5", /unknown unit "e"/],
    ["1.5 s", /not a whole number of seconds/],
    ["1 h 30", /give a unit for every number/],
    ["30 1 h", /give a unit for every number/],
    ["1 h 2 h", /"h" appears twice/],
    ["5 min!", /is not a duration/],
    ["99999999999999999999 d", /too large/],
    ["1.00000000000000000001 h", /too large or too precise/],
  ])("rejects %j", (text, error) => {
    const parsed = parseDuration(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });

  it("round-trips every formatted duration", () => {
    for (const value of [0, 1, 59, 60, 61, 299, 300, 3599, 3600, 3601, 86399, 86400, 90061, 604800, 315360000]) {
      expect(seconds(formatDuration(value))).toBe(value);
    }
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [512, "512 B"],
    [1023, "1023 B"],
    [1024, "1 KiB"],
    [1536, "1.5 KiB"],
    [100000, "97.66 KiB"],
    [1048576, "1 MiB"],
    [2147483647, "2 GiB"],
  ])("%i -> %s (1 KiB = 1024 bytes)", (value, text) => {
    expect(formatBytes(value)).toBe(text);
  });
});

describe("parseBytes", () => {
  it.each([
    ["100000", 100000],
    ["0", 0],
    ["512 B", 512],
    ["512 bytes", 512],
    ["100 KB", 100000],
    ["100kb", 100000],
    ["1 KiB", 1024],
    ["1.5 KiB", 1536],
    ["2 MiB", 2097152],
    ["2 MB", 2000000],
    ["1 GiB", 1073741824],
  ])("%j -> %i", (text, value) => {
    expect(bytes(text)).toBe(value);
  });

  it.each([
    ["", /enter a byte count/],
    ["-1 KB", /cannot be negative/],
    ["lots", /is not a byte count/],
    ["5 K", /unknown unit "k".*KiB \(1024 bytes\)/],
    ["5 constructor", /unknown unit "constructor"/],
    ["1.5 B", /not a whole number of bytes/],
    ["1.0001 KB", /not a whole number of bytes/],
    ["99999999999999 GiB", /too large/],
  ])("rejects %j", (text, error) => {
    const parsed = parseBytes(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });

  it("reads back exact binary values it formats", () => {
    for (const value of [0, 512, 1024, 1536, 1048576, 3 * 1024 ** 3]) expect(bytes(formatBytes(value))).toBe(value);
  });
});
