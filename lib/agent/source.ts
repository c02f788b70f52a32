// What the agent needs from a VPN daemon: counter readings as they come, how tunnels end where the
// daemon says so, and a way to kill a connection by the id the hooks report for it.
import type { Reading } from "./buffer";
import type { TunnelEnd } from "./openvpn-status";

/** Every tunnel up on the server at one moment, by the id the hooks report for it. */
export interface LiveConnections {
  ids: string[];
  at: Date;
}

export interface CounterSource {
  /**
   * Runs until the signal aborts, handing readings to `emit` and, where the daemon says how a
   * tunnel ends (OpenVPN), that to `tunnelEnd`; survives daemon restarts.
   */
  run(emit: (readings: Reading[]) => void, signal: AbortSignal, tunnelEnd?: (end: TunnelEnd) => void): Promise<void>;
  /**
   * Ends one connection; resolves with the daemon's answer, rejects when it could not. `reason`
   * is passed on to the client where the daemon can carry it.
   */
  kill(connectionId: string, reason: string): Promise<string>;
  /**
   * The latest complete list of the daemon's tunnels, or null before the first one. A read with
   * malformed lines is not complete: a tunnel missing from the list counts as gone.
   */
  liveConnections(): LiveConnections | null;
}

export type Log = (line: string) => void;
