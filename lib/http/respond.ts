// The one error mapper for HTTP answers: domain and validation errors become clear 4xx
// answers; anything else is a generic 500 whose detail goes only to the server log.
import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import { AppError, describeError, HTTP_STATUS } from "../errors";
import { log } from "../log";
import { isStorableText } from "../validation/common";

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

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** application/json, or a JSON-based type such as application/merge-patch+json, with any parameters. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Parses a JSON body; a malformed or oversized one is a 400/413 that says so, and one sent as
 * anything but JSON (a form, plain text) a 415, rather than being read as JSON regardless.
 */
export async function readJson(request: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const tooLarge = () => new AppError("payload_too_large", `request body is larger than ${maxBytes} bytes`);
  // Refuse before reading when the client says up front that the body is too large.
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > maxBytes) throw tooLarge();
  let text: string;
  try {
    // Fatal: bytes that are not UTF-8 are refused, not read as replacement characters.
    text = UTF8.decode(bytes);
  } catch {
    throw new AppError("bad_request", "request body is not valid UTF-8");
  }
  if (text.trim() === "") return {};
  const contentType = request.headers.get("content-type") ?? "";
  if (!JSON_MEDIA_TYPE.test(contentType)) {
    throw new AppError("unsupported_media_type", `send the body as JSON with Content-Type: application/json${contentType ? `, not ${contentType.slice(0, 100)}` : ""}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request", "request body is not valid JSON");
  }
  if (!everyText(value, isStorableText)) {
    throw new AppError("bad_request", "request body holds a NUL character or a broken \\u escape (half of a surrogate pair)");
  }
  return value;
}

/** Whether every string and key in a parsed JSON value passes; iterative, as JSON nests deeper than the stack. */
function everyText(value: unknown, test: (text: string) => boolean): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === "string") {
      if (!test(item)) return false;
    } else if (Array.isArray(item)) {
      pending.push(...item);
    } else if (item !== null && typeof item === "object") {
      for (const [key, child] of Object.entries(item)) {
        if (!test(key)) return false;
        pending.push(child);
      }
    }
  }
  return true;
}

/** Query string as a plain object, for zod; a NUL (%00) in it is a 400 rather than a database error. */
export function searchParams(request: Request): Record<string, string> {
  const params = Object.fromEntries(new URL(request.url).searchParams.entries());
  if (!everyText(params, isStorableText)) throw new AppError("bad_request", "query string holds a NUL character (%00)");
  return params;
}
