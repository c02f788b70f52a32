"use client";
// Users & Groups → Lockouts: usernames and client IPs that failed to log in through the auth
// hook or to sign in to the console, slowed down or locked out; admins can clear one so the next
// attempt is checked again.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { useInvalidateLockouts } from "@/hooks/use-invalidate-lockouts";
import { useCanChange } from "@/hooks/use-role";
import { apiFetch, errorMessage, seg } from "@/lib/client/api";
import { formatDateTime } from "@/lib/client/format";
import { lockoutQueries } from "@/lib/client/query-keys";
import type { LockoutKind, LockoutState, LockoutView } from "@/lib/lockout";

/** Lockouts start and end by themselves; the list follows. */
export const LOCKOUTS_REFRESH_MS = 10_000;

const STATE: Record<LockoutState, { label: string; tone: BadgeTone; title: string }> = {
  locked: { label: "Locked out", tone: "danger", title: "Every attempt is refused until the lockout ends or is cleared" },
  slowed: { label: "Slowed down", tone: "warning", title: "Attempts are refused until the backoff ends" },
  counting: { label: "Failures counted", tone: "neutral", title: "Attempts are checked; more failures slow them down" },
};

/** What each kind of subject is called: in a row's second line, and in "Clear …". */
const KIND: Record<LockoutKind, { name: string; label: string }> = {
  user: { name: "username", label: "user" },
  ip: { name: "client IP", label: "client IP" },
  admin: { name: "console account", label: "console account" },
  "admin-ip": { name: "address signing in to the console", label: "console sign-ins from" },
};

const subjectLabel = (lockout: LockoutView) => `${KIND[lockout.kind].label} ${lockout.subject}`;

export function LockoutsPanel() {
  const canChange = useCanChange();
  const [clearing, setClearing] = useState<LockoutView | null>(null);
  const lockouts = useQuery({ ...lockoutQueries.list(), refetchInterval: LOCKOUTS_REFRESH_MS, placeholderData: (previous) => previous });
  const rows = lockouts.data?.lockouts;

  if (lockouts.isError) return <Alert title="Lockouts could not be loaded">{errorMessage(lockouts.error)}</Alert>;
  if (lockouts.isPending) return <p className="muted">Loading lockouts…</p>;
  return (
    <div className="stack">
      <p className="muted">
        Failed password logins through the auth hook, per username (known or not) and per client IP, and failed sign-ins to
        this console, per account name and per address. After a few failures attempts are refused for a growing backoff; past
        the threshold the name or address is locked out for a while.
      </p>
      {rows?.length === 0 ? (
        <EmptyState title="No failed logins">
          <p>No username, client IP or console account has failed a password login recently.</p>
        </EmptyState>
      ) : (
        <Table label="Lockouts">
          <thead>
            <tr>
              <th scope="col">Username or client IP</th>
              <th scope="col">State</th>
              <th scope="col">Failures</th>
              <th scope="col">Last failure</th>
              <th scope="col">Refused until</th>
              {canChange ? (
                <th scope="col" className="actions">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {(rows ?? []).map((lockout) => (
              <tr key={lockout.id}>
                <td>
                  <span className="cell-strong">{lockout.subject}</span>
                  <span className="cell-sub">{KIND[lockout.kind].name}</span>
                </td>
                <td>
                  <Badge tone={STATE[lockout.state].tone} title={STATE[lockout.state].title}>
                    {STATE[lockout.state].label}
                  </Badge>
                </td>
                <td>{lockout.failures}</td>
                <td>
                  <RelativeTime iso={lockout.lastFailureAt} />
                </td>
                <td className="nowrap">{lockout.state === "counting" ? "—" : formatDateTime(lockout.blockedUntil, true)}</td>
                {canChange ? (
                  <td className="actions">
                    <Button size="sm" variant="ghost" onClick={() => setClearing(lockout)} aria-label={`Clear ${subjectLabel(lockout)}`}>
                      Clear
                    </Button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {clearing ? <ClearLockoutDialog lockout={clearing} onClose={() => setClearing(null)} /> : null}
    </div>
  );
}

function ClearLockoutDialog({ lockout, onClose }: { lockout: LockoutView; onClose: () => void }) {
  const invalidate = useInvalidateLockouts();
  const toast = useToast();
  const clear = useMutation({
    mutationFn: () => apiFetch(`/api/lockouts/${seg(lockout.id)}`, { method: "DELETE" }),
    onSuccess: () => {
      void invalidate();
      toast(`Failed logins of ${subjectLabel(lockout)} cleared.`);
      onClose();
    },
  });
  return (
    <ConfirmDialog
      title={`Clear the failed logins of ${subjectLabel(lockout)}?`}
      confirmLabel="Clear"
      onConfirm={() => clear.mutate()}
      onClose={onClose}
      pending={clear.isPending}
      error={clear.error ? errorMessage(clear.error) : null}
      destructive={false}
    >
      <p>Its {lockout.failures} counted failures are forgotten and the next password attempt is checked at once.</p>
    </ConfirmDialog>
  );
}
