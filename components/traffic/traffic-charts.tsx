"use client";
// Traffic over time (Recharts): in/out rate, with tunnel events marked on the time axis; for a
// session with an inactivity threshold, the window's traffic against the threshold line; for a
// user or a group, the sessions started over time.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { Tabs } from "@/components/ui/tabs";
import { errorMessage } from "@/lib/client/api";
import { trafficQueries, type TrafficTarget } from "@/lib/client/query-keys";
import { TRAFFIC_RANGE_KEYS, type TrafficRange } from "@/lib/live/traffic-ranges";
import { formatBytes, formatDuration } from "@/lib/policy/duration";

const REFRESH_MS = 10_000;
const EVENT_COLOURS = { connect: "var(--success-text)", disconnect: "var(--text-muted)", kill: "var(--danger)" } as const;

const time = (t: number, range: TrafficRange) =>
  new Date(t).toLocaleString(undefined, range === "7d" ? { weekday: "short", hour: "2-digit" } : { hour: "2-digit", minute: "2-digit" });
const rate = (value: number) => `${formatBytes(Math.round(value))}/s`;

export function TrafficCharts({ target, title }: { target: TrafficTarget; title: string }) {
  const [range, setRange] = useState<TrafficRange>("1h");
  const history = useQuery({ ...trafficQueries.history(target, range), refetchInterval: REFRESH_MS, placeholderData: (p) => p });
  const data = history.data;
  const tabs = TRAFFIC_RANGE_KEYS.map((key) => ({ key, label: key }));

  return (
    <Card title={title} description="Recorded traffic samples; older ranges are kept at coarser resolution.">
      <Tabs label="Time range" tabs={tabs} selected={range} onSelect={setRange}>
        {history.isError ? <Alert title="Traffic could not be loaded">{errorMessage(history.error)}</Alert> : null}
        {data ? (
          <div className="stack">
            <figure aria-label={`Traffic rate, ${range}, one point per ${formatDuration(data.step)}`}>
              <ResponsiveContainer width="100%" height={220}>
                <AreaChart data={data.points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                  <XAxis dataKey="t" type="number" domain={[data.from, data.to]} tickFormatter={(t: number) => time(t, range)} stroke="var(--text-muted)" />
                  <YAxis tickFormatter={rate} width={80} stroke="var(--text-muted)" />
                  <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(value) => rate(Number(value))} />
                  <Legend />
                  <Area type="monotone" dataKey="rateIn" name="In" stroke="var(--accent)" fill="var(--accent-soft)" isAnimationActive={false} />
                  <Area type="monotone" dataKey="rateOut" name="Out" stroke="var(--success-text)" fill="var(--success-bg)" isAnimationActive={false} />
                  {data.events.map((event) => (
                    <ReferenceLine
                      key={`${event.connectionId}-${event.kind}`}
                      x={event.t}
                      stroke={EVENT_COLOURS[event.kind]}
                      strokeDasharray="4 2"
                      label={{ value: event.kind, position: "insideTopLeft", fill: EVENT_COLOURS[event.kind], fontSize: 11 }}
                    />
                  ))}
                </AreaChart>
              </ResponsiveContainer>
            </figure>
            {data.inactivity ? (
              <figure
                aria-label={`Traffic per inactivity window of ${formatDuration(data.inactivity.window)} against the threshold of ${formatBytes(data.inactivity.threshold)}`}
              >
                <ResponsiveContainer width="100%" height={180}>
                  <LineChart data={data.points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                    <XAxis dataKey="t" type="number" domain={[data.from, data.to]} tickFormatter={(t: number) => time(t, range)} stroke="var(--text-muted)" />
                    <YAxis tickFormatter={(v: number) => formatBytes(v)} width={80} stroke="var(--text-muted)" />
                    <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} formatter={(value) => formatBytes(Number(value))} />
                    <Legend />
                    <Line type="stepAfter" dataKey="windowBytes" name={`Bytes per ${formatDuration(data.inactivity.window)}`} stroke="var(--accent)" dot={false} isAnimationActive={false} />
                    <ReferenceLine
                      y={data.inactivity.threshold}
                      stroke="var(--danger)"
                      strokeDasharray="6 3"
                      label={{ value: `threshold ${formatBytes(data.inactivity.threshold)}`, position: "insideTopRight", fill: "var(--danger)", fontSize: 11 }}
                    />
                  </LineChart>
                </ResponsiveContainer>
              </figure>
            ) : null}
            {data.sessionsStarted ? (
              <figure aria-label={`Sessions started, ${range}, per ${formatDuration(data.step)}`}>
                <ResponsiveContainer width="100%" height={140}>
                  <BarChart data={data.points.map((point, i) => ({ t: point.t, started: data.sessionsStarted?.[i] ?? 0 }))}>
                    <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                    <XAxis dataKey="t" type="number" domain={[data.from, data.to]} tickFormatter={(t: number) => time(t, range)} stroke="var(--text-muted)" />
                    <YAxis allowDecimals={false} width={80} stroke="var(--text-muted)" />
                    <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
                    <Bar dataKey="started" name="Sessions started" fill="var(--accent)" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
            ) : null}
            {data.events.length > 0 ? (
              <p className="muted">
                {data.events.length} tunnel event{data.events.length === 1 ? "" : "s"} in this range, marked on the time axis.
              </p>
            ) : null}
          </div>
        ) : (
          <p className="muted">Loading traffic…</p>
        )}
      </Tabs>
    </Card>
  );
}
