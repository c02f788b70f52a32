// A fleet of simulated VPN clients driving the hook API as a real VPN server does: password
// logins, connects, cumulative traffic reports (busy and idle tunnels), dropped tunnels that come
// back with their session token, and graceful logouts followed by a fresh login later. It only
// speaks HTTP to the hook API, so what it exercises is exactly what a daemon's hooks exercise.

export interface SimulatedUser {
  username: string;
  password: string;
}

export interface SimulatorOptions {
  consoleUrl: string;
  serverToken: string;
  users: SimulatedUser[];
  /** Share of clients whose tunnels sit idle, moving keepalives only. */
  idleShare?: number;
  /** A number in [0, 1); Math.random by default, a seeded one in tests. */
  random?: () => number;
}

export interface TickSummary {
  tunnelsUp: number;
  logins: number;
  reconnects: number;
  disconnects: number;
  refused: number;
  trafficReported: number;
}

interface Client {
  user: SimulatedUser;
  index: number;
  idle: boolean;
  state: "offline" | "up" | "dropped";
  port: number;
  token: string | null;
  bytesIn: number;
  bytesOut: number;
  /** Ticks left before a logged-out or dropped client tries again. */
  wait: number;
}

const MAX_REPORT = 5_000;

export class Simulator {
  private readonly clients: Client[];
  private readonly random: () => number;
  private readonly options: SimulatorOptions;
  private tick = 0;

  constructor(options: SimulatorOptions) {
    this.options = options;
    this.random = options.random ?? Math.random;
    const idleShare = options.idleShare ?? 0.4;
    this.clients = options.users.map((user, index) => ({
      user,
      index,
      idle: this.random() < idleShare,
      state: "offline",
      port: 20_000 + index,
      token: null,
      bytesIn: 0,
      bytesOut: 0,
      wait: Math.floor(this.random() * 3),
    }));
  }

  private clientIp(client: Client) {
    return `198.18.${Math.floor(client.index / 250)}.${(client.index % 250) + 1}`;
  }

  private connectionId(client: Client) {
    return `${this.clientIp(client)}:${client.port}`;
  }

  private async hook(action: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${this.options.consoleUrl}/api/hooks/v1/${action}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${this.options.serverToken}`, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status === 401) throw new Error("the console refused the server token: register the simulator again");
    return { status: response.status, json };
  }

  /** Login (with the password, or the session token after a drop) and connect. */
  private async bringUp(client: Client, summary: TickSummary): Promise<void> {
    const reconnect = client.state === "dropped" && client.token !== null;
    if (!reconnect) client.port += 1;
    const endpoint = { username: client.user.username, client_ip: this.clientIp(client), client_port: client.port };
    const auth = await this.hook("auth", { ...endpoint, password: reconnect ? client.token : client.user.password });
    if (auth.status !== 200) {
      summary.refused += 1;
      client.state = "offline";
      client.token = null;
      client.wait = 5 + Math.floor(this.random() * 10);
      return;
    }
    const connect = await this.hook("connect", {
      ...endpoint,
      vpn_ip: `10.250.${Math.floor(client.index / 250)}.${(client.index % 250) + 2}`,
      connection_id: this.connectionId(client),
    });
    if (connect.status !== 200) {
      summary.refused += 1;
      client.state = "offline";
      return;
    }
    const config = Array.isArray(connect.json.config) ? (connect.json.config as string[]) : [];
    const pushed = config.map((line) => /^push "auth-token (\S+)"$/.exec(line)?.[1]).find(Boolean);
    if (pushed) client.token = pushed;
    client.state = "up";
    client.bytesIn = 0;
    client.bytesOut = 0;
    if (reconnect) summary.reconnects += 1;
    else summary.logins += 1;
  }

  private async takeDown(client: Client, reason: "dropped" | "graceful", summary: TickSummary): Promise<void> {
    await this.hook("disconnect", {
      connection_id: this.connectionId(client),
      bytes_received: client.bytesIn,
      bytes_sent: client.bytesOut,
      duration: 0,
      reason,
    });
    summary.disconnects += 1;
    client.state = reason === "dropped" ? "dropped" : "offline";
    if (reason === "graceful") client.token = null;
    client.wait = reason === "dropped" ? 1 : 10 + Math.floor(this.random() * 20);
  }

  /** One step of the fleet: state changes, then one batched traffic report for every tunnel up. */
  async step(): Promise<TickSummary> {
    this.tick += 1;
    const summary: TickSummary = { tunnelsUp: 0, logins: 0, reconnects: 0, disconnects: 0, refused: 0, trafficReported: 0 };
    for (const client of this.clients) {
      if (client.state !== "up") {
        if (client.wait > 0) client.wait -= 1;
        else await this.bringUp(client, summary);
        continue;
      }
      const roll = this.random();
      if (roll < 0.01) await this.takeDown(client, "dropped", summary);
      else if (roll < 0.015) await this.takeDown(client, "graceful", summary);
      else if (client.idle) {
        client.bytesIn += 60 + Math.floor(this.random() * 60);
        client.bytesOut += 60 + Math.floor(this.random() * 60);
      } else {
        client.bytesIn += Math.floor(this.random() * 2_000_000);
        client.bytesOut += Math.floor(this.random() * 400_000);
      }
    }
    const up = this.clients.filter((c) => c.state === "up");
    summary.tunnelsUp = up.length;
    for (let i = 0; i < up.length; i += MAX_REPORT) {
      const connections = up.slice(i, i + MAX_REPORT).map((client) => ({
        connection_id: this.connectionId(client),
        bytes_received: client.bytesIn,
        bytes_sent: client.bytesOut,
      }));
      const report = await this.hook("traffic", { connections });
      if (report.status === 200) summary.trafficReported += connections.length;
    }
    return summary;
  }

  /** Ends every tunnel gracefully (on Ctrl-C), so the console is left tidy. */
  async stop(): Promise<void> {
    const summary: TickSummary = { tunnelsUp: 0, logins: 0, reconnects: 0, disconnects: 0, refused: 0, trafficReported: 0 };
    for (const client of this.clients) if (client.state === "up") await this.takeDown(client, "graceful", summary);
  }
}
