// End-to-end tests: the production build, served the way `npm start` serves it (server.ts in
// production mode: it runs the migrations, creates the first admin and serves the hook API, which
// plain `next start` does not), on a fresh SQLite database, driven by Debian's Chromium
// (Playwright cannot download its own browsers here). Run after `next build`; scripts/test.sh
// does both.
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

/** E2E_PORT lets two checkouts run their suites side by side. */
const PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://localhost:${PORT}`;
export const ADMIN_USERNAME = "admin";
export const ADMIN_PASSWORD = "e2e-admin-password";
/** Cookies of the signed-in admin, written by the setup project (e2e/auth.setup.ts). */
export const ADMIN_STORAGE_STATE = path.join(__dirname, "e2e", ".auth", `admin-${PORT}.json`);

/** Each run starts from an empty database: the wrapper deletes it before the server starts. */
const DATA_DIR = path.join(__dirname, ".tmp", "e2e");
/** Everything the console logs during the run, read by e2e/logs.spec.ts. */
export const SERVER_LOG = path.join(DATA_DIR, "server.log");
const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  forbidOnly: Boolean(process.env.CI),
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: "list",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts$/ },
    {
      name: "chromium",
      testMatch: /.*\.spec\.ts$/,
      dependencies: ["setup"],
      use: { ...devices["Desktop Chrome"], storageState: ADMIN_STORAGE_STATE },
    },
  ],
  webServer: {
    command: [
      `rm -rf ${quote(DATA_DIR)}`,
      `mkdir -p ${quote(DATA_DIR)}`,
      // stdout to the log file only; stderr to the log file and to Playwright's output.
      `${quote(path.join(__dirname, "node_modules", ".bin", "tsx"))} ${quote(path.join(__dirname, "server.ts"))} 2>&1 >>${quote(SERVER_LOG)} | tee -a ${quote(SERVER_LOG)} >&2`,
    ].join(" && "),
    cwd: __dirname,
    url: `${BASE_URL}/api/auth/csrf`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(PORT),
      DATABASE_URL: `file:${path.join(DATA_DIR, "console.db")}`,
      ADMIN_PASSWORD,
      NEXTAUTH_SECRET: "e2e-secret",
      NEXTAUTH_URL: BASE_URL,
      NEXT_TELEMETRY_DISABLED: "1",
      // Small enough that e2e/lockout.spec.ts locks a user in five failures and one backoff.
      LOCKOUT_USER_BACKOFF_AFTER: "4",
      LOCKOUT_USER_LOCK_AFTER: "5",
      // Every browser here signs in from 127.0.0.1, so the failed sign-ins of one spec would slow
      // down the others; the address limits are tested in lib/lockout.test.ts.
      LOCKOUT_IP_BACKOFF_AFTER: "1000",
      LOCKOUT_IP_LOCK_AFTER: "2000",
    },
  },
});
