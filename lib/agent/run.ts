// The agent next to a VPN server: reads the daemon's byte counters and sends them to the console
// in batches (POST /api/hooks/v1/traffic), tells it how tunnels end where the daemon says so
// (POST /api/hooks/v1/disconnect-reason), and polls the console every second for orders
// (POST /api/hooks/v1/agent/orders) which it carries out and acknowledges at the next poll.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Backoff, sleep } from "./backoff";
import { ReadingBuffer, type Reading } from "./buffer";
import { ConsoleClient, ConsoleError } from "./console-client";
import { parseManagementTarget } from "./management";
import { OcservSource } from "./ocserv";
import { OpenVpnSource } from "./openvpn";
import type { TunnelEnd } from "./openvpn-status";
import type { CounterSource, Log } from "./source";

export interface AgentOptions {
  consoleUrl: string;
  tokenFile: string;
  daemon: { kind: "openvpn"; management: string; passwordFile?: string } | { kind: "ocserv"; occtl: string };
  /** Seconds between counter readings. */
  intervalSeconds: number;
  /** Seconds between order polls. */
  pollSeconds: number;
  /** Readings kept while the console is unreachable. */
  bufferSize: number;
  /** Readings per traffic report. */
  batchSize: number;
}

export const AGENT_USAGE = `usage: npm run agent -- --console URL --token-file FILE
         (--openvpn-management unix:/path | tcp:host:port [--management-password-file FILE] | --ocserv [--occtl PATH])
         [--interval SECONDS] [--poll-interval SECONDS] [--buffer READINGS] [--batch READINGS]`;

function positiveInteger(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return number;
}

/** Reads the command line; throws with a message naming the problem. */
export function parseAgentArgs(argv: string[]): AgentOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      console: { type: "string" },
      "token-file": { type: "string" },
      "openvpn-management": { type: "string" },
      "management-password-file": { type: "string" },
      ocserv: { type: "boolean" },
      occtl: { type: "string" },
      interval: { type: "string" },
      "poll-interval": { type: "string" },
      buffer: { type: "string" },
      batch: { type: "string" },
    },
  });
  if (!values.console) throw new Error("--console URL is required");
  let url: URL;
  try {
    url = new URL(values.console);
  } catch {
    throw new Error(`--console "${values.console}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("--console must be an http:// or https:// URL");
  if (!values["token-file"]) throw new Error("--token-file FILE is required (the server token from `npm run cli -- server register`)");
  const management = values["openvpn-management"];
  if (Boolean(management) === Boolean(values.ocserv)) throw new Error("give exactly one of --openvpn-management ADDRESS and --ocserv");
  if (values.ocserv && values["management-password-file"]) throw new Error("--management-password-file is for --openvpn-management");
  if (management) parseManagementTarget(management);
  return {
    consoleUrl: url.toString(),
    tokenFile: values["token-file"],
    daemon: management
      ? { kind: "openvpn", management, passwordFile: values["management-password-file"] }
      : { kind: "ocserv", occtl: values.occtl ?? "occtl" },
    intervalSeconds: positiveInteger("interval", values.interval, 5, 3600),
    pollSeconds: positiveInteger("poll-interval", values["poll-interval"], 1, 60),
    bufferSize: positiveInteger("buffer", values.buffer, 200_000, 10_000_000),
    batchSize: positiveInteger("batch", values.batch, 5000, 10_000),
  };
}

function readSecret(file: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new Error(`cannot read the ${what} file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (text === "") throw new Error(`the ${what} file ${file} is empty`);
  return text;
}

export function createSource(options: AgentOptions, log: Log): CounterSource {
  if (options.daemon.kind === "ocserv") {
    return new OcservSource({ occtl: options.daemon.occtl, intervalSeconds: options.intervalSeconds, log });
  }
  return new OpenVpnSource({
    target: parseManagementTarget(options.daemon.management),
    password: options.daemon.passwordFile ? readSecret(options.daemon.passwordFile, "management password") : undefined,
    intervalSeconds: options.intervalSeconds,
    log,
  });
}

const toReport = (reading: Reading) => ({
  connection_id: reading.connectionId,
  bytes_received: Number(reading.bytesIn),
  bytes_sent: Number(reading.bytesOut),
  at: reading.at.getTime() / 1000,
});

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Sends buffered readings in batches; on failure keeps them and backs off. */
export async function uploadTraffic(
  client: ConsoleClient,
  buffer: ReadingBuffer,
  options: { batchSize: number; intervalMs: number; log: Log },
  signal: AbortSignal,
): Promise<void> {
  const backoff = new Backoff(1000, 60_000);
  let failing = false;
  while (!signal.aborted) {
    const batch = buffer.take(options.batchSize);
    if (batch.length === 0) {
      await sleep(options.intervalMs, signal);
      continue;
    }
    try {
      await client.call("traffic", { connections: batch.map(toReport) });
      if (failing) options.log(`console: traffic reports go through again (${buffer.size} readings waiting, ${buffer.dropped} dropped so far)`);
      failing = false;
      backoff.reset();
    } catch (error) {
      if (error instanceof ConsoleError && !error.retry) {
        options.log(`console: traffic report refused, ${batch.length} readings dropped: ${error.message}`);
        continue;
      }
      buffer.putBack(batch);
      if (!failing) options.log(`console: ${message(error)}; keeping readings and retrying`);
      failing = true;
      await sleep(backoff.next(), signal);
    }
  }
}

/** Tunnel ends waiting to be reported, oldest first; the oldest go when it overflows. */
export class TunnelEndQueue {
  private readonly items: TunnelEnd[] = [];
  private wake: (() => void) | null = null;
  dropped = 0;

  constructor(private readonly capacity = 10_000) {}

  get size(): number {
    return this.items.length;
  }

  push(end: TunnelEnd): void {
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push(end);
    this.wake?.();
  }

  peek(): TunnelEnd | undefined {
    return this.items[0];
  }

  shift(): void {
    this.items.shift();
  }

  /** Resolves when an item is waiting or the signal aborts. */
  async waitForItem(signal: AbortSignal): Promise<void> {
    if (this.items.length > 0 || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.wake = null;
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/**
 * Reports each tunnel end as soon as the daemon names it, so that it usually reaches the console
 * before the hook's disconnect (the console reconciles either order). Kept and retried while the
 * console is unreachable; a report the console refuses (e.g. a tunnel it never saw) is dropped.
 */
export async function reportTunnelEnds(client: ConsoleClient, queue: TunnelEndQueue, options: { log: Log }, signal: AbortSignal): Promise<void> {
  const backoff = new Backoff(1000, 30_000);
  let failing = false;
  while (!signal.aborted) {
    await queue.waitForItem(signal);
    const end = queue.peek();
    if (!end) continue;
    try {
      const answer = (await client.call("disconnect-reason", { connection_id: end.connectionId, reason: end.reason })) as { outcome?: string };
      options.log(`tunnel ${end.connectionId} ended (${end.reason}): ${answer.outcome ?? "reported"}`);
      queue.shift();
      if (failing) options.log(`console: tunnel end reports go through again (${queue.size} waiting, ${queue.dropped} dropped so far)`);
      failing = false;
      backoff.reset();
    } catch (error) {
      if (error instanceof ConsoleError && !error.retry) {
        options.log(`console: report of tunnel ${end.connectionId} ending (${end.reason}) refused: ${error.message}`);
        queue.shift();
        continue;
      }
      if (!failing) options.log(`console: ${message(error)}; keeping tunnel end reports and retrying`);
      failing = true;
      await sleep(backoff.next(), signal);
    }
  }
}

interface Order {
  id: string;
  action: string;
  connection_id: string;
  reason: string;
}

interface Ack {
  id: string;
  ok: boolean;
  detail: string;
}

/** How often, at most, a poll carries the list of the daemon's tunnels (it can be long). */
export const LIVE_REPORT_MS = 30_000;

/**
 * Polls for orders, carries them out once each, and acknowledges them at the next poll. A poll
 * also carries the daemon's latest complete list of tunnels, when there is a newer one than the
 * console has and it last got one LIVE_REPORT_MS ago: the console ends the open connections of
 * this server that the daemon no longer has (their disconnect never reached it).
 */
export async function followOrders(
  client: ConsoleClient,
  source: CounterSource,
  options: { intervalMs: number; log: Log; liveReportMs?: number },
  signal: AbortSignal,
): Promise<void> {
  const backoff = new Backoff(options.intervalMs, 30_000);
  const carriedOut = new Set<string>();
  let acks: Ack[] = [];
  let failing = false;
  let liveSentAt = 0;
  let liveSentOf = 0;
  while (!signal.aborted) {
    let orders: Order[];
    try {
      const snapshot = source.liveConnections();
      const live =
        snapshot && snapshot.at.getTime() > liveSentOf && Date.now() - liveSentAt >= (options.liveReportMs ?? LIVE_REPORT_MS)
          ? { connection_ids: snapshot.ids, at: snapshot.at.getTime() / 1000 }
          : undefined;
      const answer = (await client.call("agent/orders", { acks, ...(live ? { live } : {}) })) as { orders?: Order[]; vanished?: string[] };
      acks = [];
      orders = answer.orders ?? [];
      if (snapshot && live) {
        liveSentAt = Date.now();
        liveSentOf = snapshot.at.getTime();
      }
      if (answer.vanished?.length) options.log(`console ended ${answer.vanished.length} tunnel(s) no longer on the server: ${answer.vanished.join(", ")}`);
      if (failing) options.log("console: order polls go through again");
      failing = false;
      backoff.reset();
    } catch (error) {
      if (!failing) options.log(`console: order poll failed: ${message(error)}; retrying`);
      failing = true;
      await sleep(backoff.next(), signal);
      continue;
    }
    for (const order of orders) {
      if (carriedOut.has(order.id)) continue;
      carriedOut.add(order.id);
      if (carriedOut.size > 10_000) carriedOut.delete(carriedOut.values().next().value as string);
      const ack = await carryOut(source, order);
      options.log(`order ${order.id}: ${order.action} ${order.connection_id} (${order.reason}): ${ack.ok ? "done" : "failed"}: ${ack.detail}`);
      acks.push(ack);
    }
    // Acknowledge at once rather than a poll interval later.
    if (acks.length === 0) await sleep(options.intervalMs, signal);
  }
}

async function carryOut(source: CounterSource, order: Order): Promise<Ack> {
  if (order.action !== "kill") return { id: order.id, ok: false, detail: `unknown order "${order.action}"` };
  try {
    return { id: order.id, ok: true, detail: await source.kill(order.connection_id, order.reason) };
  } catch (error) {
    return { id: order.id, ok: false, detail: message(error) };
  }
}

/** Runs the agent until the signal aborts. */
export async function runAgent(options: AgentOptions, signal: AbortSignal, log: Log = console.log): Promise<void> {
  const client = new ConsoleClient({ url: options.consoleUrl, readToken: () => readSecret(options.tokenFile, "server token") });
  const source = createSource(options, log);
  const buffer = new ReadingBuffer(options.bufferSize);
  const tunnelEnds = new TunnelEndQueue();
  log(`agent: ${options.daemon.kind} counters every ${options.intervalSeconds} s to ${options.consoleUrl}`);
  await Promise.all([
    source.run((readings) => buffer.add(readings), signal, (end) => tunnelEnds.push(end)),
    reportTunnelEnds(client, tunnelEnds, { log }, signal),
    uploadTraffic(client, buffer, { batchSize: options.batchSize, intervalMs: 1000, log }, signal),
    followOrders(client, source, { intervalMs: options.pollSeconds * 1000, log }, signal),
  ]);
}
