// Parsers for what OpenVPN's management interface prints: `status 3` (tab-separated) and the
// `>BYTECOUNT_CLI:` notifications. A line that does not parse is reported, never fatal: the rest
// of the table still counts.

export interface OpenVpnClient {
  /** The daemon's client id (CID), what client-kill takes. */
  cid: string;
  commonName: string;
  username: string;
  /** Real address as ip:port, the connection id the hooks report. */
  realAddress: string;
  virtualAddress: string;
  bytesIn: bigint;
  bytesOut: bigint;
  connectedSince: Date | null;
}

export interface StatusTable {
  clients: OpenVpnClient[];
  /** The server's clock when it printed the table. */
  time: Date | null;
  /** Lines that could not be read, with why. */
  problems: string[];
}

/** Column order of OpenVPN 2.5/2.6, used when the output has no HEADER line for CLIENT_LIST. */
const DEFAULT_CLIENT_COLUMNS = [
  "Common Name",
  "Real Address",
  "Virtual Address",
  "Virtual IPv6 Address",
  "Bytes Received",
  "Bytes Sent",
  "Connected Since",
  "Connected Since (time_t)",
  "Username",
  "Client ID",
  "Peer ID",
  "Data Channel Cipher",
];

const COUNTER = /^\d{1,19}$/;

function unixTime(text: string | undefined): Date | null {
  return text !== undefined && /^\d{1,12}$/.test(text) ? new Date(Number(text) * 1000) : null;
}

export function parseStatus3(output: string): StatusTable {
  const table: StatusTable = { clients: [], time: null, problems: [] };
  let columns = DEFAULT_CLIENT_COLUMNS;
  const lines = output.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line === "" || line === "END") continue;
    const fields = line.split("\t");
    const kind = fields[0];
    if (kind === "HEADER" && fields[1] === "CLIENT_LIST") {
      columns = fields.slice(2);
      continue;
    }
    if (kind === "TIME") {
      table.time = unixTime(fields[2]);
      continue;
    }
    if (kind !== "CLIENT_LIST") continue;
    const row = fields.slice(1);
    const value = (name: string) => {
      const at = columns.indexOf(name);
      return at >= 0 ? row[at] : undefined;
    };
    const where = `line ${index + 1}`;
    if (row.length < columns.length) {
      table.problems.push(`${where}: CLIENT_LIST has ${row.length} fields, expected ${columns.length}`);
      continue;
    }
    const cid = value("Client ID") ?? "";
    const realAddress = value("Real Address") ?? "";
    const bytesIn = value("Bytes Received") ?? "";
    const bytesOut = value("Bytes Sent") ?? "";
    if (!/^\d+$/.test(cid)) {
      table.problems.push(`${where}: client id "${cid}" is not a number`);
      continue;
    }
    if (realAddress === "") {
      table.problems.push(`${where}: no real address`);
      continue;
    }
    if (!COUNTER.test(bytesIn) || !COUNTER.test(bytesOut)) {
      table.problems.push(`${where}: byte counters "${bytesIn}", "${bytesOut}" are not whole numbers`);
      continue;
    }
    table.clients.push({
      cid,
      commonName: value("Common Name") ?? "",
      username: value("Username") ?? "",
      realAddress,
      virtualAddress: value("Virtual Address") ?? "",
      bytesIn: BigInt(bytesIn),
      bytesOut: BigInt(bytesOut),
      connectedSince: unixTime(value("Connected Since (time_t)")),
    });
  }
  return table;
}

export interface ByteCount {
  cid: string;
  /** Bytes from the client. */
  bytesIn: bigint;
  /** Bytes to the client. */
  bytesOut: bigint;
}

/** `>BYTECOUNT_CLI:{CID},{BYTES_IN},{BYTES_OUT}`; null for any other or malformed line. */
export function parseByteCount(line: string): ByteCount | null {
  const match = /^>BYTECOUNT_CLI:(\d+),(\d{1,19}),(\d{1,19})\s*$/.exec(line);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  return { cid: match[1], bytesIn: BigInt(match[2]), bytesOut: BigInt(match[3]) };
}

export interface TunnelEnd {
  /** Real address as ip:port, the connection id the hooks report. */
  connectionId: string;
  reason: "graceful" | "dropped";
}

// What OpenVPN 2.6 logs about a client instance ending, prefixed with "common-name/ip:port"
// (docs/openvpn.md, "How a tunnel ends"):
// - "CC-EEN exit message received by peer": the client announced its exit (explicit-exit-notify
//   over the control channel, 2.6 on both ends); the instance ends 5 s later ("delayed-exit").
// - "SIGTERM[soft,remote-exit] received, client-instance exiting": the same announcement from
//   clients that send it on the data channel (before 2.6).
// - "[soft,ping-restart]" (keepalive timeout, UDP) and "[soft,connection-reset]" (TCP closed):
//   the client went away without a word. A TCP client has no way to announce its exit.
// "delayed-exit" adds nothing: it follows an announced exit or the agent's own client-kill.
const INSTANCE_LINE =
  /^.*\/(\S+) (CC-EEN exit message received by peer|SIG[A-Z0-9]+\[soft,([a-z-]+)\] received, client-instance (?:exiting|restarting))$/;

/** The tunnel end a `>LOG:` notification (management `log on`) reports, or null for any other line. */
export function parseTunnelEnd(line: string): TunnelEnd | null {
  const log = /^>LOG:\d+,[A-Z]*,(.*)$/.exec(line);
  const match = log?.[1] ? INSTANCE_LINE.exec(log[1]) : null;
  if (!match?.[1]) return null;
  // An IPv6 real address may be printed in brackets; the hooks report it without.
  const connectionId = match[1].replace(/^\[([^\]]+)\]:(\d+)$/, "$1:$2");
  const signalText = match[3];
  if (signalText === undefined || signalText === "remote-exit") return { connectionId, reason: "graceful" };
  if (signalText === "ping-restart" || signalText === "connection-reset") return { connectionId, reason: "dropped" };
  return null;
}
