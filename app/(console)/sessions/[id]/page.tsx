// /sessions/ID: one session's state, reason, deadlines and counters, and its traffic over time.
import type { Metadata } from "next";
import { SessionDetail } from "@/components/sessions/session-detail";
import { TrafficCharts } from "@/components/traffic/traffic-charts";

export const metadata: Metadata = { title: "Session" };

export default async function SessionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <div className="stack">
      <SessionDetail id={id} />
      <TrafficCharts target={{ session: id }} title="Traffic" />
    </div>
  );
}
