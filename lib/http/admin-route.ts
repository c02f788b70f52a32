// The one wrapper for admin API routes. The caller is a signed-in admin (session cookie) or an
// admin API token (Authorization: Bearer). Viewers may read; only admins may change.
import { NextResponse } from "next/server";
import type { Actor, Role } from "../actor";
import { authenticateApiToken } from "../api-tokens";
import { currentAdmin } from "../auth";
import { db } from "../db";
import { AppError } from "../errors";
import { REQUEST_ID_HEADER } from "../log";
import { isStorableText } from "../validation/common";
import { errorResponse } from "./respond";

export interface AdminContext<P> {
  request: Request;
  actor: Actor;
  params: P;
}

type Handler<P> = (context: AdminContext<P>) => Promise<unknown>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new AppError("unauthorized", 'Authorization header must be "Bearer <token>"');
  return match[1];
}

/** Cookie-authenticated changes must come from this console's own pages. */
function checkSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!origin || !host || originHost(origin) !== host) {
    throw new AppError("forbidden", "cross-site request refused");
  }
}

/** The host of an Origin header; null for an opaque ("null") or malformed origin. */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

async function authenticate(request: Request): Promise<Actor> {
  const token = bearerToken(request);
  if (token) {
    const actor = await authenticateApiToken(db, token);
    if (!actor) throw new AppError("unauthorized", "unknown or revoked API token");
    return actor;
  }
  const actor = await currentAdmin();
  if (!actor) throw new AppError("unauthorized", "sign in or send an API token");
  if (!SAFE_METHODS.has(request.method)) checkSameOrigin(request);
  return actor;
}

export function withAdmin<P = Record<string, never>>(
  handler: Handler<P>,
  options: { role: Role },
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    try {
      const actor = await authenticate(request);
      if (options.role === "admin" && actor.role !== "admin") {
        throw new AppError("forbidden", "your role is viewer: viewers cannot change anything");
      }
      const params = await context.params;
      // A name or id with a NUL or a broken surrogate names nothing, and the databases cannot take it.
      if (!Object.values(params ?? {}).every((value) => typeof value !== "string" || isStorableText(value))) {
        throw new AppError("bad_request", "path holds a NUL character or text that is not valid Unicode");
      }
      const result = await handler({ request, actor, params });
      if (result instanceof Response) return result;
      if (result === undefined) return new NextResponse(null, { status: 204 });
      return NextResponse.json(result);
    } catch (error) {
      return errorResponse(error, {
        request_id: request.headers.get(REQUEST_ID_HEADER) ?? undefined,
        method: request.method,
        path: new URL(request.url).pathname,
      });
    }
  };
}

export const created = (body: unknown) => NextResponse.json(body, { status: 201 });
