// /groups/NAME: a group's traffic over time, all members together, with links to its policy and members.
import type { Metadata } from "next";
import Link from "next/link";
import { TrafficCharts } from "@/components/traffic/traffic-charts";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Group" };

export default async function GroupPage({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const q = encodeURIComponent(name);
  return (
    <div className="stack">
      <PageHeader
        title={`Group ${name}`}
        description={
          <>
            Traffic of every member&apos;s tunnels. <Link href={`/users?group=${q}`}>Members</Link> ·{" "}
            <Link href={`/current-users?group=${q}`}>Connected now</Link> · <Link href={`/policies/groups/${q}`}>Policy</Link> ·{" "}
            <Link href={`/policies/tuning?scope=group:${q}`}>Tune inactivity threshold</Link>
          </>
        }
      />
      <TrafficCharts target={{ group: name }} title="Traffic" />
    </div>
  );
}
