// The agent's calls to the console's hook API, with the VPN server's token.
export interface ConsoleOptions {
  /** The console's base URL, e.g. https://console.example.net */
  url: string;
  /** Read again after a 401, so a rotated token file takes effect without a restart. */
  readToken: () => string;
  timeoutMs?: number;
}

export class ConsoleError extends Error {
  constructor(
    message: string,
    /** Whether the same call may succeed later (network trouble, 5xx, 401, 429). */
    readonly retry: boolean,
  ) {
    super(message);
  }
}

export class ConsoleClient {
  private token: string;

  constructor(private readonly options: ConsoleOptions) {
    this.token = options.readToken();
  }

  async call(hook: string, body: unknown): Promise<unknown> {
    const url = `${this.options.url.replace(/\/+$/, "")}/api/hooks/v1/${hook}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      throw new ConsoleError(`${hook}: console unreachable (${error instanceof Error ? error.message : String(error)}${cause})`, true);
    }
    const text = await response.text();
    if (response.ok) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ConsoleError(`${hook}: the console answered ${response.status} with a body that is not JSON`, true);
      }
    }
    let message = text.slice(0, 300);
    try {
      message = String((JSON.parse(text) as { error?: unknown }).error ?? message);
    } catch {
      // Not JSON (a proxy's error page): keep the start of the text.
    }
    if (response.status === 401) this.token = this.options.readToken();
    const retry = response.status >= 500 || response.status === 401 || response.status === 429 || response.status === 408;
    throw new ConsoleError(`${hook}: ${response.status} ${message}`, retry);
  }
}
