// Building blocks of the fuzz tests (hook API and admin API): a seeded generator, so every run
// sends the same requests and a failure reproduces; hostile values of every JSON type; and a
// fingerprint of every table, so any write anywhere shows.
import type { Db } from "../db";
import { Prisma } from "../generated/sqlite/client";

/** mulberry32: a small seeded generator. */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T,>(items: readonly T[]): T => items[int(items.length)] as T;
  return { int, pick };
}
export type Random = ReturnType<typeof random>;

/** Text that trips parsers, SQL, paths, shells and terminals. */
export const JUNK_TEXT = ["", " ", "\u0000", "\n\r\t", "💥", "' OR 1=1 --", "../../etc/passwd", "%00", "\u202e", "a".repeat(5000), "=&=&", "${x}", "null"];

/** Text that is not well-formed Unicode or holds control characters. */
export const BAD_UNICODE = ["\ud800", "a\udfffb", "\udc00\ud800", "x\u0000y", "\u0000", "\u0007bell", "\u001b[2J"];

/** Numbers no field of the console accepts as given. */
export const OUT_OF_RANGE = [-1, -0.5, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, -(2 ** 31) - 1];

/** A random JSON value of any type, nested at most a few levels. */
export function junk(r: Random, depth = 0): unknown {
  switch (r.int(depth > 2 ? 5 : 8)) {
    case 0:
      return r.pick(JUNK_TEXT);
    case 1:
      return r.pick([0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2]);
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return "x".repeat(r.int(300));
    case 4:
      return String.fromCharCode(...Array.from({ length: 1 + r.int(20) }, () => r.int(0xd800)));
    case 5:
      return Array.from({ length: r.int(4) }, () => junk(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: r.int(4) }, (_, i) => [`k${i}`, junk(r, depth + 1)]));
  }
}

/** Values no scalar field accepts, whatever its type: containers, and text no field allows. */
export function neverScalar(r: Random): unknown {
  switch (r.int(6)) {
    case 0:
      return [junk(r, 2)];
    case 1:
      return { nested: junk(r, 2) };
    case 2:
      return r.pick(BAD_UNICODE);
    case 3:
      return nested(r.int(2000) + 10, r.int(2) === 0);
    case 4:
      return [];
    default:
      return {};
  }
}

/** A value nested `depth` levels deep, in arrays or objects. */
export function nested(depth: number, arrays: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
}

const stableText = (value: unknown) => JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

/**
 * Every row of every table (whatever its key), sorted, as one string. `ignore` names columns
 * that move on their own (a token's lastUsedAt) per model, as the client spells it.
 */
export async function fingerprint(db: Db, ignore: Record<string, string[]> = {}): Promise<string> {
  const tables: Record<string, string[]> = {};
  for (const model of Object.values(Prisma.ModelName)) {
    const name = model.charAt(0).toLowerCase() + model.slice(1);
    const delegate = (db as unknown as Record<string, { findMany: () => Promise<Record<string, unknown>[]> }>)[name];
    if (!delegate) throw new Error(`no client delegate for model ${model}`);
    const rows = await delegate.findMany();
    const skipped = ignore[name] ?? [];
    tables[model] = rows.map((row) => stableText(Object.fromEntries(Object.entries(row).filter(([key]) => !skipped.includes(key))))).sort();
  }
  return stableText(tables);
}
