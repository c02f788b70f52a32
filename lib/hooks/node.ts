// Serves the hook API from a Node http request, reading at most the hook's body limit, and logs
// one line per request (never its body or headers: they hold passwords and tokens).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "../db";
import { log } from "../log";
import { observeHookRequest } from "../metrics";
import { handleHook, hookBodyLimit } from "./handler";

function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export async function serveHook(db: Db, request: IncomingMessage, response: ServerResponse, requestId?: string): Promise<void> {
  const started = process.hrtime.bigint();
  const path = (request.url ?? "").split("?")[0] ?? "";
  const body = await readBody(request, hookBodyLimit(path));
  const answer = await handleHook(db, {
    method: request.method ?? "GET",
    path,
    authorization: request.headers.authorization,
    contentType: request.headers["content-type"],
    accept: request.headers.accept,
    body,
    requestId,
  });
  response.writeHead(answer.status, { "Content-Type": answer.contentType, "Cache-Control": "no-store" });
  response.end(answer.body);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  observeHookRequest(path, answer.status, seconds);
  log.info("hook request", {
    request_id: requestId,
    method: request.method,
    path,
    status: answer.status,
    duration_ms: Math.round(seconds * 1e6) / 1e3,
    server: answer.server,
  });
}
