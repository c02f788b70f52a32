// `tsx integration/cleanup.ts`: removes whatever an interrupted integration run left behind: the
// console it started, the daemons inside the scv namespaces, the namespaces and its files.
// scripts/integration.sh runs it after every run; each test file also starts with it.
import { removeState } from "./lib/console";
import { removeNetwork } from "./lib/network";

async function main(): Promise<void> {
  await removeNetwork();
  await removeState();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
