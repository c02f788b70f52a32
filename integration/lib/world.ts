// What every integration test file starts from: the namespaces, a throw-away PKI and the real
// console on a fresh database. `teardown` removes all of it (daemons included) and is also safe
// after a setup that failed half-way.
import path from "node:path";
import { db } from "../../lib/db";
import { removeState, startConsole, type RunningConsole } from "./console";
import { CLIENTS, createNetwork, removeNetwork } from "./network";
import { STATE_DIR } from "./paths";
import { makePki, type Pki } from "./pki";

export interface World {
  console: RunningConsole;
  pki: Pki;
}

function assertRoot(): void {
  if (process.getuid?.() !== 0) throw new Error("the integration tests need root (network namespaces, tun devices)");
}

/** `consolePort`: the console's port (default CONSOLE_PORT). */
export async function setUpWorld(consolePort?: number): Promise<World> {
  assertRoot();
  await createNetwork();
  const console = await startConsole({ port: consolePort });
  const pki = await makePki(path.join(STATE_DIR, "pki"), CLIENTS.map((client) => client.serverAddress));
  return { console, pki };
}

export async function tearDownWorld(world: World | undefined): Promise<void> {
  await db.$disconnect();
  await world?.console.stop();
  await removeNetwork();
  if (process.env.INTEGRATION_KEEP !== "1") await removeState();
}
