// Stopping the HTTP server without cutting requests in flight. A hook call cut off by a restart
// is a refused login for a VPN user (OpenVPN clients give up after one AUTH_FAILED by default),
// so on SIGTERM the console stops accepting connections, lets the requests it has finish, and
// only then closes what is left.
import type http from "node:http";

/** How long requests in flight may take to finish before their connections are closed. */
export const DRAIN_GRACE_MS = 10_000;
/** Keep-alive connections go idle as their last request ends: they are closed this often. */
const IDLE_SWEEP_MS = 100;

/**
 * Stops accepting connections, closes idle keep-alive ones as they go idle, and resolves once
 * every connection is gone, or after `graceMs` by closing the rest. Resolves `true` when nothing
 * had to be cut.
 */
export function drainServer(server: http.Server, graceMs = DRAIN_GRACE_MS): Promise<boolean> {
  return new Promise((resolve) => {
    let cut = false;
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => {
      cut = true;
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(!cut);
    });
    server.closeIdleConnections();
  });
}
