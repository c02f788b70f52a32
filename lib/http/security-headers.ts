// The Content-Security-Policy of the console's pages. Next.js streams inline scripts, so scripts
// are allowed by a fresh nonce per request (and what they load, 'strict-dynamic'), never by
// 'unsafe-inline'. Styles keep 'unsafe-inline': React renders style attributes, and CSS cannot run
// code. The static headers (Permissions-Policy, HSTS, ...) are in next.config.js.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Request header carrying the nonce to server components (the root layout's inline script). */
export const NONCE_HEADER = "x-nonce";

export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    // Development builds evaluate modules and hot-reload over a WebSocket.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Sets a fresh policy on the response, and on the request: Next.js reads the nonce from the
 * request's Content-Security-Policy header and puts it on the scripts it renders.
 */
export function applyContentSecurityPolicy(request: IncomingMessage, response: ServerResponse, dev: boolean): void {
  const nonce = randomBytes(16).toString("base64");
  const policy = contentSecurityPolicy(nonce, dev);
  request.headers["content-security-policy"] = policy;
  request.headers[NONCE_HEADER] = nonce;
  response.setHeader("Content-Security-Policy", policy);
}
