import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError, type AppErrorCode } from "../errors";
import { createTestDb, type TestDb } from "../testing/test-db";
import { errorBody, errorResponse, readJson, searchParams } from "./respond";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Swallows the server-log line of an unexpected error (JSON on stderr), and hands it to the test. */
const quietErrorLog = () => vi.spyOn(process.stderr, "write").mockImplementation(() => true);
const loggedLine = (spy: ReturnType<typeof quietErrorLog>) => JSON.parse(String(spy.mock.calls[0]?.[0])) as Record<string, unknown>;

describe("errorBody", () => {
  it("maps a zod error to 422 with every failing field path, nested ones joined with dots", () => {
    const schema = z.object({
      username: z.string().min(3, "username is too short"),
      limits: z.object({ maxSessions: z.number({ error: "maxSessions must be a number" }) }),
      tags: z.array(z.string({ error: "tag must be text" })),
    });
    const parsed = schema.safeParse({ username: "a", limits: { maxSessions: "x" }, tags: ["ok", 5] });
    if (parsed.success) throw new Error("test setup: the input should be invalid");

    const { status, body } = errorBody(parsed.error);
    expect(status).toBe(422);
    expect(body.fields).toEqual({
      username: "username is too short",
      "limits.maxSessions": "maxSessions must be a number",
      "tags.1": "tag must be text",
    });
    expect(body.error).toContain("username: username is too short");
    expect(body.error).toContain("limits.maxSessions: maxSessions must be a number");
  });

  it("puts an error about the whole body under 'body'", () => {
    const parsed = z
      .object({ a: z.string().optional() })
      .refine((v) => v.a !== undefined, { message: "nothing to change" })
      .safeParse({});
    if (parsed.success) throw new Error("test setup: the input should be invalid");
    expect(errorBody(parsed.error)).toEqual({
      status: 422,
      body: { error: "nothing to change", fields: { body: "nothing to change" } },
    });
  });

  it.each<[AppErrorCode, number]>([
    ["bad_request", 400],
    ["unauthorized", 401],
    ["forbidden", 403],
    ["not_found", 404],
    ["conflict", 409],
    ["payload_too_large", 413],
    ["unsupported_media_type", 415],
    ["invalid", 422],
  ])("maps AppError %s to %i with its message", (code, status) => {
    expect(errorBody(new AppError(code, `the ${code} message`))).toEqual({
      status,
      body: { error: `the ${code} message` },
    });
  });

  it("passes on an AppError's field errors", () => {
    expect(errorBody(new AppError("invalid", 'group "x" does not exist', { group: 'group "x" does not exist' }))).toEqual({
      status: 422,
      body: { error: 'group "x" does not exist', fields: { group: 'group "x" does not exist' } },
    });
  });

  it.each([
    ["P2002", 409, "already exists"],
    ["P2025", 404, "not found"],
  ])("maps a Prisma %s error to %i without Prisma's own text", (code, status, message) => {
    const error = Object.assign(new Error("Unique constraint failed on the fields: (`tokenHash`) secret-ish"), {
      code,
    });
    const result = errorBody(error);
    expect(result).toEqual({ status, body: { error: message } });
    expect(JSON.stringify(result.body)).not.toContain("tokenHash");
  });

  it.each([
    ["Prisma's P1001", Object.assign(new Error("Can't reach database server at db:5432"), { code: "P1001" })],
    ["a dropped connection", Object.assign(new Error("Connection terminated unexpectedly"), { clientVersion: "6.19.3" })],
    ["no connection free in time", Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), { code: "P2028" })],
  ])("maps %s to 503: the database is unavailable, try again", (_label, thrown) => {
    expect(errorBody(thrown)).toEqual({
      status: 503,
      body: { error: "the console's database is unavailable; try again shortly" },
    });
  });

  it.each([
    ["an Error", new Error("connect ECONNREFUSED 10.0.0.5:5432 password=hunter2")],
    ["a TypeError", new TypeError("Cannot read properties of undefined (reading 'passwordHash')")],
    ["a thrown string", "raw string with /etc/secret/path"],
    ["an object with a non-Prisma code", { code: "ECONNRESET", message: "socket hang up at 10.0.0.5" }],
    ["null", null],
  ])("maps %s to a generic 500 that leaks nothing, logging the detail with a request id", (_label, thrown) => {
    const log = quietErrorLog();
    const { status, body } = errorBody(thrown);
    expect(status).toBe(500);
    expect(Object.keys(body).sort()).toEqual(["error", "requestId"]);
    expect(body.error).toBe("internal error");
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const text = JSON.stringify(body);
    for (const leak of ["ECONNREFUSED", "hunter2", "passwordHash", "/etc/secret", "socket hang up"]) {
      expect(text).not.toContain(leak);
    }
    expect(log).toHaveBeenCalledTimes(1);
    const line = loggedLine(log);
    expect(line).toMatchObject({ level: "error", msg: "request failed", request_id: body.requestId });
    if (thrown instanceof Error) expect(line.error).toMatchObject({ message: thrown.message });
  });

  it("logs an unexpected error under the request's own id, with its method and path", () => {
    const log = quietErrorLog();
    const { body } = errorBody(new Error("boom"), { request_id: "req-12345678", method: "PUT", path: "/api/groups/x" });
    expect(body.requestId).toBe("req-12345678");
    expect(loggedLine(log)).toMatchObject({ request_id: "req-12345678", method: "PUT", path: "/api/groups/x" });
  });

  it("gives every unexpected error its own request id", () => {
    quietErrorLog();
    expect(errorBody(new Error("a")).body.requestId).not.toBe(errorBody(new Error("b")).body.requestId);
  });

  it("errorResponse answers with the status and JSON body", async () => {
    const response = errorResponse(new AppError("not_found", 'VPN user "x" not found'));
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toEqual({ error: 'VPN user "x" not found' });
  });
});

describe(`errorBody with a real database error (${process.env.TEST_DATABASE ?? "sqlite"})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("maps the driver's unique-constraint violation to 409", async () => {
    await t.db.group.create({ data: { name: "twice" } });
    const error = await t.db.group.create({ data: { name: "twice" } }).catch((e: unknown) => e);
    expect(errorBody(error)).toEqual({ status: 409, body: { error: "already exists" } });
    expect(await t.db.group.count({ where: { name: "twice" } })).toBe(1);
  });

  it("maps the driver's record-not-found to 404", async () => {
    const error = await t.db.group.update({ where: { name: "missing" }, data: { description: "x" } }).catch(
      (e: unknown) => e,
    );
    expect(errorBody(error)).toEqual({ status: 404, body: { error: "not found" } });
  });
});

describe("readJson", () => {
  const post = (body: string, contentType = "application/json") =>
    new Request("http://console.test/api/x", { method: "POST", body, headers: { "content-type": contentType } });

  it("parses a JSON body", async () => {
    expect(await readJson(post('{"name":"ops","n":[1,2]}'))).toEqual({ name: "ops", n: [1, 2] });
  });

  it("treats an empty or blank body as an empty object", async () => {
    expect(await readJson(post(""))).toEqual({});
    expect(await readJson(post("  \n"))).toEqual({});
    expect(await readJson(new Request("http://console.test/api/x", { method: "POST" }))).toEqual({});
  });

  it.each(["{not json", '{"a":1', "undefined", "{'a':1}"])("refuses %j as 400 bad_request", async (text) => {
    const error = await readJson(post(text)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(errorBody(error)).toEqual({ status: 400, body: { error: "request body is not valid JSON" } });
  });

  it.each(["application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"])("reads a body sent as %s", async (type) => {
    expect(await readJson(post('{"a":1}', type))).toEqual({ a: 1 });
  });

  it.each(["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "json"])(
    "refuses a JSON body sent as %s with 415, naming the type to use",
    async (type) => {
      const error = await readJson(post('{"name":"ops"}', type)).catch((e: unknown) => e);
      expect(errorBody(error)).toMatchObject({ status: 415, body: { error: expect.stringContaining("Content-Type: application/json") } });
    },
  );

  it.each(['{"name":"a\\u0000b"}', '{"a":["\\ud800"]}', '{"\\udc00":1}', '[[{"deep":"\\u0000"}]]'])(
    "refuses %s (a NUL or half a surrogate pair, which the databases cannot take) with 400",
    async (text) => {
      expect(errorBody(await readJson(post(text)).catch((e: unknown) => e))).toMatchObject({ status: 400 });
    },
  );

  it("reads deep nesting and well-formed surrogate pairs", async () => {
    expect(await readJson(post('{"a":"\\ud83d\\udca5"}'))).toEqual({ a: "💥" });
    const deep = `${"[".repeat(20_000)}1${"]".repeat(20_000)}`;
    expect(await readJson(post(deep))).toBeInstanceOf(Array);
  });

  it("refuses a body that is not UTF-8 with 400", async () => {
    const latin1 = new Request("http://console.test/api/x", { method: "POST", headers: { "content-type": "application/json" }, body: new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]) });
    expect(errorBody(await readJson(latin1).catch((e: unknown) => e))).toEqual({ status: 400, body: { error: "request body is not valid UTF-8" } });
  });

  it("refuses a body without a Content-Type, and needs none for an empty one", async () => {
    const bytes = new Request("http://console.test/api/x", { method: "POST", body: new TextEncoder().encode('{"a":1}') });
    await expect(readJson(bytes)).rejects.toMatchObject({ code: "unsupported_media_type" });
    expect(await readJson(new Request("http://console.test/api/x", { method: "POST" }))).toEqual({});
  });

  it("refuses a body over the limit as 413 and accepts one exactly at it", async () => {
    const atLimit = JSON.stringify({ pad: "x".repeat(100 - 10) });
    expect(Buffer.byteLength(atLimit)).toBe(100);
    expect(await readJson(post(atLimit), 100)).toEqual({ pad: "x".repeat(90) });

    const error = await readJson(post(JSON.stringify({ pad: "x".repeat(91) })), 100).catch((e: unknown) => e);
    expect(errorBody(error)).toEqual({ status: 413, body: { error: "request body is larger than 100 bytes" } });
  });

  it("counts bytes, not characters", async () => {
    const text = JSON.stringify({ name: "é".repeat(50) }); // 61 characters, 111 bytes
    expect(text.length).toBeLessThanOrEqual(100);
    expect(Buffer.byteLength(text)).toBeGreaterThan(100);
    await expect(readJson(post(text), 100)).rejects.toMatchObject({ code: "payload_too_large" });
  });

  it("has a 64 KiB default limit", async () => {
    const big = JSON.stringify({ pad: "y".repeat(64 * 1024) });
    await expect(readJson(post(big))).rejects.toMatchObject({ code: "payload_too_large" });
    const fits = JSON.stringify({ pad: "y".repeat(60 * 1024) });
    expect(await readJson(post(fits))).toEqual({ pad: "y".repeat(60 * 1024) });
  });
});

describe("searchParams", () => {
  it("turns the query string into a plain object, decoded", () => {
    expect(searchParams(new Request("http://console.test/api/vpn-users?q=al%20ice&page=2&group=-"))).toEqual({
      q: "al ice",
      page: "2",
      group: "-",
    });
    expect(searchParams(new Request("http://console.test/api/vpn-users"))).toEqual({});
  });

  it("refuses a NUL in a name or value with 400", () => {
    for (const query of ["q=a%00b", "%00=1"]) {
      expect(() => searchParams(new Request(`http://console.test/api/vpn-users?${query}`))).toThrow(/NUL/);
    }
  });
});
