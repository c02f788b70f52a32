import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPassword, hashToken, newPassword, newToken, sameDigest, verifyPassword } from "./crypto";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("hashPassword / verifyPassword", () => {
  it("stores scrypt parameters, salt and hash, never the password", async () => {
    const stored = await hashPassword("correct horse battery");
    const parts = stored.split("$");
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual(["scrypt", "16384", "8", "1"]);
    expect(Buffer.from(parts[4] ?? "", "base64")).toHaveLength(16);
    expect(Buffer.from(parts[5] ?? "", "base64")).toHaveLength(32);
    expect(stored).not.toContain("correct horse battery");
  });

  it("salts every hash: the same password hashes differently twice, and both verify", async () => {
    const first = await hashPassword("same password");
    const second = await hashPassword("same password");
    expect(first).not.toBe(second);
    expect(await verifyPassword("same password", first)).toBe(true);
    expect(await verifyPassword("same password", second)).toBe(true);
  });

  it("accepts the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("s3cret-Passw0rd");
    expect(await verifyPassword("s3cret-Passw0rd", stored)).toBe(true);
    expect(await verifyPassword("s3cret-passw0rd", stored)).toBe(false);
    expect(await verifyPassword("s3cret-Passw0rd ", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["empty", ""],
    ["another scheme", "bcrypt$2b$10$abcdefghijklmnopqrstuv"],
    ["too few parts", "scrypt$16384$8$1$c2FsdA=="],
  ])("refuses any password against a %s stored value", async (_label, stored) => {
    expect(await verifyPassword("whatever-password", stored)).toBe(false);
  });

  it("refuses a hash whose stored digest was tampered with", async () => {
    const stored = await hashPassword("tamper-test-password");
    const parts = stored.split("$");
    const digest = Buffer.from(parts[5] ?? "", "base64");
    digest[0] = (digest[0] ?? 0) ^ 0xff;
    parts[5] = digest.toString("base64");
    expect(await verifyPassword("tamper-test-password", parts.join("$"))).toBe(false);
  });
});

describe("tokens and digests", () => {
  it("hashToken is the hex SHA-256 of the token", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashToken("sca_example")).toBe(sha256("sca_example"));
  });

  it("newToken carries its prefix and 32 random bytes, different every time", () => {
    const a = newToken("sca_");
    const b = newToken("sca_");
    expect(a.startsWith("sca_")).toBe(true);
    expect(Buffer.from(a.slice(4), "base64url")).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(newToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("newPassword is long enough to pass the password rule and differs every time", () => {
    const a = newPassword();
    expect(a.length).toBeGreaterThanOrEqual(16);
    expect(a).not.toBe(newPassword());
  });

  it("sameDigest: equal digests match, different ones do not", () => {
    const digest = sha256("one");
    expect(sameDigest(digest, sha256("one"))).toBe(true);
    expect(sameDigest(digest, sha256("two"))).toBe(false);
  });

  it.each([
    ["shorter right side", sha256("x"), sha256("x").slice(0, 32)],
    ["shorter left side", sha256("x").slice(0, 62), sha256("x")],
    ["both empty", "", ""],
    ["not hex", "zz", "zz"],
  ])("sameDigest refuses %s instead of throwing", (_label, a, b) => {
    expect(sameDigest(a, b)).toBe(false);
  });
});
