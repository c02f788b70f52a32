// The console's HTTP server: the hook API straight from Node's http module (VPN servers call it
// in their connect path), everything else through Next.js. Also runs the database migrations,
// creates the first admin, and runs the background jobs (session expiry, traffic sample
// compaction, inactivity enforcement), each on one instance at a time.
import "./lib/database-url-guard";
import http from "node:http";
import next from "next";
import { bootstrap } from "./lib/bootstrap";
import { databaseUrl, trustProxyHops } from "./lib/config";
import { describeDatabaseFailure } from "./lib/database-url";
import { db } from "./lib/db";
import { HOOK_PATH_PREFIX } from "./lib/hooks/handler";
import { CLIENT_IP_HEADER, clientIpOf } from "./lib/http/client-ip";
import { DRAIN_GRACE_MS, drainServer } from "./lib/http/drain";
import { serveHook } from "./lib/hooks/node";
import { applyContentSecurityPolicy } from "./lib/http/security-headers";
import { startInactivityEnforcement } from "./lib/live/enforcement";
import { log, REQUEST_ID_HEADER, requestIdFrom } from "./lib/log";
import { startExpirySweeper } from "./lib/sessions/expiry";
import { flushTraffic } from "./lib/traffic/ingest";
import { startTrafficCompactor, trafficRetention } from "./lib/traffic/retention";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "0.0.0.0";

async function main(): Promise<void> {
  const retention = trafficRetention();
  const proxyHops = trustProxyHops();
  await bootstrap(db);
  const app = next({ dev, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const stopJobs = [startExpirySweeper(db), startTrafficCompactor(db, retention), startInactivityEnforcement(db)];

  const server = http.createServer((request, response) => {
    // Route handlers read the id from the request; the caller gets it back.
    const requestId = requestIdFrom(request.headers[REQUEST_ID_HEADER]);
    request.headers[REQUEST_ID_HEADER] = requestId;
    request.headers[CLIENT_IP_HEADER] = clientIpOf(request, proxyHops);
    response.setHeader("X-Request-Id", requestId);
    if (request.url?.startsWith(HOOK_PATH_PREFIX)) {
      serveHook(db, request, response, requestId).catch((error: unknown) => {
        log.error("hook request failed", { request_id: requestId, method: request.method, error });
        if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        response.end("error internal error\n");
      });
      return;
    }
    applyContentSecurityPolicy(request, response, dev);
    void handle(request, response);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, hostname, () => {
    log.info("listening", { url: `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}` });
  });
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      // A second signal means now.
      if (stopping) process.exit(1);
      stopping = true;
      log.info("shutting down: finishing requests in flight", { signal, grace_ms: DRAIN_GRACE_MS });
      void drainServer(server)
        .then(async (clean) => {
          if (!clean) log.warn("shutting down: requests still running after the grace period were cut");
          await flushTraffic(db).catch((error: unknown) => log.error("shutting down: traffic not written", { error }));
          // Giving the background jobs' leases up lets another instance take them over at once.
          return Promise.allSettled(stopJobs.map((stop) => stop()));
        })
        .then(() => db.$disconnect())
        .finally(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  const reason = describeDatabaseFailure(error, databaseUrl()) ?? (error instanceof Error ? error.message : String(error));
  log.error(`cannot start: ${reason}`);
  process.exit(1);
});
