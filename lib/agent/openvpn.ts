// OpenVPN through its management interface: `bytecount N` makes the daemon report every
// client's counters every N seconds; `status 3` maps client ids (CID) to the real address the
// hooks use as connection id, and is read at every (re)connect, every minute and whenever a
// byte count names a client not seen yet. `log on` streams the daemon's log, the only place where
// OpenVPN says whether a client announced its exit or went silent (client-disconnect is not told).
import { Backoff, sleep } from "./backoff";
import type { Reading } from "./buffer";
import { describeTarget, ManagementConnection, ManagementError, type ManagementTarget } from "./management";
import { parseByteCount, parseStatus3, parseTunnelEnd, type TunnelEnd } from "./openvpn-status";
import type { CounterSource, LiveConnections, Log } from "./source";

export interface OpenVpnSourceOptions {
  target: ManagementTarget;
  password?: string;
  /** Seconds between byte counts. */
  intervalSeconds: number;
  log: Log;
  /** How often the client table is read even when nothing new shows up. */
  reconcileMs?: number;
}

/** Longest reason passed to a client: it travels in one control-channel message. */
const CLIENT_REASON_MAX = 200;

/**
 * The management command that kills client CID and tells it why: `RESTART,<reason>` makes an
 * OpenVPN 2.x client log "Connection reset command was pushed by server ('<reason>')" and
 * reconnect (where the console decides whether its token still counts). The reason is one
 * quoted argument: control characters become spaces, backslashes and quotes are escaped.
 */
export function clientKillCommand(cid: string, reason: string): string {
  const clean = reason.replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, CLIENT_REASON_MAX);
  const message = clean ? `RESTART,${clean}` : "RESTART";
  return `client-kill ${cid} "${message.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export class OpenVpnSource implements CounterSource {
  private connection: ManagementConnection | null = null;
  /** CID -> real address (ip:port), from the latest status 3. */
  private addresses = new Map<string, string>();
  private reconciling: Promise<void> | null = null;
  private live: LiveConnections | null = null;
  private emit: (readings: Reading[]) => void = () => {};
  private tunnelEnd: (end: TunnelEnd) => void = () => {};

  constructor(private readonly options: OpenVpnSourceOptions) {}

  async run(emit: (readings: Reading[]) => void, signal: AbortSignal, tunnelEnd?: (end: TunnelEnd) => void): Promise<void> {
    this.emit = emit;
    if (tunnelEnd) this.tunnelEnd = tunnelEnd;
    const backoff = new Backoff(1000, 30_000);
    const where = describeTarget(this.options.target);
    while (!signal.aborted) {
      try {
        const connection = await ManagementConnection.open(this.options.target, {
          password: this.options.password,
          onNotification: (line) => this.notification(line),
        });
        this.connection = connection;
        await connection.command(`bytecount ${this.options.intervalSeconds}`);
        await connection.command("log on");
        await this.reconcile();
        this.options.log(`openvpn: connected to ${where}, ${this.addresses.size} clients`);
        backoff.reset();
        await this.untilClosed(connection, signal);
      } catch (error) {
        this.options.log(`openvpn: ${where}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.connection?.close();
        this.connection = null;
      }
      if (!signal.aborted) await sleep(backoff.next(), signal);
    }
  }

  liveConnections(): LiveConnections | null {
    return this.live;
  }

  async kill(connectionId: string, reason: string): Promise<string> {
    let cid = this.cidOf(connectionId);
    if (cid === undefined) {
      await this.reconcile();
      cid = this.cidOf(connectionId);
    }
    if (cid === undefined) throw new Error(`no OpenVPN client with real address ${connectionId}`);
    const connection = this.connection;
    if (!connection) throw new Error("not connected to the management interface");
    const answer = await connection.command(clientKillCommand(cid, reason));
    return `client-kill ${cid}: ${answer.join(" ")}`;
  }

  private cidOf(connectionId: string): string | undefined {
    for (const [cid, address] of this.addresses) if (address === connectionId) return cid;
    return undefined;
  }

  private untilClosed(connection: ManagementConnection, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        this.reconcile().catch((error: unknown) => this.options.log(`openvpn: status 3 failed: ${String(error)}`));
      }, this.options.reconcileMs ?? 60_000);
      const stop = () => {
        clearInterval(timer);
        connection.close();
      };
      signal.addEventListener("abort", stop, { once: true });
      connection.onClose((error) => {
        clearInterval(timer);
        signal.removeEventListener("abort", stop);
        if (signal.aborted) resolve();
        else reject(error);
      });
    });
  }

  /** Reads `status 3`; concurrent callers share one read. */
  private reconcile(): Promise<void> {
    this.reconciling ??= this.readStatus().finally(() => {
      this.reconciling = null;
    });
    return this.reconciling;
  }

  private async readStatus(): Promise<void> {
    const connection = this.connection;
    if (!connection) throw new ManagementError("not connected to the management interface");
    const lines = await connection.command("status 3", true);
    const at = new Date();
    const table = parseStatus3(lines.join("\n"));
    for (const problem of table.problems) this.options.log(`openvpn: status 3: ${problem}`);
    this.addresses = new Map(table.clients.map((client) => [client.cid, client.realAddress]));
    if (table.problems.length === 0) this.live = { ids: table.clients.map((client) => client.realAddress), at };
    this.emit(table.clients.map((client) => ({ connectionId: client.realAddress, bytesIn: client.bytesIn, bytesOut: client.bytesOut, at })));
  }

  private notification(line: string): void {
    if (line.startsWith(">LOG:")) {
      const end = parseTunnelEnd(line);
      if (end) this.tunnelEnd(end);
      return;
    }
    const count = parseByteCount(line);
    if (!count) return;
    const address = this.addresses.get(count.cid);
    if (address === undefined) {
      // A client that connected since the last table: the table brings its counters too.
      this.reconcile().catch((error: unknown) => this.options.log(`openvpn: status 3 failed: ${String(error)}`));
      return;
    }
    this.emit([{ connectionId: address, bytesIn: count.bytesIn, bytesOut: count.bytesOut, at: new Date() }]);
  }
}
