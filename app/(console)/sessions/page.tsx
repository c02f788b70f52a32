// /sessions: VPN sessions (what a session token stands for) by state, with their reasons,
// deadlines and traffic; live while the page is open.
import type { Metadata } from "next";
import { Suspense } from "react";
import { SessionsPanel } from "@/components/sessions/sessions-panel";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Sessions" };

export default function SessionsPage() {
  return (
    <>
      <PageHeader
        title="Sessions"
        description="A session starts when a user authenticates and lives on across reconnects through its token, on every server, until it expires, is revoked or ends."
      />
      <Suspense>
        <SessionsPanel />
      </Suspense>
    </>
  );
}
