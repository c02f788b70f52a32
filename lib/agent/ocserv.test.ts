// The ocserv source runs occtl as a program; here a stand-in script answers with output recorded
// in fixtures/, so the exec, parse and kill paths run as they do next to a real ocserv.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Reading } from "./buffer";
import { OcservSource } from "./ocserv";

const dir = mkdtempSync(path.join(os.tmpdir(), "occtl-"));
const occtl = path.join(dir, "occtl");
const calls = path.join(dir, "calls.log");
writeFileSync(
  occtl,
  `#!/bin/sh
echo "$*" >> ${calls}
case "$*" in
  "--json show users") cat ${path.join(import.meta.dirname, "fixtures", "ocserv-show-users.json")} ;;
  "disconnect id 2319") echo "user disconnected" ;;
  *) echo "could not disconnect user" >&2; exit 1 ;;
esac
`,
);
chmodSync(occtl, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("OcservSource", () => {
  it("polls occtl for every connection's counters", async () => {
    const log: string[] = [];
    const source = new OcservSource({ occtl, intervalSeconds: 60, log: (line) => log.push(line) });
    const stop = new AbortController();
    const readings: Reading[] = [];
    const running = source.run((batch) => {
      readings.push(...batch);
      stop.abort();
    }, stop.signal);
    await running;
    expect(readings.map((r) => [r.connectionId, r.bytesIn, r.bytesOut])).toEqual([
      ["2319", 123456n, 7890123n],
      ["2344", 0n, 512n],
    ]);
    expect(log).toEqual([]);
  });

  it("kills a connection by its worker id and reports occtl's refusal", async () => {
    const source = new OcservSource({ occtl, intervalSeconds: 60, log: () => {} });
    expect(await source.kill("2319")).toBe("occtl disconnect id 2319: user disconnected");
    await expect(source.kill("4000")).rejects.toThrow("could not disconnect user");
    await expect(source.kill("2319; reboot")).rejects.toThrow("is not an ocserv connection id");
    expect(readFileSync(calls, "utf8")).toContain("disconnect id 4000\n");
  });

  it("logs a failing occtl once per outage and keeps polling", async () => {
    const log: string[] = [];
    const source = new OcservSource({ occtl: path.join(dir, "missing-occtl"), intervalSeconds: 1, log: (line) => log.push(line) });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 2500);
    await source.run(() => {}, stop.signal);
    expect(log).toHaveLength(1);
    expect(log[0]).toContain("missing-occtl");
  });
});
