// /users/NAME: one VPN user's traffic and sessions over time, with links to their policy and sessions.
import type { Metadata } from "next";
import Link from "next/link";
import { TrafficCharts } from "@/components/traffic/traffic-charts";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "VPN user" };

export default async function VpnUserPage({ params }: { params: Promise<{ username: string }> }) {
  const username = decodeURIComponent((await params).username);
  const q = encodeURIComponent(username);
  return (
    <div className="stack">
      <PageHeader
        title={username}
        description={
          <>
            Traffic of all this user&apos;s tunnels. <Link href={`/sessions?user=${q}`}>Sessions</Link> ·{" "}
            <Link href={`/current-users?q=${q}`}>Connected now</Link> · <Link href={`/policies/users/${q}`}>Policy</Link> ·{" "}
            <Link href={`/policies/tuning?scope=user:${q}`}>Tune inactivity threshold</Link>
          </>
        }
      />
      <TrafficCharts target={{ user: username }} title="Traffic" />
    </div>
  );
}
