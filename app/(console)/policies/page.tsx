// /policies: the overview of every scope's policy, import/export and the user lookup.
import type { Metadata } from "next";
import { PoliciesOverview } from "@/components/policies/policies-overview";

export const metadata: Metadata = { title: "Policies" };

export default function PoliciesPage() {
  return <PoliciesOverview />;
}
