import { describe, expect, it } from "vitest";
import { groupCreateSchema } from "../groups";
import { sessionActionSchema } from "../sessions/control";
import { freeTextSchema, isStorableText } from "./common";

describe("isStorableText", () => {
  it("takes well-formed text, surrogate pairs included", () => {
    for (const text of ["", "ops", "line\nbreak", "💥", "名前"]) expect(isStorableText(text)).toBe(true);
  });

  it("refuses NUL and half of a surrogate pair, anywhere in the text", () => {
    for (const text of ["\u0000", "a\u0000", "\ud800", "x\ud83d", "\udca5x", "\udca5\ud83d"]) expect(isStorableText(text)).toBe(false);
  });
});

describe("freeTextSchema", () => {
  const schema = freeTextSchema("note", 10);

  it("trims, keeps tabs and line breaks, and bounds the length", () => {
    expect(schema.parse("  a\tb\r\nc  ")).toBe("a\tb\r\nc");
    expect(schema.safeParse("x".repeat(11)).error?.issues[0]?.message).toBe("note must be at most 10 characters");
  });

  it.each(["\u0000", "bell\u0007", "\u001b[2J", "del\u007f"])("refuses control characters: %j", (text) => {
    expect(schema.safeParse(text).error?.issues[0]?.message).toBe("note must not hold control characters");
  });

  it("guards a group's description and a session action's reason", () => {
    expect(groupCreateSchema.safeParse({ name: "ops", description: "\u001b]0;owned\u0007" }).success).toBe(false);
    expect(sessionActionSchema.safeParse({ reason: "lost\u0000laptop" }).success).toBe(false);
    expect(sessionActionSchema.parse({ reason: "laptop lost" }).reason).toBe("laptop lost");
  });
});
