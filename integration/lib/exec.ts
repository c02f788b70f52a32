// Running the system tools the harness drives (ip, openssl, occtl, ...), with their output kept for
// error messages: a failed setup step must say which command failed and why.
import { spawn } from "node:child_process";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Written to the command's stdin, which is then closed (keeps secrets off the command line). */
  input?: string;
  /** Resolve with the result instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
  timeoutMs?: number;
}

export function command(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"], timeout: options.timeoutMs ?? 30_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const result = { code: code ?? 128, stdout, stderr };
      if (result.code === 0 || options.allowFailure) {
        resolve(result);
      } else {
        const why = signal ? `signal ${signal}` : `exit ${result.code}`;
        reject(new Error(`${file} ${args.join(" ")}: ${why}: ${stderr.trim() || stdout.trim()}`));
      }
    });
    // A command may exit without reading its input; that shows in its exit code, not as EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/** `ip netns exec NS file args...` */
export function inNamespace(ns: string, file: string, args: readonly string[], options: CommandOptions = {}) {
  return command("ip", ["netns", "exec", ns, file, ...args], options);
}
