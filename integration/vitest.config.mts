// Real-daemon integration tests: the console (server.ts) with OpenVPN and ocserv in network
// namespaces, and lib/**/*.integration.test.ts (the agent against a real OpenVPN management
// interface). Needs root and a production build; scripts/integration.sh runs them.
// Daemons take seconds to connect and time out, and every file builds the same namespaces, so
// the timeouts are long and files run one after another.
import path from "node:path";
import { defineConfig } from "vitest/config";
import { STATE_DIR } from "./lib/paths";

export default defineConfig({
  test: {
    root: path.resolve(import.meta.dirname, ".."),
    include: ["integration/**/*.test.ts", "lib/**/*.integration.test.ts"],
    environment: "node",
    // The test process reads the console's database (integration/lib/console.ts DATABASE_FILE).
    env: { DATABASE_URL: `file:${STATE_DIR}/console.db` },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
