// VPN server kinds as admins read them, and where each one's wiring guide lives.
import type { ServerKind } from "@/lib/servers";

export const KIND_LABELS: Record<ServerKind, string> = { openvpn: "OpenVPN", ocserv: "ocserv" };

export const KIND_OPTIONS = [
  { value: "openvpn", label: KIND_LABELS.openvpn },
  { value: "ocserv", label: KIND_LABELS.ocserv },
];

export const GUIDE_HREF: Record<ServerKind, string> = { openvpn: "/docs/openvpn", ocserv: "/docs/ocserv" };
