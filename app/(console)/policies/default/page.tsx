// /policies/default: the DEFAULT policy, which every group and user inherits from.
import type { Metadata } from "next";
import { ScopeEditor } from "@/components/policies/scope-editor";

export const metadata: Metadata = { title: "DEFAULT policy" };

export default function DefaultPolicyPage() {
  return <ScopeEditor scope={{ scope: "default" }} />;
}
