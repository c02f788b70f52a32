// /users: VPN users and groups.
import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "@/components/ui/page-header";
import { UsersAndGroups } from "@/components/users/users-and-groups";

export const metadata: Metadata = { title: "Users & Groups" };

export default function UsersPage() {
  return (
    <>
      <PageHeader title="Users & Groups" description="VPN accounts and the groups that give them a shared policy." />
      <Suspense>
        <UsersAndGroups />
      </Suspense>
    </>
  );
}
