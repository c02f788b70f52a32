// /servers: VPN servers and their hook tokens.
import type { Metadata } from "next";
import { ServersPanel } from "@/components/servers/servers-panel";

export const metadata: Metadata = { title: "Servers" };

export default function ServersPage() {
  return <ServersPanel />;
}
