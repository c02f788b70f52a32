// Pieces shared by the benchmarks (hooks.ts, traffic.ts, and bench.ts which runs them all):
// options, ports, the production build, starting the console and its child processes, figures.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(import.meta.dirname, "..", "..");

/**
 * The entry point of a benchmark script when node was started with it (not when it is imported):
 * one of its child roles, `ceiling <port>` or `load <job.json>`, or else its main.
 */
export function benchScript(
  moduleUrl: string,
  roles: { ceiling: (port: number) => void; load: (jobFile: string) => Promise<void>; main: () => Promise<void> },
): void {
  if (process.argv[1] === undefined || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  const [role, arg] = process.argv.slice(2);
  if (role === "ceiling") roles.ceiling(Number(arg));
  else if (role === "load" && arg) void roles.load(arg);
  else
    roles.main().catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}

/** `--port` and `--profile`, which every benchmark takes. */
export function consoleOptions(): { port: number | undefined; profileDir: string | undefined } {
  return { port: textOption("port") ? option("port", 3000) : undefined, profileDir: textOption("profile") };
}

/** Node flags that write a V8 CPU profile into `dir`, when given. */
export const profileFlags = (dir: string | undefined): string[] => (dir ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(dir)] : []);

export function textOption(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

export function option(name: string, fallback: number): number {
  const text = textOption(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive whole number`);
  return value;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = http.createServer();
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Runs `next build` when there is no production build yet. */
export function ensureBuild(): void {
  if (existsSync(path.join(root, ".next", "BUILD_ID"))) return;
  console.log("no production build yet: running next build...");
  const build = spawnSync(path.join(root, "node_modules", ".bin", "next"), ["build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** The environment of a console in production on `port` over `url`, with throwaway secrets. */
export function consoleEnv(url: string, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: url,
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    ADMIN_PASSWORD: randomBytes(12).toString("base64url"),
  };
}

/** Starts a child and resolves once it prints a line containing `ready`. */
export function startChild(args: string[], env: NodeJS.ProcessEnv, ready: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes(ready)) resolve(child);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}:\n${output}`)));
  });
}

/** Runs `tsx script ...args` and parses the one JSON line it prints. */
export function runJsonChild<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, "node_modules", ".bin", "tsx"), [script, ...args], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(output) as T) : reject(new Error(`${path.basename(script)} ${args[0]} exited with ${code}`))));
  });
}

export function stopChildren(children: ChildProcess[]): Promise<unknown> {
  return Promise.all(children.map((child) => new Promise((resolve) => child.once("exit", resolve).kill("SIGTERM"))));
}

/** Resident memory of a process now and at its peak, in MiB (Linux /proc), or null elsewhere. */
export function residentMemory(pid: number | undefined): { currentMiB: number; peakMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
    const current = kib("VmRSS");
    const peak = kib("VmHWM");
    return Number.isFinite(current) && Number.isFinite(peak) ? { currentMiB: current / 1024, peakMiB: peak / 1024 } : null;
  } catch {
    return null;
  }
}

/** CPU seconds a process has used (Linux /proc; clock ticks of 1/100 s), or null elsewhere. */
export function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** One POST over a keep-alive agent; resolves to the status and the body as text. */
export function postText(
  agent: http.Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", agent, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
