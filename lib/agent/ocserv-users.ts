// Parser for `occtl --json show users`. Some ocserv releases print JSON with trailing commas;
// those are tolerated. An entry without a usable ID or counters is reported and skipped, except
// that entries without RX/TX at all are expected for a worker whose tun device is not up yet or
// already gone: only when no entry has counters is that reported (occtl then cannot see the
// devices: it runs outside ocserv's network namespace).

export interface OcservUser {
  /** The worker's id (its PID), what `occtl disconnect id` takes and the hooks' connection id. */
  id: string;
  username: string;
  remoteIp: string;
  vpnIp: string;
  /** Bytes from the client. */
  bytesIn: bigint;
  /** Bytes to the client. */
  bytesOut: bigint;
}

export interface OcservUsers {
  users: OcservUser[];
  /** Every connection listed, with counters or not: what is up on the server. */
  ids: string[];
  problems: string[];
}

function counter(value: unknown): bigint | null {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && /^\d{1,19}$/.test(value.trim())) return BigInt(value.trim());
  return null;
}

const text = (value: unknown): string => (typeof value === "string" || typeof value === "number" ? String(value) : "");

export function parseOcservUsers(output: string): OcservUsers {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output.trim() === "" ? "[]" : output);
  } catch {
    try {
      parsed = JSON.parse(output.replace(/,(\s*[\]}])/g, "$1"));
    } catch (error) {
      return { users: [], ids: [], problems: [`not JSON: ${error instanceof Error ? error.message : String(error)}`] };
    }
  }
  if (!Array.isArray(parsed)) return { users: [], ids: [], problems: ["expected a JSON list of users"] };
  const result: OcservUsers = { users: [], ids: [], problems: [] };
  const withoutCounters: string[] = [];
  for (const [index, entry] of parsed.entries()) {
    if (typeof entry !== "object" || entry === null) {
      result.problems.push(`entry ${index}: not an object`);
      continue;
    }
    const record = entry as Record<string, unknown>;
    const id = text(record.ID);
    const bytesIn = counter(record.RX);
    const bytesOut = counter(record.TX);
    if (!/^\d+$/.test(id)) {
      result.problems.push(`entry ${index}: ID "${id}" is not a number`);
      continue;
    }
    result.ids.push(id);
    if (record.RX === undefined && record.TX === undefined) {
      withoutCounters.push(id);
      continue;
    }
    if (bytesIn === null || bytesOut === null) {
      result.problems.push(`entry ${index} (ID ${id}): RX/TX are not byte counts`);
      continue;
    }
    result.users.push({
      id,
      username: text(record.Username),
      remoteIp: text(record["Remote IP"]),
      vpnIp: text(record.IPv4),
      bytesIn,
      bytesOut,
    });
  }
  if (withoutCounters.length > 0 && result.users.length === 0) {
    result.problems.push(
      `no RX/TX for connection(s) ${withoutCounters.join(", ")}: occtl shows none when it cannot see the tun devices (run the agent in ocserv's network namespace)`,
    );
  }
  return result;
}
