// /policies/tuning?scope=default|group:NAME|user:NAME: set an inactivity threshold from the
// traffic the scope's tunnels really move.
import type { Metadata } from "next";
import { Suspense } from "react";
import { TuningPanel } from "@/components/tuning/tuning-panel";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Tune inactivity" };

export default function TuningPage() {
  return (
    <>
      <PageHeader
        title="Tune the inactivity threshold"
        description="Set B just above what idle tunnels move (keepalives), so idle tunnels are cut and working ones are not. The suggestion and the what-if counts come from recorded traffic."
      />
      <Suspense>
        <TuningPanel />
      </Suspense>
    </>
  );
}
