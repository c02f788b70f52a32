// Where the integration tests keep things.
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** Everything a run writes: database, configs, logs, pid files. Removed before and after a run. */
export const STATE_DIR = "/tmp/scv-integration";
