// /audit: the audit log.
import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditPanel } from "@/components/audit/audit-panel";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every change to users, groups, servers, policies, sessions, tokens and console accounts: who made it, when, and what it changed."
      />
      <Suspense>
        <AuditPanel />
      </Suspense>
    </>
  );
}
