"use client";
// /policies: the overview matrix of every scope, inactivity tuning, Import / Export, and the user lookup.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { errorMessage } from "@/lib/client/api";
import { policyQueries } from "@/lib/client/query-keys";
import { ExportButton } from "./export-button";
import { PolicyMatrix } from "./policy-matrix";
import { UserLookup } from "./user-lookup";
import styles from "./policies.module.css";

export function PoliciesOverview() {
  const matrix = useQuery({ ...policyQueries.matrix(), placeholderData: (previous) => previous });
  return (
    <div className="stack">
      <PageHeader
        title="Policies"
        description="How long a VPN login lasts and what ends it. Set fields on DEFAULT, on a group or on a user; unset means inherit. A user's effective policy takes each field from the user, then their group, then DEFAULT."
        actions={
          <>
            <Link href="/policies/tuning" className="btn btn-secondary">
              Tune inactivity
            </Link>
            <Link href="/policies/import" className="btn btn-secondary">
              Import
            </Link>
            <ExportButton />
          </>
        }
      />
      <Card>
        <UserLookup />
      </Card>
      <section className={styles.overview} aria-labelledby="policy-overview-title">
        <div className={styles.overviewHeader}>
          <h2 id="policy-overview-title" className="card-title">
            Overview
          </h2>
          <p className={styles.legend}>
            <span className={styles.legendSet}>8 h</span> set at that scope · <span className={styles.legendDot}>·</span>{" "}
            inherits · select a row to edit it
          </p>
        </div>
        {matrix.isError ? (
          <Alert title="Policies could not be loaded">{errorMessage(matrix.error)}</Alert>
        ) : (
          <PolicyMatrix rows={matrix.data?.scopes} loading={matrix.isPending} />
        )}
        <p className="muted">
          Groups are listed even when they set nothing; users only once they override a field. To see any user&apos;s
          effective policy, look them up above.
        </p>
      </section>
    </div>
  );
}
