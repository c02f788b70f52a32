// Calling the hook API as a VPN server does: register a server through the admin API, then POST
// form-encoded fields with its Bearer token and read the plain-text answer.
import type { APIRequestContext } from "@playwright/test";
import { uniqueName } from "./fixtures";

export interface HookServer {
  name: string;
  token: string;
}

export async function registerHookServer(api: APIRequestContext): Promise<HookServer> {
  const name = uniqueName("e2e-server");
  const response = await api.post("/api/servers", { data: { name, kind: "openvpn" } });
  if (response.status() !== 201) throw new Error(`registering a server failed: ${response.status()} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  return { name, token };
}

/** One hook call; resolves to the status and the plain-text answer ("allow", "deny ...", config lines). */
export async function callHook(api: APIRequestContext, server: HookServer, action: string, fields: Record<string, string>) {
  const response = await api.post(`/api/hooks/v1/${action}`, {
    headers: { Authorization: `Bearer ${server.token}`, Accept: "text/plain" },
    form: fields,
  });
  return { status: response.status(), body: (await response.text()).trim(), requestId: response.headers()["x-request-id"] };
}

/** A traffic report as a VPN server's agent sends it: cumulative counters, JSON. */
export async function reportTraffic(
  api: APIRequestContext,
  server: HookServer,
  connections: { connection_id: string; bytes_received: number; bytes_sent: number; at?: number }[],
) {
  const response = await api.post("/api/hooks/v1/traffic", {
    headers: { Authorization: `Bearer ${server.token}`, Accept: "application/json" },
    data: { connections },
  });
  return { status: response.status(), body: await response.text() };
}
