"use client";
// The History of one scope's policy: its audited changes, newest first, each revertible.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, TableMessage } from "@/components/ui/table";
import type { AuditEventView } from "@/lib/audit";
import { errorMessage } from "@/lib/client/api";
import { formatDateTime, formatRelative } from "@/lib/client/format";
import { auditQueries } from "@/lib/client/query-keys";
import type { ScopePolicyView } from "@/lib/policies";
import { scopeLabel, scopeTarget, type PolicyScopeRef } from "@/lib/policy/export";
import { POLICY_ACTION_LABELS, PolicyChange } from "./policy-change";
import { RevertDialog } from "./revert-dialog";

const HISTORY_SIZE = 20;

export interface PolicyHistoryProps {
  scope: PolicyScopeRef;
  canChange: boolean;
  onReverted: (view: ScopePolicyView) => void;
}

export function PolicyHistory({ scope, canChange, onReverted }: PolicyHistoryProps) {
  const target = scopeTarget(scope);
  const label = scopeLabel(scope);
  const [reverting, setReverting] = useState<AuditEventView | null>(null);
  const history = useQuery(auditQueries.list({ target, action: "policy.", page: 1, pageSize: HISTORY_SIZE }));
  // The audit filter matches targets that contain the text ("group:a" also finds "group:ab").
  const events = history.data?.events.filter((event) => event.targetType === "policy" && event.target === target);
  const columns = canChange ? 5 : 4;
  const auditLink = `/audit?target=${encodeURIComponent(target)}&action=policy.`;

  return (
    <Card
      title="History"
      description={
        <>
          The latest changes to this policy. Reverting one puts back the settings from before it.{" "}
          <Link href={auditLink}>All of them in the audit log</Link>.
        </>
      }
    >
      {history.isError ? (
        <Alert title="The history could not be loaded">{errorMessage(history.error)}</Alert>
      ) : events?.length === 0 ? (
        <p className="muted">No changes recorded yet: every field has been as shown since the start.</p>
      ) : (
        <Table label={`History of ${label}`}>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">By</th>
              <th scope="col">What</th>
              <th scope="col">Change</th>
              {canChange ? (
                <th scope="col" className="actions">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {history.isPending ? <TableMessage columns={columns}>Loading the history…</TableMessage> : null}
            {events?.map((event) => (
              <tr key={event.id}>
                <td>
                  <time dateTime={event.at} title={formatRelative(event.at)}>
                    {formatDateTime(event.at, true)}
                  </time>
                </td>
                <td>{event.actor}</td>
                <td>{POLICY_ACTION_LABELS[event.action] ?? event.action}</td>
                <td className="wrap">
                  <PolicyChange event={event} />
                </td>
                {canChange ? (
                  <td className="actions">
                    <Button size="sm" variant="ghost" onClick={() => setReverting(event)}>
                      Revert
                    </Button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {reverting ? (
        <RevertDialog
          event={reverting}
          label={label}
          onClose={() => setReverting(null)}
          onReverted={(view) => {
            setReverting(null);
            onReverted(view);
          }}
        />
      ) : null}
    </Card>
  );
}
