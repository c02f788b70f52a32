"use client";
// Tune an inactivity threshold from recorded traffic: the distribution of bytes per window W for
// the scope's members, the threshold in force, a suggestion with its derivation, "what if" at a
// proposed threshold, and one click to make it the scope's policy (the normal, audited path).
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table } from "@/components/ui/table";
import { Tabs } from "@/components/ui/tabs";
import { useToast } from "@/components/ui/toast";
import { useInvalidatePolicyQueries } from "@/hooks/use-invalidate-policy-queries";
import { useCanChange } from "@/hooks/use-role";
import { useUrlState } from "@/hooks/use-url-state";
import { apiFetch, errorMessage } from "@/lib/client/api";
import { formatCount } from "@/lib/client/format";
import { policyScopePath, tuningQueries } from "@/lib/client/query-keys";
import type { WhatIf } from "@/lib/live/tuning";
import type { PolicyScopeRef } from "@/lib/policy/export";
import { formatBytes, formatDuration, parseBytes, parseDuration } from "@/lib/policy/duration";

const PERIODS = [
  { key: "24h", label: "Last 24 h" },
  { key: "7d", label: "Last 7 days" },
] as const;

function scopeOf(text: string): PolicyScopeRef {
  if (text.startsWith("group:")) return { scope: "group", name: text.slice(6) };
  if (text.startsWith("user:")) return { scope: "user", name: text.slice(5) };
  return { scope: "default" };
}

const scopeLabel = (ref: PolicyScopeRef) => (ref.scope === "default" ? "DEFAULT" : `${ref.scope} ${ref.name}`);

function WhatIfRow({ whatIf, label }: { whatIf: WhatIf; label: string }) {
  return (
    <tr>
      <td>{label}</td>
      <td className="num">{formatBytes(whatIf.threshold)}</td>
      <td className="num">
        {formatCount(whatIf.tunnelsCut)} of {formatCount(whatIf.tunnels)}
      </td>
      <td>{whatIf.users.length ? whatIf.users.map((u) => `${u.username} (${u.tunnels})`).join(", ") : <span className="muted">none</span>}</td>
    </tr>
  );
}

export function TuningPanel() {
  const { params, update } = useUrlState();
  const scopeText = params.get("scope") ?? "default";
  const ref = scopeOf(scopeText);
  const period = params.get("period") === "7d" ? "7d" : "24h";
  const windowParam = Number(params.get("window")) || undefined;
  const thresholdParam = Number(params.get("threshold")) || undefined;
  const [windowText, setWindowText] = useState(windowParam ? formatDuration(windowParam) : "");
  const [thresholdText, setThresholdText] = useState(thresholdParam ? formatBytes(thresholdParam) : "");
  const [errors, setErrors] = useState<{ window?: string; threshold?: string }>({});
  const canChange = useCanChange();
  const notify = useToast();
  const invalidatePolicies = useInvalidatePolicyQueries();

  const tuning = useQuery({
    ...tuningQueries.view({ scope: scopeText, window: windowParam, threshold: thresholdParam, period }),
    placeholderData: (previous) => previous,
  });
  const data = tuning.data;

  const apply = useMutation({
    mutationFn: (values: { inactivityWindow: number; inactivityBytes: number }) =>
      apiFetch(policyScopePath(ref), { method: "PUT", json: values }),
    onSuccess: async (_, values) => {
      await invalidatePolicies();
      await tuning.refetch();
      notify(`${scopeLabel(ref)}: inactivity threshold set to ${formatBytes(values.inactivityBytes)} per ${formatDuration(values.inactivityWindow)}`);
    },
    onError: (error) => notify(errorMessage(error), "danger"),
  });

  const tryValues = () => {
    const next: { window?: string; threshold?: string } = {};
    const window = windowText.trim() ? parseDuration(windowText) : null;
    const threshold = thresholdText.trim() ? parseBytes(thresholdText) : null;
    if (window && !window.ok) next.window = window.error;
    if (threshold && !threshold.ok) next.threshold = threshold.error;
    setErrors(next);
    if (next.window || next.threshold) return;
    update({ window: window?.ok ? window.value : null, threshold: threshold?.ok ? threshold.value : null });
  };

  const proposed = data?.whatIf.find((w) => w.threshold === thresholdParam);
  const suggested = data?.suggestion ? data.whatIf.find((w) => w.threshold === data.suggestion?.threshold) : undefined;
  const current = data && data.currentThreshold > 0 ? data.whatIf.find((w) => w.threshold === data.currentThreshold) : undefined;

  return (
    <div className="stack">
      <Card
        title={`Inactivity threshold for ${scopeLabel(ref)}`}
        description="Bytes moved per window by the tunnels of this scope's users, from recorded traffic samples."
        actions={<Link href={ref.scope === "default" ? "/policies/default" : `/policies/${ref.scope === "group" ? "groups" : "users"}/${encodeURIComponent(ref.name)}`}>Open the policy</Link>}
      >
        <Tabs label="Period" tabs={PERIODS} selected={period} onSelect={(key) => update({ period: key === "24h" ? null : key })}>
          <form
            className="filters"
            onSubmit={(event) => {
              event.preventDefault();
              tryValues();
            }}
          >
            <Field label="Window W" error={errors.window} hint={data ? `In force: ${formatDuration(data.window)}` : undefined}>
              {(control) => <Input {...control} value={windowText} placeholder="e.g. 5 min" onChange={(e) => setWindowText(e.target.value)} />}
            </Field>
            <Field label="Try a threshold B" error={errors.threshold} hint="e.g. 20 KiB">
              {(control) => <Input {...control} value={thresholdText} placeholder="bytes per window" onChange={(e) => setThresholdText(e.target.value)} />}
            </Field>
            <Button type="submit">Show what if</Button>
          </form>
          {tuning.isError ? <Alert title="Traffic could not be analysed">{errorMessage(tuning.error)}</Alert> : null}
          {data && data.windows === 0 ? (
            <p className="muted">
              No tunnel of this scope has been up for a whole {formatDuration(data.window)} window in this period, so there is nothing to measure yet.
            </p>
          ) : null}
          {data && data.windows > 0 ? (
            <div className="stack">
              <p>
                {formatCount(data.windows)} windows of {formatDuration(data.window)} from {formatCount(data.tunnels)} tunnels.
                {data.percentiles
                  ? ` 10% moved at most ${formatBytes(data.percentiles.p10)}, half at most ${formatBytes(data.percentiles.p50)}, 90% at most ${formatBytes(data.percentiles.p90)}.`
                  : null}{" "}
                Threshold in force: {data.currentThreshold > 0 ? formatBytes(data.currentThreshold) : "none"}.
              </p>
              <figure aria-label={`Windows by bytes moved per ${formatDuration(data.window)}`}>
                <ResponsiveContainer width="100%" height={200}>
                  <BarChart data={data.histogram.map((bin) => ({ ...bin, label: `${formatBytes(bin.from)}–${formatBytes(bin.to)}` }))}>
                    <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                    <XAxis dataKey="label" stroke="var(--text-muted)" fontSize={11} />
                    <YAxis allowDecimals={false} stroke="var(--text-muted)" />
                    <Tooltip />
                    <Bar dataKey="windows" name="Windows" fill="var(--accent)" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
              {data.suggestion ? (
                <Alert title={`Suggested threshold: ${formatBytes(data.suggestion.threshold)} per ${formatDuration(data.window)}`} tone="info">
                  <p>{data.suggestion.explanation}</p>
                  <Button
                    disabled={!canChange || apply.isPending}
                    title={canChange ? undefined : "Viewers cannot change policies"}
                    onClick={() => {
                      const suggestion = data.suggestion;
                      if (suggestion) apply.mutate({ inactivityWindow: data.window, inactivityBytes: suggestion.threshold });
                    }}
                  >
                    Apply to {scopeLabel(ref)}
                  </Button>
                </Alert>
              ) : null}
              <Table label="What if">
                <thead>
                  <tr>
                    <th scope="col">Threshold</th>
                    <th scope="col" className="num">B</th>
                    <th scope="col" className="num">Tunnels cut ({period})</th>
                    <th scope="col">Users cut</th>
                  </tr>
                </thead>
                <tbody>
                  {current ? <WhatIfRow whatIf={current} label="In force" /> : null}
                  {suggested ? <WhatIfRow whatIf={suggested} label="Suggested" /> : null}
                  {proposed ? <WhatIfRow whatIf={proposed} label="Tried" /> : null}
                </tbody>
              </Table>
            </div>
          ) : null}
        </Tabs>
      </Card>
    </div>
  );
}
