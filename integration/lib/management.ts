// OpenVPN management interface over its unix socket. The daemon serves one management client at a
// time, so commands to the same socket are queued here.
import net from "node:net";

const queues = new Map<string, Promise<unknown>>();

function exchange(socketPath: string, cmd: string, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    const reply: string[] = [];
    let buffer = "";
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply);
    };
    const timer = setTimeout(() => finish(new Error(`management command "${cmd}" timed out`)), timeoutMs);
    socket.setEncoding("utf8");
    socket.on("error", (error) => finish(error));
    socket.on("connect", () => socket.write(`${cmd}\n`));
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const raw of lines) {
        const line = raw.replace(/\r$/, "");
        // ">" lines are the banner and asynchronous notifications, not part of the reply.
        if (line.startsWith(">")) continue;
        if (reply.length === 0 && line.startsWith("ERROR:")) return finish(new Error(`management "${cmd}": ${line}`));
        if (reply.length === 0 && line.startsWith("SUCCESS:")) {
          reply.push(line);
          return finish();
        }
        if (line === "END") return finish();
        reply.push(line);
      }
    });
  });
}

/**
 * Sends one command (e.g. `status 3`, `client-kill 4`) and returns the reply lines: the single
 * SUCCESS line, or the lines of a multi-line reply without its END. Throws on an ERROR reply.
 */
export function managementCommand(socketPath: string, cmd: string, timeoutMs = 5_000): Promise<string[]> {
  const previous = queues.get(socketPath) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => exchange(socketPath, cmd, timeoutMs));
  queues.set(socketPath, next);
  return next;
}
