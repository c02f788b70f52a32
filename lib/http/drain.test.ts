import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { drainServer } from "./drain";

let server: http.Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

/** A server whose answers wait until `release` is called. */
async function slowServer() {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived: () => void = () => {};
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  server = http.createServer((_request, response) => {
    arrived();
    void released.then(() => response.end("done"));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { port, release, arrival };
}

function get(port: number, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, agent }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe("drainServer", () => {
  it("lets a request in flight finish, refuses new connections, and closes the keep-alive connection after", async () => {
    const { port, release, arrival } = await slowServer();
    const agent = new http.Agent({ keepAlive: true });
    const inFlight = get(port, agent);
    await arrival;
    const drained = drainServer(server as http.Server, 5_000);
    await expect(get(port, new http.Agent())).rejects.toMatchObject({ code: "ECONNREFUSED" });
    release();
    expect(await inFlight).toEqual({ status: 200, body: "done" });
    expect(await drained).toBe(true);
    agent.destroy();
  });

  it("cuts what is still running when the grace period ends", async () => {
    const { port, arrival } = await slowServer();
    const inFlight = get(port, new http.Agent()).catch((error: NodeJS.ErrnoException) => error.code);
    await arrival;
    expect(await drainServer(server as http.Server, 200)).toBe(false);
    expect(await inFlight).toBe("ECONNRESET");
  });
});
