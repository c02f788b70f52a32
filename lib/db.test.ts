import { describe, expect, it, vi } from "vitest";

describe("clients made by createDb", () => {
  // server.ts and the Next.js bundle each load their own copy of lib/db and share one client.
  it("are known to every copy of the module: their database and their direct statements", async () => {
    process.env.DATABASE_URL ??= "file:/tmp/session-console-tests/db-module-copies.db";
    const first = await import("./db");
    vi.resetModules();
    const second = await import("./db");
    expect(second).not.toBe(first);
    // Not connected until used: nothing listens on port 1.
    const client = first.createDb("postgresql://nobody@127.0.0.1:1/none");
    expect(second.providerOf(client)).toBe("postgresql");
    expect(second.containsText(client, "Al_")).toEqual({ contains: "Al\\_", mode: "insensitive" });
    expect(second.directDriverOf(client)).not.toBeNull();
    await client.$disconnect();
  });
});
