// The one error mapper for HTTP answers: domain and validation errors become clear 4xx
// answers; anything else is a generic 500 whose detail goes only to the server log.
import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import { AppError, describeError, HTTP_STATUS } from "../errors";
import { log } from "../log";

/** What the log line of an unexpected error says about the request. */
export interface RequestContext {
  request_id?: string;
  method?: string;
  path?: string;
}

export function errorBody(error: unknown, context: RequestContext = {}): { status: number; body: Record<string, unknown> } {
  const known = describeError(error);
  if (known) {
    return {
      status: HTTP_STATUS[known.code],
      body: { error: known.message, ...(known.fields ? { fields: known.fields } : {}) },
    };
  }
  const requestId = context.request_id ?? randomUUID();
  log.error("request failed", { ...context, request_id: requestId, error });
  return { status: 500, body: { error: "internal error", requestId } };
}

export function errorResponse(error: unknown, context: RequestContext = {}): NextResponse {
  const { status, body } = errorBody(error, context);
  return NextResponse.json(body, { status });
}

/** Parses a JSON body; a malformed or oversized one is a 400/413 that says so. */
export async function readJson(request: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const tooLarge = () => new AppError("payload_too_large", `request body is larger than ${maxBytes} bytes`);
  // Refuse before reading when the client says up front that the body is too large.
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw tooLarge();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request", "request body is not valid JSON");
  }
}

/** Query string as a plain object, for zod. */
export function searchParams(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams.entries());
}
