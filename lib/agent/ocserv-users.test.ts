import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseOcservUsers } from "./ocserv-users";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("parseOcservUsers", () => {
  it("reads the output recorded from ocserv 1.1.6 with one openconnect client", () => {
    expect(parseOcservUsers(fixture("ocserv-1.1.6-show-users.json"))).toEqual({
      users: [{ id: "25101", username: "labuser", remoteIp: "10.213.7.6", vpnIp: "10.213.9.130", bytesIn: 8368n, bytesOut: 8672n }],
      ids: ["25101"],
      problems: [],
    });
  });

  it("reads `occtl --json show users` with trailing commas, as some releases print it", () => {
    expect(parseOcservUsers(fixture("ocserv-show-users.json"))).toEqual({
      users: [
        { id: "2319", username: "alice", remoteIp: "198.51.100.4", vpnIp: "192.168.100.22", bytesIn: 123456n, bytesOut: 7890123n },
        { id: "2344", username: "bob", remoteIp: "198.51.100.9", vpnIp: "192.168.100.23", bytesIn: 0n, bytesOut: 512n },
      ],
      ids: ["2319", "2344"],
      problems: [],
    });
  });

  it("keeps the good entries and names each malformed one", () => {
    const result = parseOcservUsers(fixture("ocserv-show-users-malformed.json"));
    expect(result.users.map((u) => [u.id, u.bytesIn, u.bytesOut])).toEqual([["10", 100n, 200n]]);
    expect(result.ids).toEqual(["10", "11", "12", "13"]);
    expect(result.problems).toEqual([
      'entry 1: ID "pid?" is not a number',
      "entry 2 (ID 11): RX/TX are not byte counts",
      "entry 3 (ID 12): RX/TX are not byte counts",
      "entry 4: not an object",
    ]);
  });

  it("skips a worker without counters next to others (its tun device is not up yet or already gone), but lists it as up", () => {
    const output = JSON.stringify([
      { ID: 20, Username: "up", RX: "10", TX: "20" },
      { ID: 21, Username: "leaving", State: "connected" },
    ]);
    expect(parseOcservUsers(output)).toEqual({
      users: [{ id: "20", username: "up", remoteIp: "", vpnIp: "", bytesIn: 10n, bytesOut: 20n }],
      ids: ["20", "21"],
      problems: [],
    });
  });

  it("says once when no worker has counters: occtl cannot see the tun devices", () => {
    const output = JSON.stringify([{ ID: 30, Username: "a" }, { ID: 31, Username: "b" }]);
    expect(parseOcservUsers(output)).toEqual({
      users: [],
      ids: ["30", "31"],
      problems: ["no RX/TX for connection(s) 30, 31: occtl shows none when it cannot see the tun devices (run the agent in ocserv's network namespace)"],
    });
  });

  it.each([
    ["", { users: [], ids: [], problems: [] }],
    ["[]", { users: [], ids: [], problems: [] }],
    ['{"error": "cannot connect"}', { users: [], ids: [], problems: ["expected a JSON list of users"] }],
  ])("reads %j", (output, expected) => {
    expect(parseOcservUsers(output)).toEqual(expected);
  });

  it("says when the output is not JSON at all", () => {
    expect(parseOcservUsers("occtl: could not connect to ocserv").problems[0]).toMatch(/^not JSON: /);
  });
});
