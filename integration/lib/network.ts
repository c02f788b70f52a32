// The network the integration tests run in: a VPN server namespace joined to the root namespace
// (where the console listens) and to two client namespaces, each by its own veth pair.
//
//   root namespace                server namespace scv-srv           client namespace scv-cK
//   scv-up0 10.213.0.1/24 <-----> scv-up1 10.213.0.2/24
//                                 scv-sK 10.213.(K+1).1/24 <-------> scv-cK 10.213.(K+1).2/24
//
// No namespace forwards packets, so clients reach only the VPN server and the server reaches only
// the console. 10.213.0.9 answers nobody: a console that does not respond. Every name starts with
// "scv-": a new run first removes whatever an interrupted run left behind (processes inside scv-
// namespaces, the namespaces, the root link), and nothing else. With SCV_LAB=N (paths.ts) the
// names start with "scvN-" and the addresses with 10.(213+N).
import { command } from "./exec";
import { NAME_PREFIX, SUBNET_OCTET } from "./paths";
import { sleep } from "./wait";

const NET = `10.${SUBNET_OCTET}`;
export const SERVER_NS = `${NAME_PREFIX}-srv`;
export const CONSOLE_ADDRESS = `${NET}.0.1`;
/** On the uplink's subnet but no host has it: connections to it time out. */
export const SILENT_ADDRESS = `${NET}.0.9`;
const SERVER_UPLINK_ADDRESS = `${NET}.0.2`;
const ROOT_LINK = `${NAME_PREFIX}-up0`;
const SERVER_UPLINK = `${NAME_PREFIX}-up1`;
const CLIENT_COUNT = 2;

export interface ClientSide {
  ns: string;
  /** The client's address on its link (the VPN server sees it as the client IP). */
  address: string;
  /** A second address on the same link, for moving a client to another IP. */
  otherAddress: string;
  /** The VPN server's address on this link: what the client connects to. */
  serverAddress: string;
  link: string;
}

export const CLIENTS: readonly ClientSide[] = Array.from({ length: CLIENT_COUNT }, (_, k) => ({
  ns: `${NAME_PREFIX}-c${k}`,
  address: `${NET}.${k + 1}.2`,
  otherAddress: `${NET}.${k + 1}.3`,
  serverAddress: `${NET}.${k + 1}.1`,
  link: `${NAME_PREFIX}-c${k}`,
}));

const ip = (...args: string[]) => command("ip", args);

async function scvNamespaces(): Promise<string[]> {
  const { stdout } = await ip("netns", "list");
  return stdout
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => name.startsWith(`${NAME_PREFIX}-`));
}

/** Ends every process inside this run's namespaces, then deletes them and the root link. */
export async function removeNetwork(): Promise<void> {
  const namespaces = await scvNamespaces();
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    let left = 0;
    for (const ns of namespaces) {
      const { stdout } = await command("ip", ["netns", "pids", ns], { allowFailure: true });
      for (const pid of stdout.split("\n").map(Number).filter((n) => Number.isInteger(n) && n > 1)) {
        left++;
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    }
    if (left === 0) break;
    await sleep(1_000);
  }
  for (const ns of namespaces) await command("ip", ["netns", "del", ns], { allowFailure: true });
  await command("ip", ["link", "del", ROOT_LINK], { allowFailure: true });
}

/** Builds the topology above from scratch. */
export async function createNetwork(): Promise<void> {
  await removeNetwork();
  try {
    await ip("netns", "add", SERVER_NS);
    await ip("-n", SERVER_NS, "link", "set", "lo", "up");
    await ip("link", "add", ROOT_LINK, "type", "veth", "peer", "name", SERVER_UPLINK, "netns", SERVER_NS);
    await ip("addr", "add", `${CONSOLE_ADDRESS}/24`, "dev", ROOT_LINK);
    await ip("link", "set", ROOT_LINK, "up");
    await ip("-n", SERVER_NS, "addr", "add", `${SERVER_UPLINK_ADDRESS}/24`, "dev", SERVER_UPLINK);
    await ip("-n", SERVER_NS, "link", "set", SERVER_UPLINK, "up");
    for (const [k, client] of CLIENTS.entries()) {
      const serverSide = `${NAME_PREFIX}-s${k}`;
      await ip("netns", "add", client.ns);
      await ip("-n", client.ns, "link", "set", "lo", "up");
      await ip("-n", SERVER_NS, "link", "add", serverSide, "type", "veth", "peer", "name", client.link, "netns", client.ns);
      await ip("-n", SERVER_NS, "addr", "add", `${client.serverAddress}/24`, "dev", serverSide);
      await ip("-n", SERVER_NS, "link", "set", serverSide, "up");
      await ip("-n", client.ns, "addr", "add", `${client.address}/24`, "dev", client.link);
      await ip("-n", client.ns, "link", "set", client.link, "up");
    }
  } catch (error) {
    await removeNetwork();
    throw error;
  }
}

/** Moves a client to another source address: its next packets come from `to`. */
export async function moveClient(client: ClientSide, from: string, to: string): Promise<void> {
  // Removing first: deleting a primary address would take a secondary one with it.
  await ip("-n", client.ns, "addr", "del", `${from}/24`, "dev", client.link);
  await ip("-n", client.ns, "addr", "add", `${to}/24`, "dev", client.link);
}

export function clientSide(index: number): ClientSide {
  const side = CLIENTS[index];
  if (!side) throw new Error(`the topology has no client namespace ${index}`);
  return side;
}
