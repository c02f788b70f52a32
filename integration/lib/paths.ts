// Where the integration tests keep things, and which names, addresses and ports a run uses.
// SCV_LAB (0-9, default 0) gives a run its own namespaces, subnet, ports and state directory, so
// that several runs can share a machine; runs with the same SCV_LAB tear each other down.
import path from "node:path";

function labNumber(): number {
  const raw = process.env.SCV_LAB ?? "0";
  const lab = Number(raw);
  if (!/^\d$/.test(raw)) throw new Error(`SCV_LAB must be a digit 0-9, got ${JSON.stringify(raw)}`);
  return lab;
}

export const LAB = labNumber();
/** Every namespace and link of this run starts with `${NAME_PREFIX}-`. */
export const NAME_PREFIX = LAB === 0 ? "scv" : `scv${LAB}`;
/** Second octet of the run's 10.x.0.0/16 (10.213 for lab 0). */
export const SUBNET_OCTET = 213 + LAB;
/** Ports are offset by 100 per lab. */
export const labPort = (port: number): number => port + 100 * LAB;

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** Everything a run writes: database, configs, logs, pid files. Removed before and after a run. */
export const STATE_DIR = `/tmp/${NAME_PREFIX}-integration`;
