// Query keys and fetchers, one factory per entity. Components never write key arrays by hand.
import { queryOptions } from "@tanstack/react-query";
import type { AdminView } from "@/lib/admins";
import type { ApiTokenView } from "@/lib/api-tokens";
import type { AuditEventView } from "@/lib/audit";
import type { GroupView } from "@/lib/groups";
import type { LockoutView } from "@/lib/lockout";
import type { CurrentUsersView } from "@/lib/live/current-users";
import type { CurrentUsersSort } from "@/lib/live/current-users-sorts";
import type { TrafficHistory } from "@/lib/live/traffic-history";
import type { TuningView } from "@/lib/live/tuning";
import type { TrafficRange } from "@/lib/live/traffic-ranges";
import type { PolicyMatrixRow, ScopePolicyView } from "@/lib/policies";
import type { PolicyScopeRef } from "@/lib/policy/export";
import type { ServerView } from "@/lib/servers";
import type { SessionDetailView, SessionView } from "@/lib/sessions/queries";
import type { SessionState } from "@/lib/sessions/states";
import type { VpnUserView } from "@/lib/vpn-users";
import { apiFetch } from "./api";

export interface Paged {
  total: number;
  page: number;
  pageSize: number;
}

/** Turns filters into a query string, leaving out empty values. */
export function toQueryString(filters: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export interface VpnUserFilters {
  q?: string;
  group?: string;
  enabled?: "true" | "false";
  sort: "username" | "group" | "enabled" | "createdAt";
  dir: "asc" | "desc";
  page: number;
  pageSize: number;
}

export const vpnUserQueries = {
  all: ["vpn-users"] as const,
  list: (filters: VpnUserFilters) =>
    queryOptions({
      queryKey: [...vpnUserQueries.all, "list", filters] as const,
      queryFn: () => apiFetch<Paged & { users: VpnUserView[] }>(`/api/vpn-users${toQueryString(filters)}`),
    }),
};

export const groupQueries = {
  all: ["groups"] as const,
  list: () =>
    queryOptions({
      queryKey: [...groupQueries.all, "list"] as const,
      queryFn: () => apiFetch<{ groups: GroupView[] }>("/api/groups"),
    }),
};

export const serverQueries = {
  all: ["servers"] as const,
  list: () =>
    queryOptions({
      queryKey: [...serverQueries.all, "list"] as const,
      queryFn: () => apiFetch<{ servers: ServerView[] }>("/api/servers"),
    }),
};

export const lockoutQueries = {
  all: ["lockouts"] as const,
  list: () =>
    queryOptions({
      queryKey: [...lockoutQueries.all, "list"] as const,
      queryFn: () => apiFetch<{ lockouts: LockoutView[] }>("/api/lockouts"),
    }),
};

export const apiTokenQueries = {
  all: ["api-tokens"] as const,
  list: () =>
    queryOptions({
      queryKey: [...apiTokenQueries.all, "list"] as const,
      queryFn: () => apiFetch<{ tokens: ApiTokenView[] }>("/api/tokens"),
    }),
};

export const adminQueries = {
  all: ["admins"] as const,
  list: () =>
    queryOptions({
      queryKey: [...adminQueries.all, "list"] as const,
      queryFn: () => apiFetch<{ admins: AdminView[] }>("/api/admins"),
    }),
};

export interface AuditFilters {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

export const auditQueries = {
  all: ["audit"] as const,
  list: (filters: AuditFilters) =>
    queryOptions({
      queryKey: [...auditQueries.all, "list", filters] as const,
      queryFn: () => apiFetch<Paged & { events: AuditEventView[] }>(`/api/audit${toQueryString(filters)}`),
    }),
};

/** The API path of one policy scope: DEFAULT, a group or a user. */
export function policyScopePath(ref: PolicyScopeRef): string {
  if (ref.scope === "default") return "/api/policies/default";
  return `/api/policies/${ref.scope === "group" ? "groups" : "users"}/${encodeURIComponent(ref.name)}`;
}

export const policyQueries = {
  all: ["policies"] as const,
  matrix: () =>
    queryOptions({
      queryKey: [...policyQueries.all, "matrix"] as const,
      queryFn: () => apiFetch<{ scopes: PolicyMatrixRow[] }>("/api/policies"),
    }),
  scope: (ref: PolicyScopeRef) =>
    queryOptions({
      queryKey: [...policyQueries.all, "scope", ref.scope, ref.scope === "default" ? "" : ref.name] as const,
      queryFn: () => apiFetch<ScopePolicyView>(policyScopePath(ref)),
    }),
};

/** One VPN user, under the user lists' key so that every user change refreshes it too. */
export const vpnUserDetailQuery = (username: string) =>
  queryOptions({
    queryKey: [...vpnUserQueries.all, "detail", username] as const,
    queryFn: () => apiFetch<{ user: VpnUserView }>(`/api/vpn-users/${encodeURIComponent(username)}`),
  });

export interface SessionFilters {
  state?: SessionState;
  user?: string;
  server?: string;
  page: number;
  pageSize: number;
}

export type SessionCounts = Record<SessionState, number>;

export const sessionQueries = {
  all: ["sessions"] as const,
  list: (filters: SessionFilters) =>
    queryOptions({
      queryKey: [...sessionQueries.all, "list", filters] as const,
      queryFn: () =>
        apiFetch<Paged & { counts: SessionCounts; sessions: SessionView[] }>(`/api/sessions${toQueryString(filters)}`),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...sessionQueries.all, "detail", id] as const,
      queryFn: () => apiFetch<{ session: SessionDetailView }>(`/api/sessions/${encodeURIComponent(id)}`),
    }),
};

export interface CurrentUsersFilters {
  q?: string;
  server?: string;
  group?: string;
  sort: CurrentUsersSort;
  order: "asc" | "desc";
  page: number;
  pageSize: number;
}

export const currentUsersQueries = {
  all: ["current-users"] as const,
  list: (filters: CurrentUsersFilters) =>
    queryOptions({
      queryKey: [...currentUsersQueries.all, "list", filters] as const,
      queryFn: () => apiFetch<CurrentUsersView>(`/api/current-users${toQueryString(filters)}`),
    }),
};

export type TrafficTarget = { session: string } | { user: string } | { group: string };

function trafficPath(target: TrafficTarget): string {
  if ("session" in target) return `/api/sessions/${encodeURIComponent(target.session)}/traffic`;
  if ("user" in target) return `/api/vpn-users/${encodeURIComponent(target.user)}/traffic`;
  return `/api/groups/${encodeURIComponent(target.group)}/traffic`;
}

export const trafficQueries = {
  all: ["traffic"] as const,
  history: (target: TrafficTarget, range: TrafficRange) =>
    queryOptions({
      queryKey: [...trafficQueries.all, target, range] as const,
      queryFn: () => apiFetch<TrafficHistory>(`${trafficPath(target)}?range=${range}`),
    }),
};

export interface TuningFilters {
  scope: string;
  window?: number;
  threshold?: number;
  period: "24h" | "7d";
}

export const tuningQueries = {
  all: ["tuning"] as const,
  view: (filters: TuningFilters) =>
    queryOptions({
      queryKey: [...tuningQueries.all, filters] as const,
      queryFn: () => apiFetch<TuningView>(`/api/policies/tuning${toQueryString(filters)}`),
    }),
};
