// /policies/users/NAME: a user's own overrides and effective policy, with where each value
// comes from and what it means for their sessions.
import type { Metadata } from "next";
import { ScopeEditor } from "@/components/policies/scope-editor";

type Props = { params: Promise<{ username: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { username } = await params;
  return { title: `Policy of ${decodeURIComponent(username)}` };
}

export default async function UserPolicyPage({ params }: Props) {
  const { username } = await params;
  // Names never contain "%", so decoding is safe whether or not the router already did.
  return <ScopeEditor scope={{ scope: "user", name: decodeURIComponent(username) }} />;
}
