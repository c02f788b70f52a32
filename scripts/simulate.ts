// `npm run simulate -- --sessions 500`: a fleet of simulated VPN clients against a running console,
// so Current Users, the charts and the tuning view have something to show. It registers a server
// named "simulator" (a new token each run) and users sim-0001... in the group "simulated" in the
// console's database, then drives the hook API over HTTP until Ctrl-C.
import { parseArgs } from "node:util";
import { cliActor } from "../lib/actor";
import { db } from "../lib/db";
import { createGroup } from "../lib/groups";
import { migrate } from "../lib/migrate";
import { databaseUrl } from "../lib/config";
import { registerServer, rotateServerToken } from "../lib/servers";
import { Simulator, type SimulatedUser } from "../lib/simulator";
import { createVpnUser } from "../lib/vpn-users";

const USAGE = `Usage: npm run simulate -- [--sessions N] [--console URL] [--interval SECONDS] [--idle-share 0..1]

  --sessions N      simulated clients (default 200, at most 20000)
  --console URL     the running console (default http://localhost:$PORT or :3000)
  --interval S      seconds between traffic reports (default 5)
  --idle-share F    share of clients whose tunnels stay idle (default 0.4)

Uses the console's database (DATABASE_URL) to register the "simulator" server and its users.`;

const PASSWORD = "simulated-password";

async function ensure<T>(work: () => Promise<T>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof Error && /already exists/.test(error.message))) throw error;
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      sessions: { type: "string", default: "200" },
      console: { type: "string", default: `http://localhost:${process.env.PORT ?? 3000}` },
      interval: { type: "string", default: "5" },
      "idle-share": { type: "string", default: "0.4" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  const sessions = Number(values.sessions);
  const interval = Number(values.interval);
  const idleShare = Number(values["idle-share"]);
  if (!Number.isInteger(sessions) || sessions < 1 || sessions > 20_000) throw new Error("--sessions must be a whole number from 1 to 20000");
  if (!(interval >= 1 && interval <= 3600)) throw new Error("--interval must be from 1 to 3600 seconds");
  if (!(idleShare >= 0 && idleShare <= 1)) throw new Error("--idle-share must be from 0 to 1");

  await migrate(databaseUrl());
  const actor = cliActor();
  await ensure(() => createGroup(db, actor, { name: "simulated", description: "Clients of npm run simulate" }));
  const users: SimulatedUser[] = [];
  for (let i = 1; i <= sessions; i++) {
    const username = `sim-${String(i).padStart(4, "0")}`;
    await ensure(() => createVpnUser(db, actor, { username, password: PASSWORD, group: "simulated" }));
    users.push({ username, password: PASSWORD });
  }
  let token: string;
  try {
    token = (await registerServer(db, actor, { name: "simulator", kind: "openvpn" })).token;
  } catch {
    token = (await rotateServerToken(db, actor, "simulator")).token;
  }

  const simulator = new Simulator({ consoleUrl: values.console.replace(/\/$/, ""), serverToken: token, users, idleShare });
  console.log(`simulating ${sessions} clients against ${values.console} (server "simulator"); Ctrl-C to stop`);
  let stopping = false;
  process.on("SIGINT", () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log("logging every client out...");
  });
  while (!stopping) {
    const started = Date.now();
    const s = await simulator.step();
    console.log(
      `${new Date().toISOString()} up ${s.tunnelsUp}, logins ${s.logins}, reconnects ${s.reconnects}, disconnects ${s.disconnects}, refused ${s.refused}, counters ${s.trafficReported}`,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, interval * 1000 - (Date.now() - started))));
  }
  await simulator.stop();
  await db.$disconnect();
}

main().catch((error: unknown) => {
  console.error(`simulate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
