// /policies/groups/NAME: a group's policy overrides.
import type { Metadata } from "next";
import { ScopeEditor } from "@/components/policies/scope-editor";

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  return { title: `Policy of group ${decodeURIComponent(name)}` };
}

export default async function GroupPolicyPage({ params }: Props) {
  const { name } = await params;
  // Names never contain "%", so decoding is safe whether or not the router already did.
  return <ScopeEditor scope={{ scope: "group", name: decodeURIComponent(name) }} />;
}
