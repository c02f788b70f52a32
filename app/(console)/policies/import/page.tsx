// /policies/import: bring policies over from OpenVPN Access Server, Blue Cedar or an export.
import type { Metadata } from "next";
import Link from "next/link";
import { ImportPanel } from "@/components/policies/import-panel";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Import policies" };

export default function ImportPoliciesPage() {
  return (
    <div className="stack">
      <PageHeader
        title="Import policies"
        description="Paste the settings of the product you are moving from. The preview shows every change before anything is saved; applying saves all of it or nothing."
        actions={
          <Link href="/policies" className="btn btn-ghost">
            All policies
          </Link>
        }
      />
      <ImportPanel />
    </div>
  );
}
