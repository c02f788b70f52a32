// /current-users: who is connected right now, live. Until a server reports a connection, explain
// what makes users appear.
import type { Metadata } from "next";
import Link from "next/link";
import { CurrentUsersPanel } from "@/components/current-users/current-users-panel";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Current Users" };

const nobodyYet = (
  <EmptyState title="No one is connected">
    <p>Users appear here as soon as a VPN server reports a connection through its hooks.</p>
    <ol>
      <li>
        <Link href="/servers">Register a server</Link> for each VPN server and keep the token it shows once.
      </li>
      <li>
        Wire the server&apos;s hooks to this console: <Link href="/docs/openvpn">OpenVPN guide</Link> (
        <code>docs/openvpn.md</code>) or <Link href="/docs/ocserv">ocserv guide</Link> (<code>docs/ocserv.md</code>).
      </li>
      <li>
        <Link href="/users">Create VPN accounts</Link> for your people and let them connect.
      </li>
    </ol>
  </EmptyState>
);

export default function CurrentUsersPage() {
  return (
    <>
      <PageHeader
        title="Current Users"
        description="Everyone connected right now, on every server: tunnels, addresses, traffic, and how close each idle tunnel is to its inactivity threshold. Refreshed every 2 seconds."
      />
      <CurrentUsersPanel nobodyYet={nobodyYet} />
    </>
  );
}
