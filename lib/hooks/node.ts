// Serves the hook API from a Node http request, reading at most MAX_HOOK_BODY_BYTES.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "../db";
import { observeHookRequest } from "../metrics";
import { handleHook, MAX_HOOK_BODY_BYTES } from "./handler";

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

export async function serveHook(db: Db, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = process.hrtime.bigint();
  const body = await readBody(request, MAX_HOOK_BODY_BYTES);
  const path = (request.url ?? "").split("?")[0] ?? "";
  const answer = await handleHook(db, {
    method: request.method ?? "GET",
    path,
    authorization: request.headers.authorization,
    contentType: request.headers["content-type"],
    accept: request.headers.accept,
    body,
  });
  response.writeHead(answer.status, { "Content-Type": answer.contentType, "Cache-Control": "no-store" });
  response.end(answer.body);
  observeHookRequest(path, answer.status, Number(process.hrtime.bigint() - started) / 1e9);
}
