// `npm run agent -- ...`: the agent that runs next to a VPN server (see docs/agent.md).
import { AGENT_USAGE, parseAgentArgs, runAgent, type AgentOptions } from "../lib/agent/run";

let options: AgentOptions;
try {
  options = parseAgentArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${AGENT_USAGE}`);
  process.exit(2);
}

const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop.abort());

runAgent(options, stop.signal).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`agent stopped: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
