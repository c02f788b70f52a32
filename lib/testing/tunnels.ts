// Tunnels for tests, brought up the way a VPN server does it: through the hook API.
import { handleHook, type HookResponse } from "../hooks/handler";
import type { Db } from "../db";

export function callHook(db: Db, serverToken: string, action: string, fields: Record<string, string>): Promise<HookResponse> {
  return handleHook(db, {
    method: "POST",
    path: `/api/hooks/v1/${action}`,
    authorization: `Bearer ${serverToken}`,
    contentType: "application/x-www-form-urlencoded",
    accept: "text/plain",
    body: new URLSearchParams(fields).toString(),
  });
}

export interface TunnelSpec {
  username: string;
  password: string;
  clientIp: string;
  clientPort: string;
  vpnIp: string;
}

/** Login and connect; returns the connection id the server used ("ip:port", as OpenVPN). */
export async function openTunnel(db: Db, serverToken: string, spec: TunnelSpec): Promise<string> {
  const endpoint = { username: spec.username, client_ip: spec.clientIp, client_port: spec.clientPort };
  const connectionId = `${spec.clientIp}:${spec.clientPort}`;
  const auth = await callHook(db, serverToken, "auth", { ...endpoint, password: spec.password });
  if (auth.status !== 200) throw new Error(`auth hook refused ${spec.username}: ${auth.body}`);
  const connect = await callHook(db, serverToken, "connect", { ...endpoint, vpn_ip: spec.vpnIp, connection_id: connectionId });
  if (connect.status !== 200) throw new Error(`connect hook refused ${spec.username}: ${connect.body}`);
  return connectionId;
}
