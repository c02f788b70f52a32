// Imported first by the console's entry points (server.ts, scripts/cli.ts), before any module
// that imports lib/db, which builds its client from DATABASE_URL as it loads: a DATABASE_URL that
// cannot work ends the process with one line naming the problem, not a stack trace.
import { databaseUrl } from "./config";
import { databaseUrlProblem } from "./database-url";

const problem = databaseUrlProblem(databaseUrl());
if (problem) {
  process.stderr.write(`error: ${problem}\n`);
  process.exit(1);
}
