// A client for OpenVPN's management interface: one line-based conversation over a unix socket
// or TCP. Commands are answered in order (SUCCESS:/ERROR: lines, or output ending in END);
// lines starting with ">" are notifications and may arrive at any time, even between the lines
// of an answer.
import net from "node:net";

export type ManagementTarget = { kind: "unix"; path: string } | { kind: "tcp"; host: string; port: number };

/** "unix:/run/openvpn/server.sock" or "tcp:127.0.0.1:7505". */
export function parseManagementTarget(text: string): ManagementTarget {
  if (text.startsWith("unix:") && text.length > "unix:".length) return { kind: "unix", path: text.slice("unix:".length) };
  const tcp = /^tcp:(.+):(\d{1,5})$/.exec(text);
  if (tcp?.[1] && tcp[2] && Number(tcp[2]) > 0 && Number(tcp[2]) < 65536) {
    return { kind: "tcp", host: tcp[1].replace(/^\[(.*)\]$/, "$1"), port: Number(tcp[2]) };
  }
  throw new Error(`management address "${text}" must be unix:/path/to/socket or tcp:host:port`);
}

export const describeTarget = (target: ManagementTarget): string =>
  target.kind === "unix" ? `unix:${target.path}` : `tcp:${target.host}:${target.port}`;

interface Pending {
  command: string;
  multiline: boolean;
  lines: string[];
  resolve: (lines: string[]) => void;
  reject: (error: Error) => void;
}

export class ManagementError extends Error {}

export interface ManagementOptions {
  password?: string;
  /** Called with every ">" line. */
  onNotification: (line: string) => void;
  /** How long connecting, the password exchange and each command may take. */
  timeoutMs?: number;
}

export class ManagementConnection {
  private readonly queue: Pending[] = [];
  private buffer = "";
  private closedWith: Error | null = null;
  private readonly closeListeners: Array<(error: Error) => void> = [];

  private constructor(
    private readonly socket: net.Socket,
    private readonly options: ManagementOptions,
  ) {}

  /** Connects, answers the password prompt if there is one, and waits for the greeting. */
  static open(target: ManagementTarget, options: ManagementOptions): Promise<ManagementConnection> {
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const socket = target.kind === "unix" ? net.createConnection({ path: target.path }) : net.createConnection({ host: target.host, port: target.port });
      const connection = new ManagementConnection(socket, options);
      let ready = false;
      let passwordSent = false;
      const timer = setTimeout(() => fail(new ManagementError(`no greeting from ${describeTarget(target)} within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        if (!ready) {
          ready = true;
          socket.destroy();
          reject(error);
        }
      };
      socket.setEncoding("utf8");
      socket.on("error", (error) => {
        fail(error);
        connection.close(error);
      });
      socket.on("close", () => connection.close(new ManagementError("management connection closed")));
      socket.on("data", (chunk: string) => {
        if (ready) {
          connection.receive(chunk);
          return;
        }
        connection.buffer += chunk;
        // The password prompt has no line end. A wrong password is answered with another prompt.
        if (connection.buffer.includes("ENTER PASSWORD:")) {
          connection.buffer = connection.buffer.slice(connection.buffer.indexOf("ENTER PASSWORD:") + "ENTER PASSWORD:".length);
          if (options.password === undefined) {
            fail(new ManagementError("the management interface asks for a password: pass --management-password-file"));
            return;
          }
          if (passwordSent) {
            fail(new ManagementError("the management interface refused the password"));
            return;
          }
          passwordSent = true;
          socket.write(`${options.password}\n`);
        }
        const greeting = connection.buffer.indexOf(">INFO:");
        const lineEnd = greeting >= 0 ? connection.buffer.indexOf("\n", greeting) : -1;
        if (lineEnd >= 0) {
          ready = true;
          clearTimeout(timer);
          connection.buffer = connection.buffer.slice(lineEnd + 1);
          resolve(connection);
          if (connection.buffer) connection.receive("");
        }
      });
    });
  }

  /** Sends a command; resolves with its output lines, rejects on ERROR: or a closed socket. */
  command(command: string, multiline = false): Promise<string[]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const timeoutMs = this.options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new ManagementError(`"${command.split(" ")[0]}" got no answer within ${timeoutMs} ms`);
        reject(error);
        this.close(error);
      }, timeoutMs);
      this.queue.push({
        command,
        multiline,
        lines: [],
        resolve: (lines) => {
          clearTimeout(timer);
          resolve(lines);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.write(`${command}\n`);
    });
  }

  onClose(listener: (error: Error) => void): void {
    if (this.closedWith) listener(this.closedWith);
    else this.closeListeners.push(listener);
  }

  close(reason: Error = new ManagementError("management connection closed")): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    this.socket.destroy();
    for (const pending of this.queue.splice(0)) pending.reject(reason);
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, "");
      this.buffer = this.buffer.slice(end + 1);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line.startsWith(">")) {
      this.options.onNotification(line);
      return;
    }
    const pending = this.queue[0];
    if (!pending) return;
    const done = (error?: Error) => {
      this.queue.shift();
      if (error) pending.reject(error);
      else pending.resolve(pending.lines);
    };
    if (line.startsWith("ERROR:") && pending.lines.length === 0) {
      done(new ManagementError(`${pending.command.split(" ")[0]}: ${line.slice("ERROR:".length).trim()}`));
    } else if (!pending.multiline) {
      pending.lines.push(line);
      done();
    } else if (line === "END") {
      done();
    } else {
      pending.lines.push(line);
    }
  }
}
