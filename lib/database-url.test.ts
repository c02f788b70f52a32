// A DATABASE_URL that cannot work is named in one line: before connecting (scheme, SQLite path)
// and from the driver's error when connecting failed. Entry points print these, never a stack.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { databaseUrlProblem, describeDatabaseFailure } from "./database-url";

const scratch = path.join(os.tmpdir(), "session-console-tests", `database-url-${process.pid}`);
mkdirSync(scratch, { recursive: true });
const aFile = path.join(scratch, "a-file");
writeFileSync(aFile, "not a directory");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const postgresUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** The error a real PostgreSQL connection attempt to `url` fails with. */
async function connectError(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    throw new Error(`test setup: ${url} should not connect`);
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe("databaseUrlProblem", () => {
  it("accepts a SQLite file in a writable directory, creating the directory, and a PostgreSQL URL", () => {
    expect(databaseUrlProblem(`file:${path.join(scratch, "new-dir", "console.db")}`)).toBeNull();
    expect(databaseUrlProblem("postgresql://console:pw@db.example:5432/console")).toBeNull();
    expect(databaseUrlProblem("postgres://db.example/console")).toBeNull();
  });

  it.each([
    ["mysql://db/console", /DATABASE_URL must start with "file:" \(SQLite\) or "postgresql:\/\/" \(PostgreSQL\); got "mysql:\.\.\."/],
    ["console.db", /DATABASE_URL must start with "file:"/],
    ["file:", /names no SQLite file/],
    ["postgresql://bad url", /not a valid PostgreSQL URL/],
    [`file:${path.join(aFile, "console.db")}`, /cannot use the directory .*a-file: a part of the path is a file, not a directory/],
    [`file:${scratch}`, /it is a directory/],
  ])("names the problem with %s", (url, problem) => {
    expect(databaseUrlProblem(url)).toMatch(problem);
  });
});

describe("describeDatabaseFailure", () => {
  it("says that PostgreSQL refused the connection, where, without the password", async () => {
    const url = "postgresql://console:hunter2-secret@127.0.0.1:1/console";
    const line = describeDatabaseFailure(await connectError(url), url);
    expect(line).toBe("cannot reach PostgreSQL at 127.0.0.1:1: connection refused (is it running, and is DATABASE_URL right?)");
  });

  it("names a host that does not resolve", async () => {
    const url = "postgresql://console@no-such-host.invalid:5432/console";
    expect(describeDatabaseFailure(await connectError(url), url)).toBe('cannot reach PostgreSQL: the host "no-such-host.invalid" in DATABASE_URL is not known');
  });

  it("names a database the server does not have", async () => {
    const url = Object.assign(new URL(postgresUrl), { pathname: "/sc_no_such_database" }).toString();
    expect(describeDatabaseFailure(await connectError(url), url)).toMatch(/^PostgreSQL at .+ has no database "sc_no_such_database": create it, or fix DATABASE_URL$/);
  });

  it("says why a SQLite file cannot be opened", () => {
    let error: unknown;
    try {
      new Database(scratch);
    } catch (thrown) {
      error = thrown;
    }
    expect(describeDatabaseFailure(error, `file:${path.join(scratch, "console.db")}`)).toMatch(/cannot open the SQLite database .*console\.db: check that its directory exists and is writable/);
    expect(describeDatabaseFailure(Object.assign(new Error("attempt to write a readonly database"), { code: "SQLITE_READONLY" }), "file:/srv/console.db")).toBe(
      "cannot write the SQLite database /srv/console.db: it is read-only",
    );
  });

  it("leaves other errors alone: a bug keeps its stack trace", () => {
    expect(describeDatabaseFailure(new TypeError("x is undefined"), "postgresql://db/console")).toBeNull();
    expect(describeDatabaseFailure(new TypeError("x is undefined"), "file:./data/console.db")).toBeNull();
  });
});

describe("the entry points' guard", () => {
  it("ends the process with one line naming the problem, before anything opens the database", () => {
    const tsx = path.resolve(import.meta.dirname, "../node_modules/.bin/tsx");
    const run = spawnSync(tsx, [path.resolve(import.meta.dirname, "database-url-guard.ts")], {
      env: { ...process.env, DATABASE_URL: "mysql://db/console" },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('error: DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL); got "mysql:..."\n');
  });
});
