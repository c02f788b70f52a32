// /settings: console accounts and admin API tokens.
import type { Metadata } from "next";
import { AdminsSection } from "@/components/settings/admins-section";
import { TokensSection } from "@/components/settings/tokens-section";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <div className="stack">
      <PageHeader title="Settings" description="Who can use this console, and the tokens automation uses to call its API." />
      <AdminsSection />
      <TokensSection />
    </div>
  );
}
