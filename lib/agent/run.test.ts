import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff";
import { ReadingBuffer, type Reading } from "./buffer";
import { parseManagementTarget } from "./management";
import { ConsoleError, type ConsoleClient } from "./console-client";
import { followOrders, parseAgentArgs, reportTunnelEnds, TunnelEndQueue } from "./run";
import type { CounterSource, LiveConnections } from "./source";

const reading = (connectionId: string, bytes: number, second: number): Reading => ({
  connectionId,
  bytesIn: BigInt(bytes),
  bytesOut: 0n,
  at: new Date(second * 1000),
});

describe("ReadingBuffer", () => {
  it("hands readings out oldest first and takes failed batches back in front", () => {
    const buffer = new ReadingBuffer(10);
    buffer.add([reading("a", 1, 1), reading("b", 1, 2), reading("a", 2, 3)]);
    const batch = buffer.take(2);
    expect(batch.map((r) => [r.connectionId, r.bytesIn])).toEqual([["a", 1n], ["b", 1n]]);
    buffer.putBack(batch);
    expect(buffer.take(10).map((r) => r.bytesIn)).toEqual([1n, 1n, 2n]);
  });

  it("when full keeps the newest reading of every connection, then drops the oldest connections", () => {
    const buffer = new ReadingBuffer(3);
    buffer.add([reading("a", 1, 1), reading("b", 1, 2), reading("a", 2, 3), reading("c", 1, 4)]);
    expect(buffer.take(10).map((r) => [r.connectionId, r.bytesIn])).toEqual([["b", 1n], ["a", 2n], ["c", 1n]]);
    expect(buffer.dropped).toBe(1);
    buffer.add([reading("a", 1, 5), reading("b", 1, 6), reading("c", 1, 7), reading("d", 1, 8)]);
    expect(buffer.take(10).map((r) => r.connectionId)).toEqual(["b", "c", "d"]);
    expect(buffer.dropped).toBe(2);
  });
});

describe("Backoff", () => {
  it("doubles up to the maximum and starts over after a reset", () => {
    const backoff = new Backoff(1000, 5000, () => 0.5);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([1000, 2000, 4000, 5000, 5000]);
    backoff.reset();
    expect(backoff.next()).toBe(1000);
  });

  it("spreads waits by ±20 %", () => {
    expect(new Backoff(1000, 5000, () => 0).next()).toBe(800);
    expect(new Backoff(1000, 5000, () => 1).next()).toBe(1200);
  });
});

describe("parseManagementTarget", () => {
  it.each([
    ["unix:/run/openvpn/server.sock", { kind: "unix", path: "/run/openvpn/server.sock" }],
    ["tcp:127.0.0.1:7505", { kind: "tcp", host: "127.0.0.1", port: 7505 }],
    ["tcp:[::1]:7505", { kind: "tcp", host: "::1", port: 7505 }],
  ])("%s", (text, expected) => {
    expect(parseManagementTarget(text)).toEqual(expected);
  });

  it.each(["unix:", "tcp:127.0.0.1", "tcp:host:70000", "/run/openvpn.sock"])("refuses %s", (text) => {
    expect(() => parseManagementTarget(text)).toThrow("must be unix:/path/to/socket or tcp:host:port");
  });
});

describe("parseAgentArgs", () => {
  const base = ["--console", "https://console.example.net", "--token-file", "/etc/session-console/token"];

  it("reads an OpenVPN agent's options with defaults", () => {
    expect(parseAgentArgs([...base, "--openvpn-management", "unix:/run/ovpn.sock", "--management-password-file", "/etc/pw"])).toEqual({
      consoleUrl: "https://console.example.net/",
      tokenFile: "/etc/session-console/token",
      daemon: { kind: "openvpn", management: "unix:/run/ovpn.sock", passwordFile: "/etc/pw" },
      intervalSeconds: 5,
      pollSeconds: 1,
      bufferSize: 200_000,
      batchSize: 5000,
    });
    expect(parseAgentArgs([...base, "--ocserv", "--interval", "10"])).toMatchObject({ daemon: { kind: "ocserv", occtl: "occtl" }, intervalSeconds: 10 });
  });

  it.each([
    [["--token-file", "f", "--ocserv"], "--console URL is required"],
    [["--console", "console:3000", "--token-file", "f", "--ocserv"], "must be an http:// or https:// URL"],
    [["--console", "http://c", "--ocserv"], "--token-file FILE is required"],
    [[...base], "exactly one of --openvpn-management ADDRESS and --ocserv"],
    [[...base, "--ocserv", "--openvpn-management", "unix:/s"], "exactly one of"],
    [[...base, "--ocserv", "--management-password-file", "p"], "is for --openvpn-management"],
    [[...base, "--openvpn-management", "localhost:7505"], "must be unix:/path/to/socket or tcp:host:port"],
    [[...base, "--ocserv", "--interval", "0"], "--interval must be a whole number from 1 to 3600"],
    [[...base, "--ocserv", "--batch", "20000"], "--batch must be a whole number from 1 to 10000"],
    [[...base, "--ocserv", "--bogus"], "Unknown option '--bogus'"],
  ])("refuses %j", (argv, message) => {
    expect(() => parseAgentArgs(argv)).toThrow(message);
  });
});

describe("tunnel end reports", () => {
  it("keeps the newest reports when the queue overflows", () => {
    const queue = new TunnelEndQueue(2);
    for (const id of ["a", "b", "c"]) queue.push({ connectionId: id, reason: "graceful" });
    expect([queue.size, queue.dropped, queue.peek()?.connectionId]).toEqual([2, 1, "b"]);
  });

  it("sends each report in order, drops one the console refuses, and logs the console's answer", async () => {
    const sent: unknown[] = [];
    const stop = new AbortController();
    const client = {
      call: async (hook: string, body: { connection_id: string }) => {
        sent.push([hook, body]);
        if (body.connection_id === "never-seen") throw new ConsoleError("disconnect-reason: 404 unknown connection", false);
        if (sent.length === 2) stop.abort();
        return { outcome: "session ended: the client disconnected" };
      },
    } as unknown as ConsoleClient;
    const queue = new TunnelEndQueue();
    queue.push({ connectionId: "never-seen", reason: "dropped" });
    queue.push({ connectionId: "198.51.100.4:40000", reason: "graceful" });
    const log: string[] = [];
    await reportTunnelEnds(client, queue, { log: (line) => log.push(line) }, stop.signal);
    expect(sent).toEqual([
      ["disconnect-reason", { connection_id: "never-seen", reason: "dropped" }],
      ["disconnect-reason", { connection_id: "198.51.100.4:40000", reason: "graceful" }],
    ]);
    expect(queue.size).toBe(0);
    expect(log).toEqual([
      "console: report of tunnel never-seen ending (dropped) refused: disconnect-reason: 404 unknown connection",
      "tunnel 198.51.100.4:40000 ended (graceful): session ended: the client disconnected",
    ]);
  });
});

describe("order polls", () => {
  it("carry the daemon's list of tunnels when there is a newer one, at most every liveReportMs", async () => {
    const polls: Record<string, unknown>[] = [];
    const stop = new AbortController();
    let snapshot: LiveConnections | null = null;
    const source: CounterSource = { run: async () => {}, kill: async () => "", liveConnections: () => snapshot };
    const client = {
      call: async (_hook: string, body: Record<string, unknown>) => {
        polls.push(body);
        // 1: no list yet; 2: a first list; 3: the same list again; 4: a newer one, too soon; 5: later.
        if (polls.length === 1) snapshot = { ids: ["a:1", "b:2"], at: new Date(1_000_000) };
        if (polls.length === 3) snapshot = { ids: ["a:1"], at: new Date(1_005_000) };
        if (polls.length === 4) await new Promise((resolve) => setTimeout(resolve, 600));
        if (polls.length === 5) stop.abort();
        return { orders: [], vanished: polls.length === 2 ? ["c:3"] : [] };
      },
    } as unknown as ConsoleClient;
    const log: string[] = [];
    await followOrders(client, source, { intervalMs: 1, log: (line) => log.push(line), liveReportMs: 500 }, stop.signal);
    expect(polls.map((poll) => poll.live ?? null)).toEqual([
      null,
      { connection_ids: ["a:1", "b:2"], at: 1000 },
      null,
      null,
      { connection_ids: ["a:1"], at: 1005 },
    ]);
    expect(log).toEqual(["console ended 1 tunnel(s) no longer on the server: c:3"]);
  });
});
