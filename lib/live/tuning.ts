// Tuning the inactivity threshold from recorded traffic. For the members of a scope, every
// tunnel's traffic is cut into consecutive windows of W seconds; the distribution of bytes per
// window shows what idle tunnels move (keepalives: the low cluster) and what working ones move.
// "What if" counts the tunnels, and names the users, that a threshold B would have cut; the
// suggestion is a B just above the idle cluster, with how it was derived.
import { z } from "zod";
import type { Db } from "../db";
import { notFound } from "../errors";
import { DEFAULT_SCOPE_KEY, effectivePolicyFor, groupScopeKey, overridesFromRow } from "../policies";
import type { PolicyScopeRef } from "../policy/export";
import { BUILTIN_POLICY } from "../policy/fields";
import { formatBytes, formatDuration } from "../policy/duration";
import { percentile, recordedWindows, splitIdleActive } from "../traffic/windows";

export const TUNING_PERIODS = { "24h": 86_400, "7d": 604_800 } as const;
export type TuningPeriod = keyof typeof TUNING_PERIODS;

export const tuningQuerySchema = z.object({
  scope: z
    .string({ error: 'scope is required: "default", "group:NAME" or "user:NAME"' })
    .regex(/^(default|group:.+|user:.+)$/, 'scope must be "default", "group:NAME" or "user:NAME"'),
  window: z.coerce.number().int("window must be whole seconds").min(10, "window must be at least 10 s").max(86_400, "window must be at most 1 d").optional(),
  threshold: z.coerce.number().int("threshold must be whole bytes").min(1, "threshold must be at least 1 byte").optional(),
  period: z.enum(["24h", "7d"], { error: 'period must be "24h" or "7d"' }).default("24h"),
});
export type TuningQuery = z.infer<typeof tuningQuerySchema>;

export interface HistogramBin {
  /** Lower edge in bytes (inclusive); the upper edge is the next bin's lower edge. */
  from: number;
  to: number;
  windows: number;
}

export interface WhatIf {
  threshold: number;
  /** Tunnels with at least one whole window below the threshold. */
  tunnelsCut: number;
  tunnels: number;
  /** Users whose tunnels would have been cut, most cuts first (at most 50). */
  users: { username: string; tunnels: number }[];
}

export interface TuningView {
  scope: PolicyScopeRef;
  window: number;
  period: TuningPeriod;
  /** The threshold in force for the scope (0: none). */
  currentThreshold: number;
  windows: number;
  tunnels: number;
  histogram: HistogramBin[];
  percentiles: { p10: number; p50: number; p90: number } | null;
  suggestion: { threshold: number; explanation: string } | null;
  whatIf: WhatIf[];
}

export function parseScope(text: string): PolicyScopeRef {
  if (text === "default") return { scope: "default" };
  const [kind, ...rest] = text.split(":");
  const name = rest.join(":");
  return kind === "group" ? { scope: "group", name } : { scope: "user", name };
}

/** The scope's members and the inactivity policy that applies to them. */
async function scopeMembers(db: Db, ref: PolicyScopeRef) {
  if (ref.scope === "user") {
    const user = await db.vpnUser.findUnique({ where: { username: ref.name }, include: { group: { select: { name: true } } } });
    if (!user) throw notFound(`VPN user "${ref.name}"`);
    const policy = await effectivePolicyFor(db, user);
    return { userIds: [user.id], window: policy.inactivityWindow, threshold: policy.inactivityBytes };
  }
  const defaults = overridesFromRow(await db.policy.findUnique({ where: { scopeKey: DEFAULT_SCOPE_KEY } }));
  if (ref.scope === "default") {
    const users = await db.vpnUser.findMany({ select: { id: true } });
    return {
      userIds: users.map((u) => u.id),
      window: defaults.inactivityWindow ?? BUILTIN_POLICY.inactivityWindow,
      threshold: defaults.inactivityBytes ?? BUILTIN_POLICY.inactivityBytes,
    };
  }
  const group = await db.group.findUnique({ where: { name: ref.name }, select: { id: true, users: { select: { id: true } } } });
  if (!group) throw notFound(`group "${ref.name}"`);
  const own = overridesFromRow(await db.policy.findUnique({ where: { scopeKey: groupScopeKey(group.id) } }));
  return {
    userIds: group.users.map((m) => m.id),
    window: own.inactivityWindow ?? defaults.inactivityWindow ?? BUILTIN_POLICY.inactivityWindow,
    threshold: own.inactivityBytes ?? defaults.inactivityBytes ?? BUILTIN_POLICY.inactivityBytes,
  };
}

/** Log-scale bins from 0 bytes up: 0, 1–9, 10–99, ... so keepalive noise and bulk traffic both show. */
function histogram(sorted: readonly number[]): HistogramBin[] {
  if (sorted.length === 0) return [];
  const top = sorted[sorted.length - 1] ?? 0;
  const edges = [0, 1];
  while ((edges[edges.length - 1] ?? 1) <= top) edges.push((edges[edges.length - 1] ?? 1) * 10);
  return edges.slice(0, -1).map((from, i) => {
    const to = edges[i + 1] ?? from + 1;
    return { from, to, windows: sorted.filter((v) => v >= from && v < to).length };
  });
}

/**
 * A threshold just above the idle cluster (lib/traffic/windows.ts splits idle from working
 * windows at the widest jump): twice the idle cluster's top, so a little more background noise
 * does not cut idle-but-wanted tunnels, yet any real use stays far above it.
 */
export function suggestThreshold(sorted: readonly number[], window: number): TuningView["suggestion"] {
  if (sorted.length < 10) return null;
  const span = formatDuration(window);
  const split = splitIdleActive(sorted);
  if (split) {
    const idleTop = Math.max(1, split.idle.at(-1) ?? 1);
    const activeBottom = split.active[0] ?? idleTop;
    const threshold = idleTop * 2;
    const idleShare = Math.round((split.idle.length / sorted.length) * 100);
    return {
      threshold,
      explanation:
        `${idleShare}% of the ${span} windows moved at most ${formatBytes(idleTop)} (idle tunnels: keepalives only); ` +
        `the rest moved at least ${formatBytes(activeBottom)}. Twice the idle level, ${formatBytes(threshold)}, sits just above ` +
        `the background of idle tunnels and far below any real use.`,
    };
  }
  const p10 = Math.max(1, percentile(sorted, 0.1));
  return {
    threshold: p10 * 2,
    explanation:
      `No clear gap separates idle from working windows of ${span}: twice the 10th percentile (${formatBytes(p10)}) is a ` +
      `cautious start. Check the "what if" counts before applying it.`,
  };
}

export async function tuneInactivity(db: Db, query: TuningQuery, now = new Date()): Promise<TuningView> {
  const ref = parseScope(query.scope);
  const members = await scopeMembers(db, ref);
  const window = query.window ?? (members.window > 0 ? members.window : 300);
  const since = new Date(now.getTime() - TUNING_PERIODS[query.period] * 1000);

  const perTunnel = await recordedWindows(db, members.userIds, window, since, now);
  const judged = perTunnel.filter((t) => t.totals.length > 0);
  const sorted = judged.flatMap((t) => t.totals).sort((a, b) => a - b);
  const suggestion = suggestThreshold(sorted, window);

  const whatIf = (threshold: number): WhatIf => {
    const cut = judged.filter((t) => t.totals.some((total) => total < threshold));
    const byUser = new Map<string, number>();
    for (const t of cut) byUser.set(t.username, (byUser.get(t.username) ?? 0) + 1);
    return {
      threshold,
      tunnelsCut: cut.length,
      tunnels: judged.length,
      users: [...byUser.entries()]
        .map(([username, tunnels]) => ({ username, tunnels }))
        .sort((a, b) => b.tunnels - a.tunnels || a.username.localeCompare(b.username))
        .slice(0, 50),
    };
  };
  const thresholds = [...new Set([query.threshold, suggestion?.threshold, members.threshold > 0 ? members.threshold : undefined])].filter(
    (t): t is number => typeof t === "number",
  );

  return {
    scope: ref,
    window,
    period: query.period,
    currentThreshold: members.threshold,
    windows: sorted.length,
    tunnels: judged.length,
    histogram: histogram(sorted),
    percentiles: sorted.length ? { p10: percentile(sorted, 0.1), p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) } : null,
    suggestion,
    whatIf: thresholds.map(whatIf),
  };
}
