import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseByteCount, parseStatus3, parseTunnelEnd } from "./openvpn-status";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("parseStatus3", () => {
  it("reads the client table recorded from OpenVPN 2.6.14", () => {
    const table = parseStatus3(fixture("openvpn-status3.txt"));
    expect(table.problems).toEqual([]);
    expect(table.time).toEqual(new Date(1795435400 * 1000));
    expect(table.clients).toEqual([
      {
        cid: "0",
        commonName: "labuser",
        username: "labuser",
        realAddress: "10.213.7.2:33364",
        virtualAddress: "10.213.8.2",
        bytesIn: 4181n,
        bytesOut: 5023n,
        connectedSince: new Date(1795435398 * 1000),
      },
    ]);
  });

  it("keeps the good rows and names each malformed one", () => {
    const table = parseStatus3(fixture("openvpn-status3-malformed.txt"));
    expect(table.clients.map((c) => [c.cid, c.realAddress, c.bytesIn, c.bytesOut])).toEqual([
      ["7", "198.51.100.4:40000", 1048576n, 2097152n],
      ["11", "[2001:db8::7]:51000", 9007199254740993n, 0n],
    ]);
    expect(table.problems).toEqual([
      "line 5: CLIENT_LIST has 3 fields, expected 12",
      'line 6: byte counters "lots", "12" are not whole numbers',
      'line 7: client id "x9" is not a number',
      "line 8: no real address",
    ]);
  });

  it("follows the HEADER's column order rather than assuming one", () => {
    const output = "HEADER\tCLIENT_LIST\tClient ID\tReal Address\tBytes Sent\tBytes Received\nCLIENT_LIST\t3\t192.0.2.1:5\t20\t10\nEND\n";
    expect(parseStatus3(output).clients).toMatchObject([{ cid: "3", realAddress: "192.0.2.1:5", bytesIn: 10n, bytesOut: 20n }]);
  });

  it("reads an empty server", () => {
    expect(parseStatus3("TITLE\tx\nTIME\tnow\t1\nEND\n")).toEqual({ clients: [], time: new Date(1000), problems: [] });
  });
});

describe("parseByteCount", () => {
  it.each([
    [">BYTECOUNT_CLI:0,4181,5095", { cid: "0", bytesIn: 4181n, bytesOut: 5095n }],
    [">BYTECOUNT_CLI:12,0,0\r", { cid: "12", bytesIn: 0n, bytesOut: 0n }],
    [">BYTECOUNT:4181,5095", null],
    [">BYTECOUNT_CLI:1,-5,3", null],
    [">BYTECOUNT_CLI:1,5", null],
    [">BYTECOUNT_CLI:a,1,2", null],
    [">INFO:OpenVPN Management Interface Version 5", null],
  ])("%s", (line, expected) => {
    expect(parseByteCount(line)).toEqual(expected);
  });
});

describe("parseTunnelEnd", () => {
  // Lines as OpenVPN 2.6.14 printed them to the management interface (docs/openvpn.md).
  it("reads a client's announced exit as graceful", () => {
    expect(parseTunnelEnd(">LOG:1795445175,N,u-udpterm/10.218.1.2:44411 CC-EEN exit message received by peer")).toEqual({
      connectionId: "10.218.1.2:44411",
      reason: "graceful",
    });
    expect(parseTunnelEnd(">LOG:1795445175,,Ann Lee/198.51.100.4:40000 SIGTERM[soft,remote-exit] received, client-instance exiting")).toEqual({
      connectionId: "198.51.100.4:40000",
      reason: "graceful",
    });
  });

  it("reads a keepalive timeout and a closed TCP connection as dropped", () => {
    expect(parseTunnelEnd(">LOG:1795445195,,u-udpkill/10.218.1.2:52191 SIGUSR1[soft,ping-restart] received, client-instance restarting")).toEqual({
      connectionId: "10.218.1.2:52191",
      reason: "dropped",
    });
    expect(parseTunnelEnd(">LOG:1795445257,,u-tcpkill/[2001:db8::2]:50946 SIGUSR1[soft,connection-reset] received, client-instance restarting")).toEqual({
      connectionId: "2001:db8::2:50946",
      reason: "dropped",
    });
  });

  it("ignores the delayed exit that follows an announcement or a client-kill, and every other line", () => {
    for (const line of [
      ">LOG:1795445180,,u-udpterm/10.218.1.2:44411 SIGTERM[soft,delayed-exit] received, client-instance exiting",
      ">LOG:1795445201,,Delayed exit in 5 seconds",
      ">LOG:1795445195,I,u-udpkill/10.218.1.2:52191 [u-udpkill] Inactivity timeout (--ping-restart), restarting",
      ">LOG:1795445175,,u-udpterm/10.218.1.2:44411 Delayed exit in 5 seconds",
      ">NOTIFY:info,remote-exit,EXIT",
      ">BYTECOUNT_CLI:3,100,200",
      ">LOG:1795445175,N,CC-EEN exit message received by peer",
    ]) {
      expect(parseTunnelEnd(line)).toBeNull();
    }
  });
});
