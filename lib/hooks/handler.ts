// The hook API (POST /api/hooks/v1/{auth,connect,disconnect,disconnect-reason,traffic,agent/orders}), independent of any HTTP server:
// the request in, the answer out. server.ts serves it straight from Node's http module because
// it sits in every VPN server's connect path, where a framework's per-request cost shows.
import { pollOrders } from "../agent-orders";
import type { Db } from "../db";
import { AppError, describeError, HTTP_STATUS } from "../errors";
import { markServerSeen } from "../hook-statements";
import { log } from "../log";
import { authenticateServer, type ServerView } from "../servers";
import { authorize, connect, disconnect, reportDisconnectReason } from "../sessions/authority";
import { endVanishedConnections } from "../sessions/vanished";
import { reportTraffic, trafficSummaryText } from "../traffic/report";
import {
  agentPollSchema,
  authHookSchema,
  connectHookSchema,
  disconnectHookSchema,
  disconnectReasonHookSchema,
  parseTrafficHook,
} from "./schemas";

export const HOOK_PATH_PREFIX = "/api/hooks/v1/";
export const MAX_HOOK_BODY_BYTES = 16 * 1024;
/** Traffic reports carry thousands of connections, and agent polls up to a thousand acks. */
export const MAX_REPORT_BODY_BYTES = 2 * 1024 * 1024;

export function hookBodyLimit(path: string): number {
  return /^\/api\/hooks\/v1\/(traffic|agent\/)/.test(path) ? MAX_REPORT_BODY_BYTES : MAX_HOOK_BODY_BYTES;
}

export interface HookRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  accept: string | undefined;
  /** null when the body was larger than hookBodyLimit(path). */
  body: string | null;
  /** For the log line of an unexpected failure. */
  requestId?: string;
}

export interface HookResponse {
  status: number;
  contentType: "text/plain; charset=utf-8" | "application/json";
  body: string;
  /** The server whose token authenticated the call, for the request log. */
  server?: string;
}

function parseBody(contentType: string | undefined, body: string): Record<string, unknown> {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(body));
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = body.trim() === "" ? {} : JSON.parse(body);
    } catch {
      throw new AppError("bad_request", "request body is not valid JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new AppError("bad_request", "request body must be a JSON object");
    }
    return parsed as Record<string, unknown>;
  }
  throw new AppError("bad_request", "Content-Type must be application/json or application/x-www-form-urlencoded");
}

/** Last-seen is advisory: write it at most every few seconds per server and process. */
const lastSeenWritten = new Map<string, number>();
async function touchServer(db: Db, server: ServerView): Promise<void> {
  const now = Date.now();
  if (now - (lastSeenWritten.get(server.id) ?? 0) < 5000) return;
  lastSeenWritten.set(server.id, now);
  await markServerSeen(db, server.id, new Date(now));
}

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

async function answer(db: Db, server: ServerView, action: string, fields: Record<string, unknown>): Promise<Answer> {
  switch (action) {
    case "auth": {
      const decision = await authorize(db, server, authHookSchema.parse(fields));
      return decision.allow
        ? { status: 200, text: "allow", json: { decision: "allow", reason: decision.reason, session_id: decision.sessionId } }
        : { status: 403, text: `deny ${decision.reason}`, json: { decision: "deny", reason: decision.reason } };
    }
    case "connect": {
      const result = await connect(db, server, connectHookSchema.parse(fields));
      return result.allow
        ? {
            status: 200,
            text: result.config.join("\n"),
            json: { decision: "allow", reason: result.reason, session_id: result.sessionId, config: result.config },
          }
        : { status: 403, text: `deny ${result.reason}`, json: { decision: "deny", reason: result.reason } };
    }
    case "disconnect": {
      const result = await disconnect(db, server, disconnectHookSchema.parse(fields));
      return { status: 200, text: "ok", json: { session_id: result.sessionId, session_state: result.sessionState } };
    }
    case "disconnect-reason": {
      const result = await reportDisconnectReason(db, server, disconnectReasonHookSchema.parse(fields));
      return {
        status: 200,
        text: `ok ${result.outcome}`,
        json: { session_id: result.sessionId, session_state: result.sessionState, outcome: result.outcome },
      };
    }
    case "traffic": {
      const result = await reportTraffic(db, server, parseTrafficHook(fields));
      return { status: 200, text: trafficSummaryText(result), json: { ...result } };
    }
    case "agent/orders": {
      const input = agentPollSchema.parse(fields);
      const vanished = input.live
        ? await endVanishedConnections(db, server, { ids: input.live.connection_ids, at: new Date(input.live.at * 1000) })
        : [];
      const result = await pollOrders(db, server, input);
      const text = result.orders.map((order) => `${order.action} ${order.id} ${order.connection_id}`).join("\n");
      return { status: 200, text, json: { ...result, vanished } };
    }
    default:
      throw new AppError("not_found", `unknown hook "${action}": use auth, connect, disconnect, disconnect-reason, traffic or agent/orders`);
  }
}

function respond(accept: string | undefined, status: number, text: string, json: Record<string, unknown>): HookResponse {
  if ((accept ?? "").includes("text/plain")) {
    return { status, contentType: "text/plain; charset=utf-8", body: text === "" ? "" : `${text}\n` };
  }
  return { status, contentType: "application/json", body: JSON.stringify(json) };
}

/** The gist of an error for a one-line log entry (Prisma's messages end with the cause). */
const lastLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).trim().split("\n").pop();

export async function handleHook(db: Db, request: HookRequest): Promise<HookResponse> {
  let server: ServerView | null = null;
  try {
    if (request.method !== "POST") throw new AppError("bad_request", "hooks are called with POST");
    const match = /^Bearer\s+(\S+)$/i.exec(request.authorization ?? "");
    server = match?.[1] ? await authenticateServer(db, match[1]) : null;
    if (!server) throw new AppError("unauthorized", "unknown, revoked or missing server token");
    const limit = hookBodyLimit(request.path);
    if (request.body === null || Buffer.byteLength(request.body) > limit) {
      throw new AppError("payload_too_large", `request body is larger than ${limit} bytes`);
    }
    const action = request.path.slice(HOOK_PATH_PREFIX.length).replace(/\/$/, "");
    const result = await answer(db, server, action, parseBody(request.contentType, request.body));
    await touchServer(db, server);
    return { ...respond(request.accept, result.status, result.text, result.json), server: server.name };
  } catch (error) {
    const named = server ? { server: server.name } : {};
    const known = describeError(error);
    // Without its database the console cannot decide: the answer is an error, which every hook
    // treats as a refusal (fail closed), and the reason goes to the log.
    if (known?.code === "unavailable") {
      log.error("hook refused: database unavailable", { request_id: request.requestId, path: request.path, ...named, reason: lastLine(error) });
    }
    if (known) return { ...respond(request.accept, HTTP_STATUS[known.code], `error ${known.message}`, { error: known.message, ...(known.fields ? { fields: known.fields } : {}) }), ...named };
    log.error("hook failed", { request_id: request.requestId, path: request.path, ...named, error });
    return { ...respond(request.accept, 500, "error internal error", { error: "internal error" }), ...named };
  }
}
