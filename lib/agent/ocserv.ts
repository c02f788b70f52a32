// ocserv through occtl: `occtl --json show users` every interval for the counters (ocserv has
// no periodic counter script), `occtl disconnect id N` to kill a connection. occtl reads RX/TX
// from the tun devices, so it must run in ocserv's network namespace.
import { execFile } from "node:child_process";
import { sleep } from "./backoff";
import type { Reading } from "./buffer";
import { parseOcservUsers } from "./ocserv-users";
import type { CounterSource, LiveConnections, Log } from "./source";

export interface OcservSourceOptions {
  /** The occtl command, "occtl" by default. */
  occtl: string;
  intervalSeconds: number;
  log: Log;
}

function occtl(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 10_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // occtl prints some refusals ("could not disconnect ID ...") on stdout.
      if (error) reject(new Error(`${command} ${args.join(" ")}: ${stderr.trim() || stdout.trim() || error.message.trim()}`));
      else resolve(stdout);
    });
  });
}

export class OcservSource implements CounterSource {
  private live: LiveConnections | null = null;

  constructor(private readonly options: OcservSourceOptions) {}

  liveConnections(): LiveConnections | null {
    return this.live;
  }

  async run(emit: (readings: Reading[]) => void, signal: AbortSignal): Promise<void> {
    let failing = false;
    while (!signal.aborted) {
      try {
        const output = await occtl(this.options.occtl, ["--json", "show", "users"]);
        const at = new Date();
        const { users, ids, problems } = parseOcservUsers(output);
        for (const problem of problems) this.options.log(`ocserv: show users: ${problem}`);
        if (problems.length === 0) this.live = { ids, at };
        emit(users.map((user) => ({ connectionId: user.id, bytesIn: user.bytesIn, bytesOut: user.bytesOut, at })));
        if (failing) this.options.log(`ocserv: occtl answers again, ${users.length} connections`);
        failing = false;
      } catch (error) {
        // Logged once per outage: ocserv restarting makes occtl fail every interval.
        if (!failing) this.options.log(`ocserv: ${error instanceof Error ? error.message : String(error)}`);
        failing = true;
      }
      await sleep(this.options.intervalSeconds * 1000, signal);
    }
  }

  async kill(connectionId: string): Promise<string> {
    if (!/^\d+$/.test(connectionId)) throw new Error(`"${connectionId}" is not an ocserv connection id`);
    const output = await occtl(this.options.occtl, ["disconnect", "id", connectionId]);
    return `occtl disconnect id ${connectionId}: ${output.trim() || "done"}`;
  }
}
