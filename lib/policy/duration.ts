// Durations and byte counts as admins type and read them. Policy values are stored as whole
// seconds and whole bytes; these helpers only convert, the field limits live in fields.ts.

export type Parsed = { ok: true; value: number } | { ok: false; error: string };

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const DURATION_UNITS: ReadonlyArray<{ seconds: number; label: string; names: readonly string[] }> = [
  { seconds: 7 * DAY, label: "w", names: ["w", "wk", "wks", "week", "weeks"] },
  { seconds: DAY, label: "d", names: ["d", "day", "days"] },
  { seconds: HOUR, label: "h", names: ["h", "hr", "hrs", "hour", "hours"] },
  { seconds: MINUTE, label: "min", names: ["m", "min", "mins", "minute", "minutes"] },
  { seconds: 1, label: "s", names: ["s", "sec", "secs", "second", "seconds"] },
];

/** Display units: weeks are accepted on input but "14 d" reads better than "2 w". */
const DISPLAY_UNITS = DURATION_UNITS.filter((unit) => unit.label !== "w");

/** 90061 -> "1 d 1 h 1 min 1 s"; exact, so a configured value is never shown rounded. */
export function formatDuration(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) return `${seconds} s`;
  if (seconds === 0) return "0 s";
  const parts: string[] = [];
  let rest = seconds;
  for (const unit of DISPLAY_UNITS) {
    const count = Math.floor(rest / unit.seconds);
    if (count > 0) parts.push(`${count} ${unit.label}`);
    rest -= count * unit.seconds;
  }
  return parts.join(" ");
}

// A number (no sign, no exponent) optionally followed by a unit word.
const TERM = /(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)/gy;

/**
 * Multiplies a decimal string by a whole unit without binary rounding: "0.1" h is exactly 360 s.
 * "fraction" when the result is not whole, "overflow" when it leaves the safe integer range.
 */
function scaleDecimal(text: string, unit: number): number | "fraction" | "overflow" {
  const [whole = "", fraction = ""] = text.split(".");
  const scale = 10 ** fraction.length;
  const numerator = Number(whole || "0") * scale + Number(fraction || "0");
  const product = numerator * unit;
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(product)) return "overflow";
  if (product % scale !== 0) return "fraction";
  return product / scale;
}

/**
 * "30", "30s", "5 min", "8h", "1 d 2 h", "1.5h" -> seconds. A bare number is seconds and only
 * allowed alone, since "1 h 30" could mean minutes or seconds.
 */
export function parseDuration(text: string): Parsed {
  const input = text.trim().toLowerCase();
  if (input === "") return { ok: false, error: "enter a duration, e.g. 30 s, 5 min, 8 h or 1 d" };
  if (input.startsWith("-")) return { ok: false, error: "a duration cannot be negative" };

  let total = 0;
  let position = 0;
  let terms = 0;
  const seen = new Set<string>();
  while (position < input.length) {
    TERM.lastIndex = position;
    const match = TERM.exec(input);
    if (!match) return { ok: false, error: `"${text.trim()}" is not a duration, e.g. 30 s, 5 min, 8 h or 1 d` };
    const [, number = "", unitName = ""] = match;
    const unit =
      unitName === "" ? DURATION_UNITS[DURATION_UNITS.length - 1] : DURATION_UNITS.find((u) => u.names.includes(unitName));
    if (!unit) return { ok: false, error: `unknown unit "${unitName}": use s, min, h, d or w` };
    if (unitName === "" && (terms > 0 || match.index + match[0].length < input.length)) {
      return { ok: false, error: `give a unit for every number in "${text.trim()}", e.g. 1 h 30 min` };
    }
    if (seen.has(unit.label)) return { ok: false, error: `"${unit.label}" appears twice in "${text.trim()}"` };
    seen.add(unit.label);
    const seconds = scaleDecimal(number, unit.seconds);
    if (seconds === "overflow") return { ok: false, error: "the duration is too large or too precise" };
    if (seconds === "fraction") return { ok: false, error: `${number} ${unitName || "s"} is not a whole number of seconds` };
    total += seconds;
    if (!Number.isSafeInteger(total)) return { ok: false, error: "the duration is too large" };
    terms += 1;
    position = match.index + match[0].length;
    while (input[position] === " " || input[position] === ",") position += 1;
  }
  return { ok: true, value: total };
}

// Binary units: the console shows KiB/MiB/GiB (1 KiB = 1024 bytes) and says so in the unit name.
const BINARY_UNITS = [
  { bytes: 1024 ** 3, label: "GiB" },
  { bytes: 1024 ** 2, label: "MiB" },
  { bytes: 1024, label: "KiB" },
] as const;

/** 1536 -> "1.5 KiB", 100000 -> "97.66 KiB", 512 -> "512 B". 1 KiB = 1024 bytes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return `${bytes} B`;
  for (const unit of BINARY_UNITS) {
    if (bytes >= unit.bytes) {
      const amount = Math.round((bytes / unit.bytes) * 100) / 100;
      return `${amount} ${unit.label}`;
    }
  }
  return `${bytes} B`;
}

// "KB" is 1000 bytes as in the Access Server guide ("100 kilobytes" = 100000 bytes); "KiB" is 1024.
const BYTE_UNITS: ReadonlyMap<string, number> = new Map([
  ["", 1],
  ["b", 1],
  ["byte", 1],
  ["bytes", 1],
  ["kb", 1000],
  ["kib", 1024],
  ["mb", 1000 ** 2],
  ["mib", 1024 ** 2],
  ["gb", 1000 ** 3],
  ["gib", 1024 ** 3],
]);

/** "100000", "100 KB" (= 100000), "1.5 KiB" (= 1536), "2 MiB" -> bytes. */
export function parseBytes(text: string): Parsed {
  const input = text.trim().toLowerCase();
  if (input === "") return { ok: false, error: "enter a byte count, e.g. 100 KB or 64 KiB" };
  if (input.startsWith("-")) return { ok: false, error: "a byte count cannot be negative" };
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$/.exec(input);
  if (!match) return { ok: false, error: `"${text.trim()}" is not a byte count, e.g. 100 KB or 64 KiB` };
  const [, number = "", unitName = ""] = match;
  const unit = BYTE_UNITS.get(unitName);
  if (unit === undefined) {
    return { ok: false, error: `unknown unit "${unitName}": use B, KB (1000 bytes), KiB (1024 bytes), MB, MiB, GB or GiB` };
  }
  const bytes = scaleDecimal(number, unit);
  if (bytes === "overflow") return { ok: false, error: "the byte count is too large or too precise" };
  if (bytes === "fraction") return { ok: false, error: `${text.trim()} is not a whole number of bytes` };
  return { ok: true, value: bytes };
}
