// The address a console request came from, for the sign-in's guessing limits. Behind
// TRUST_PROXY_HOPS proxies (load balancers) it is the address the outermost of them saw, read
// from X-Forwarded-For from the right: each proxy appends the address it was called from, so
// the entries a client wrote itself sit further left and cannot choose the answer.
import type { IncomingMessage } from "node:http";

/** Set by server.ts on every request (whatever the client sent is replaced), read by the sign-in. */
export const CLIENT_IP_HEADER = "x-session-console-client-ip";

/** IPv4 peers of a dual-stack socket arrive as ::ffff:a.b.c.d; they are the same address. */
const plain = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");

export function clientIpOf(request: Pick<IncomingMessage, "headers" | "socket">, proxyHops: number): string {
  const peer = plain(request.socket.remoteAddress ?? "unknown");
  if (proxyHops === 0) return peer;
  const header = request.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded.map(plain), peer];
  // Fewer entries than proxies: the farthest address known.
  return chain[Math.max(0, chain.length - 1 - proxyHops)] ?? peer;
}
