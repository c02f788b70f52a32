// `npm run bench`: every benchmark on SQLite and on PostgreSQL, then one table. Runs the reconnect
// storm (hooks.ts) against one instance on each database and against two instances sharing one
// PostgreSQL database, and the traffic ingest, Current Users and memory figures (traffic.ts) on
// each database. Each throughput figure sits next to the bare Node http ceiling measured in the
// same run on this machine, and its ratio to it.
//
//   npm run bench -- [--sessions 10000] [--concurrency 64] [--batches 1000] [--requests 200]
//
// The local PostgreSQL (TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres)
// gets a new database per benchmark, dropped afterwards.
import os from "node:os";
import { option } from "./common";
import { benchHooks, type HookBenchFigures } from "./hooks";
import { benchTraffic, type LatencyFigures, type TrafficBenchFigures } from "./traffic";

interface Row {
  figure: string;
  database: string;
  value: string;
  p50: string;
  p95: string;
  p99: string;
  ceiling: string;
  ratio: string;
  cpu: string;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const count = (value: number) => Math.round(value).toLocaleString("en-US");
const ratio = (value: number, ceiling: number) => (value > 0 ? `1/${(ceiling / value).toFixed(1)}` : "-");

function stormRow(label: string, database: string, figures: HookBenchFigures): Row {
  return {
    figure: label,
    database,
    value: `${count(figures.reconnectsPerSecond)} reconnects/s (${count(figures.reconnects)} in ${figures.seconds.toFixed(1)} s)`,
    p50: ms(figures.p50Ms),
    p95: ms(figures.p95Ms),
    p99: ms(figures.p99Ms),
    ceiling: `${count(figures.ceilingRequestsPerSecond / 2)} reconnects/s`,
    // Both rates count the same two requests per reconnect.
    ratio: ratio(figures.requestsPerSecond, figures.ceilingRequestsPerSecond),
    cpu: figures.cpuMsPerReconnect === null ? "-" : `${figures.cpuMsPerReconnect.toFixed(2)} ms/reconnect`,
  };
}

function latencyRow(label: string, database: string, figures: LatencyFigures, ceiling: LatencyFigures | null): Row {
  return {
    figure: label,
    database,
    value: `${count(1000 / figures.p50Ms)} req/s (one client)`,
    p50: ms(figures.p50Ms),
    p95: ms(figures.p95Ms),
    p99: ms(figures.p99Ms),
    ceiling: ceiling ? `p50 ${ms(ceiling.p50Ms)}` : "-",
    ratio: ceiling ? ratio(1 / figures.p50Ms, 1 / ceiling.p50Ms) : "-",
    cpu: "-",
  };
}

function trafficRows(database: string, sessions: number, figures: TrafficBenchFigures): Row[] {
  return [
    {
      figure: "traffic ingest (reports of 1,000)",
      database,
      value: `${count(figures.updatesPerSecond)} updates/s`,
      p50: ms(figures.reportP50Ms),
      p95: ms(figures.reportP95Ms),
      p99: ms(figures.reportP99Ms),
      ceiling: `${count(figures.ceilingUpdatesPerSecond)} updates/s`,
      ratio: ratio(figures.updatesPerSecond, figures.ceilingUpdatesPerSecond),
      cpu: figures.cpuMicrosPerUpdate === null ? "-" : `${figures.cpuMicrosPerUpdate.toFixed(1)} µs/update`,
    },
    latencyRow(`Current Users, ${count(sessions)} live`, database, figures.currentUsers, figures.currentUsersCeiling),
    latencyRow("Current Users, sorted + search", database, figures.currentUsersSearch, figures.currentUsersCeiling),
    {
      figure: `memory, ${count(sessions)} live connections`,
      database,
      value: figures.memory ? `${figures.memory.currentMiB.toFixed(0)} MiB resident (peak ${figures.memory.peakMiB.toFixed(0)} MiB)` : "-",
      p50: "-",
      p95: "-",
      p99: "-",
      ceiling: "-",
      ratio: "-",
      cpu: "-",
    },
  ];
}

function printTable(rows: Row[]): void {
  const headers: Row = { figure: "figure", database: "database", value: "rate / value", p50: "p50", p95: "p95", p99: "p99", ceiling: "bare node ceiling", ratio: "ratio", cpu: "console CPU" };
  const keys = Object.keys(headers) as (keyof Row)[];
  const widths = keys.map((key) => Math.max(...[headers, ...rows].map((row) => row[key].length)));
  const line = (row: Row) => `| ${keys.map((key, k) => row[key].padEnd(widths[k] ?? 0)).join(" | ")} |`;
  console.log(line(headers));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const sessions = option("sessions", 10_000);
  const concurrency = option("concurrency", 64);
  const traffic = { sessions, batches: option("batches", 1000), concurrency: 4, requests: option("requests", 200) };
  const started = Date.now();
  const rows: Row[] = [];
  const section = (title: string) => console.log(`\n=== ${title} ===\n`);

  section("reconnect storm, SQLite, one instance");
  rows.push(stormRow("reconnect storm, 1 instance", "SQLite", await benchHooks({ sessions, concurrency, postgres: false, instances: 1 })));
  section("reconnect storm, PostgreSQL, one instance");
  rows.push(stormRow("reconnect storm, 1 instance", "PostgreSQL", await benchHooks({ sessions, concurrency, postgres: true, instances: 1 })));
  section("reconnect storm, PostgreSQL, two instances");
  rows.push(stormRow("reconnect storm, 2 instances", "PostgreSQL", await benchHooks({ sessions, concurrency, postgres: true, instances: 2 })));
  section("traffic and Current Users, SQLite");
  rows.push(...trafficRows("SQLite", sessions, await benchTraffic({ ...traffic, postgres: false })));
  section("traffic and Current Users, PostgreSQL");
  rows.push(...trafficRows("PostgreSQL", sessions, await benchTraffic({ ...traffic, postgres: true })));

  const [load1, load5] = os.loadavg();
  section("summary");
  console.log(`${os.cpus().length} CPUs, load average ${load1?.toFixed(1)} / ${load5?.toFixed(1)} (1 / 5 min) at the end, ${((Date.now() - started) / 60_000).toFixed(1)} min\n`);
  printTable(rows);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
