import { describe, expect, it } from "vitest";
import { describeError, isDatabaseUnavailable } from "./errors";
import { Prisma } from "./generated/sqlite/client";

const known = (code: string, message: string) => new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: "6.19.0" });

describe("isDatabaseUnavailable", () => {
  it("recognises an unreachable database however Prisma reports it", () => {
    // Model queries.
    expect(isDatabaseUnavailable(known("P1001", "Can't reach database server at `db:5432`"))).toBe(true);
    // Raw queries ($queryRaw, $executeRaw): the same failure as P2010, named only in the message.
    const raw = known("P2010", "\nInvalid `prisma.$queryRaw()` invocation:\n\n\nRaw query failed. Code: `N/A`. Message: `Can't reach database server at 127.0.0.1:5432`");
    expect(isDatabaseUnavailable(raw)).toBe(true);
    // The driver's own words for a connection cut under a query.
    expect(isDatabaseUnavailable(known("P2010", "Raw query failed. Code: `N/A`. Message: `Connection terminated unexpectedly`"))).toBe(true);
    expect(describeError(raw)).toEqual({ code: "unavailable", message: "the console's database is unavailable; try again shortly" });
  });

  it("leaves other database errors to be reported as errors", () => {
    expect(isDatabaseUnavailable(known("P2010", 'Raw query failed. Code: `42601`. Message: `syntax error at or near "SELEC"`'))).toBe(false);
    expect(isDatabaseUnavailable(known("P2002", "Unique constraint failed on the fields: (`name`)"))).toBe(false);
    // Only Prisma's errors count: a message alone proves nothing.
    expect(isDatabaseUnavailable(new Error("Can't reach database server"))).toBe(false);
  });
});
