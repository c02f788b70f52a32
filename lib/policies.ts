// Policies in the database: one row per scope (DEFAULT, a group, a user), every field nullable.
// Reading a user's effective policy is one query, so every decision sees the latest change.
import { z } from "zod";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import type { Db, Tx } from "./db";
import { AppError, notFound } from "./errors";
import { canReadDirectly, policiesByScope, type PolicyRow } from "./hook-statements";
import { policyAdvice, type ObservedTraffic, type PolicyAdvice } from "./policy/advice";
import { explainPolicy } from "./policy/explain";
import { exportPolicies, scopeLabel, scopeTarget, type PolicyExport, type PolicyScopeRef } from "./policy/export";
import { parseImport, type ImportResult } from "./policy/import";
import { observedTraffic } from "./traffic/windows";
import {
  POLICY_KEYS,
  policyPatchSchema,
  policyValueSchemas,
  type PolicyKey,
  type PolicyOverrides,
  type PolicyPatch,
  type PolicyValues,
} from "./policy/fields";
import {
  describeSource,
  effectiveValues,
  resolvePolicy,
  type PolicySource,
  type ResolvedPolicy,
} from "./policy/resolve";

export const DEFAULT_SCOPE_KEY = "default";
export const groupScopeKey = (groupId: string) => `group:${groupId}`;
export const userScopeKey = (userId: string) => `user:${userId}`;

/** The overrides a stored row sets; null columns are left out (they inherit). */
export function overridesFromRow(row: Partial<Record<PolicyKey, unknown>> | null | undefined): PolicyOverrides {
  const overrides: PolicyOverrides = {};
  if (!row) return overrides;
  for (const key of POLICY_KEYS) {
    const parsed = policyValueSchemas[key].safeParse(row[key]);
    if (parsed.success) Object.assign(overrides, { [key]: parsed.data });
  }
  return overrides;
}

export interface PolicySubject {
  id: string;
  username: string;
  groupId: string | null;
  group: { name: string } | null;
}

/** A user's policy from the scope rows at hand (by scopeKey): DEFAULT, their group's, their own. */
function resolveFromRows(byKey: Map<string, PolicyRow>, user: PolicySubject): ResolvedPolicy {
  return resolvePolicy({
    defaultScope: { values: overridesFromRow(byKey.get(DEFAULT_SCOPE_KEY)) },
    group:
      user.groupId && user.group
        ? { name: user.group.name, values: overridesFromRow(byKey.get(groupScopeKey(user.groupId))) }
        : null,
    user: { name: user.username, values: overridesFromRow(byKey.get(userScopeKey(user.id))) },
  });
}

export async function resolveUserPolicy(db: Db | Tx, user: PolicySubject): Promise<ResolvedPolicy> {
  const userKey = userScopeKey(user.id);
  const groupKey = user.groupId ? groupScopeKey(user.groupId) : userKey;
  // Every hook decision reads this: outside a transaction through the direct statements.
  const rows: PolicyRow[] = canReadDirectly(db)
    ? await policiesByScope(db, [DEFAULT_SCOPE_KEY, groupKey, userKey])
    : await db.policy.findMany({ where: { scopeKey: { in: [DEFAULT_SCOPE_KEY, groupKey, userKey] } } });
  return resolveFromRows(new Map(rows.map((row) => [row.scopeKey, row])), user);
}

/** The policies of many users at once (a page of Current Users, an enforcement pass): one query. */
export async function resolveUserPolicies(db: Db | Tx, users: PolicySubject[]): Promise<Map<string, ResolvedPolicy>> {
  const keys = new Set([DEFAULT_SCOPE_KEY]);
  for (const user of users) {
    keys.add(userScopeKey(user.id));
    if (user.groupId) keys.add(groupScopeKey(user.groupId));
  }
  const rows = await db.policy.findMany({ where: { scopeKey: { in: [...keys] } } });
  const byKey = new Map(rows.map((row) => [row.scopeKey, row]));
  return new Map(users.map((user) => [user.id, resolveFromRows(byKey, user)]));
}

export async function effectivePolicyFor(db: Db | Tx, user: PolicySubject): Promise<PolicyValues> {
  return effectiveValues(await resolveUserPolicy(db, user));
}

/** The scope an audit target names (see scopeTarget), or null for any other target. */
export function scopeFromTarget(target: string): PolicyScopeRef | null {
  if (target === "DEFAULT") return { scope: "default" };
  const match = /^(group|user):(.+)$/.exec(target);
  if (!match?.[2]) return null;
  return match[1] === "group" ? { scope: "group", name: match[2] } : { scope: "user", name: match[2] };
}

export interface PolicyFieldView {
  /** What this scope sets, or null when it inherits. */
  set: PolicyValues[PolicyKey] | null;
  effective: PolicyValues[PolicyKey];
  source: PolicySource;
  sourceLabel: string;
}

export interface ScopePolicyView {
  scope: PolicyScopeRef;
  label: string;
  overrides: PolicyOverrides;
  fields: Record<PolicyKey, PolicyFieldView>;
  warnings: PolicyAdvice[];
  explanation: string[];
}

interface ScopeRecord {
  ref: PolicyScopeRef;
  scopeKey: string;
  owner: { groupId: string } | { userId: string } | Record<string, never>;
  user: PolicySubject | null;
  groupName: string | null;
  groupId: string | null;
}

async function findScope(db: Db | Tx, ref: PolicyScopeRef): Promise<ScopeRecord> {
  if (ref.scope === "default") {
    return { ref, scopeKey: DEFAULT_SCOPE_KEY, owner: {}, user: null, groupName: null, groupId: null };
  }
  if (ref.scope === "group") {
    const group = await db.group.findUnique({ where: { name: ref.name } });
    if (!group) throw notFound(`group "${ref.name}"`);
    return { ref, scopeKey: groupScopeKey(group.id), owner: { groupId: group.id }, user: null, groupName: group.name, groupId: group.id };
  }
  const user = await db.vpnUser.findUnique({ where: { username: ref.name }, include: { group: { select: { name: true } } } });
  if (!user) throw notFound(`VPN user "${ref.name}"`);
  return {
    ref,
    scopeKey: userScopeKey(user.id),
    owner: { userId: user.id },
    user,
    groupName: user.group?.name ?? null,
    groupId: user.groupId,
  };
}

async function overridesOf(db: Db | Tx, scopeKey: string): Promise<PolicyOverrides> {
  return overridesFromRow(await db.policy.findUnique({ where: { scopeKey } }));
}

/** Recent traffic of the scope's users, for the advice on the inactivity threshold. */
async function observedTrafficOf(db: Db | Tx, record: ScopeRecord, values: PolicyValues): Promise<ObservedTraffic | undefined> {
  if (values.inactivityWindow <= 0 || values.inactivityBytes <= 0) return undefined;
  const userIds =
    record.ref.scope === "default"
      ? null
      : record.ref.scope === "user"
        ? [record.user?.id ?? ""]
        : (await db.vpnUser.findMany({ where: { groupId: record.groupId }, select: { id: true } })).map((u) => u.id);
  return observedTraffic(db, userIds, values.inactivityWindow);
}

async function viewOf(db: Db | Tx, record: ScopeRecord): Promise<ScopePolicyView> {
  const defaults = await overridesOf(db, DEFAULT_SCOPE_KEY);
  const own = record.ref.scope === "default" ? defaults : await overridesOf(db, record.scopeKey);
  const groupValues =
    record.ref.scope === "group"
      ? own
      : record.groupId
        ? await overridesOf(db, groupScopeKey(record.groupId))
        : null;
  const resolved = resolvePolicy({
    defaultScope: { values: defaults },
    group: groupValues && record.groupName ? { name: record.groupName, values: groupValues } : null,
    user: record.ref.scope === "user" ? { name: record.ref.name, values: own } : null,
  });
  const values = effectiveValues(resolved);
  const fields = Object.fromEntries(
    POLICY_KEYS.map((key) => {
      const field = resolved[key];
      const view: PolicyFieldView = {
        set: own[key] ?? null,
        effective: field.value,
        source: field.source,
        sourceLabel: describeSource(field.source),
      };
      return [key, view];
    }),
  ) as Record<PolicyKey, PolicyFieldView>;
  return {
    scope: record.ref,
    label: scopeLabel(record.ref),
    overrides: own,
    fields,
    warnings: policyAdvice(values, { observed: await observedTrafficOf(db, record, values) }),
    explanation: explainPolicy(values),
  };
}

export async function getScopePolicy(db: Db, ref: PolicyScopeRef): Promise<ScopePolicyView> {
  return viewOf(db, await findScope(db, ref));
}

/** Writes exactly `overrides` for the scope (absent fields inherit). */
async function writeOverrides(tx: Tx, record: ScopeRecord, overrides: PolicyOverrides): Promise<void> {
  const columns = Object.fromEntries(POLICY_KEYS.map((key) => [key, overrides[key] ?? null]));
  await tx.policy.upsert({
    where: { scopeKey: record.scopeKey },
    create: { scopeKey: record.scopeKey, ...record.owner, ...columns },
    update: columns,
  });
}

function merge(before: PolicyOverrides, patch: PolicyPatch): PolicyOverrides {
  const next: PolicyOverrides = { ...before };
  for (const key of POLICY_KEYS) {
    if (!(key in patch)) continue;
    const value = patch[key];
    if (value === null || value === undefined) delete next[key];
    else Object.assign(next, { [key]: value });
  }
  return next;
}

/** PUT: a partial update; null clears a field back to inherit. Returns the scope with advice. */
export async function updateScopePolicy(db: Db, actor: Actor, ref: PolicyScopeRef, input: unknown): Promise<ScopePolicyView> {
  const patch = policyPatchSchema.parse(input);
  return db.$transaction(async (tx) => {
    const record = await findScope(tx, ref);
    const before = await overridesOf(tx, record.scopeKey);
    const after = merge(before, patch);
    await writeOverrides(tx, record, after);
    await recordAudit(tx, { actor, action: "policy.updated", targetType: "policy", target: scopeTarget(ref), before, after });
    return viewOf(tx, record);
  });
}

/** DELETE: every field of the scope back to inherit. */
export async function clearScopePolicy(db: Db, actor: Actor, ref: PolicyScopeRef): Promise<ScopePolicyView> {
  if (ref.scope === "default") throw new AppError("invalid", "DEFAULT cannot be deleted; set its fields to null to use the built-in defaults");
  return db.$transaction(async (tx) => {
    const record = await findScope(tx, ref);
    const before = await overridesOf(tx, record.scopeKey);
    await tx.policy.deleteMany({ where: { scopeKey: record.scopeKey } });
    await recordAudit(tx, { actor, action: "policy.cleared", targetType: "policy", target: scopeTarget(ref), before, after: {} });
    return viewOf(tx, record);
  });
}

/** Puts a scope's policy back to what it was before the audited change `eventId`. */
export async function revertPolicyChange(db: Db, actor: Actor, eventId: string): Promise<ScopePolicyView> {
  return db.$transaction(async (tx) => {
    const event = await tx.auditEvent.findUnique({ where: { id: eventId } });
    if (!event) throw notFound(`audit event "${eventId}"`);
    const ref = event.targetType === "policy" ? scopeFromTarget(event.target) : null;
    if (!ref) throw new AppError("invalid", `audit event ${eventId} is not a policy change and cannot be reverted`);
    const restored = overridesFromRow(event.before ? (JSON.parse(event.before) as Partial<Record<PolicyKey, unknown>>) : {});
    const record = await findScope(tx, ref);
    const before = await overridesOf(tx, record.scopeKey);
    await writeOverrides(tx, record, restored);
    await recordAudit(tx, {
      actor,
      action: "policy.reverted",
      targetType: "policy",
      target: scopeTarget(ref),
      before,
      after: { ...restored, revertedEvent: eventId },
    });
    return viewOf(tx, record);
  });
}

export interface PolicyMatrixRow {
  scope: PolicyScopeRef;
  label: string;
  overrides: PolicyOverrides;
}

/** DEFAULT, every group, and the users that override anything: the overview matrix. */
export async function listPolicyScopes(db: Db): Promise<PolicyMatrixRow[]> {
  const [rows, groups] = await Promise.all([
    db.policy.findMany({ include: { group: { select: { name: true } }, user: { select: { username: true } } } }),
    db.group.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  const byKey = new Map(rows.map((row) => [row.scopeKey, row]));
  const result: PolicyMatrixRow[] = [
    { scope: { scope: "default" }, label: "DEFAULT", overrides: overridesFromRow(byKey.get(DEFAULT_SCOPE_KEY)) },
  ];
  for (const group of groups) {
    const ref: PolicyScopeRef = { scope: "group", name: group.name };
    result.push({ scope: ref, label: scopeLabel(ref), overrides: overridesFromRow(byKey.get(groupScopeKey(group.id))) });
  }
  const users = rows
    .filter((row) => row.user)
    .map((row) => ({ name: row.user?.username ?? "", overrides: overridesFromRow(row) }))
    .filter((user) => Object.keys(user.overrides).length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const user of users) {
    const ref: PolicyScopeRef = { scope: "user", name: user.name };
    result.push({ scope: ref, label: scopeLabel(ref), overrides: user.overrides });
  }
  return result;
}

export async function effectivePolicyView(db: Db, username: string): Promise<ScopePolicyView> {
  return getScopePolicy(db, { scope: "user", name: username });
}

export interface ImportPreviewScope {
  scope: PolicyScopeRef;
  label: string;
  /** A group the import names that does not exist yet; applying creates it. */
  createsGroup: boolean;
  /** A user the import names that does not exist; the import cannot be applied. */
  missingUser: boolean;
  before: PolicyOverrides;
  after: PolicyOverrides;
  lines: number[];
}

export interface ImportPreview extends Omit<ImportResult, "scopes"> {
  scopes: ImportPreviewScope[];
  canApply: boolean;
}

export const importRequestSchema = z.object({
  text: z
    .string({ error: "text is required: paste the settings to import" })
    .min(1, "text is required: paste the settings to import")
    .max(512 * 1024, "text must be at most 512 KiB"),
});

async function storedOverrides(db: Db | Tx, ref: PolicyScopeRef): Promise<{ exists: boolean; overrides: PolicyOverrides }> {
  if (ref.scope === "default") return { exists: true, overrides: await overridesOf(db, DEFAULT_SCOPE_KEY) };
  const owner =
    ref.scope === "group"
      ? await db.group.findUnique({ where: { name: ref.name }, select: { id: true } })
      : await db.vpnUser.findUnique({ where: { username: ref.name }, select: { id: true } });
  if (!owner) return { exists: false, overrides: {} };
  const key = ref.scope === "group" ? groupScopeKey(owner.id) : userScopeKey(owner.id);
  return { exists: true, overrides: await overridesOf(db, key) };
}

/** What an import would change, scope by scope, before anything is saved. */
export async function previewImport(db: Db | Tx, input: unknown): Promise<ImportPreview> {
  const { text } = importRequestSchema.parse(input);
  const parsed = parseImport(text);
  const scopes: ImportPreviewScope[] = [];
  for (const imported of parsed.scopes) {
    const ref: PolicyScopeRef = imported.scope === "default" ? { scope: "default" } : { scope: imported.scope, name: imported.name };
    const stored = await storedOverrides(db, ref);
    const after = { ...stored.overrides };
    for (const key of POLICY_KEYS) {
      const value = imported.values[key];
      if (value !== undefined && value !== null) Object.assign(after, { [key]: value });
    }
    scopes.push({
      scope: ref,
      label: scopeLabel(ref),
      createsGroup: ref.scope === "group" && !stored.exists,
      missingUser: ref.scope === "user" && !stored.exists,
      before: stored.overrides,
      after,
      lines: imported.lines,
    });
  }
  const canApply = parsed.errors.length === 0 && scopes.length > 0 && !scopes.some((s) => s.missingUser);
  return { ...parsed, scopes, canApply };
}

/** Applies an import all-or-nothing: every scope in one transaction, each change audited. */
export async function applyImport(db: Db, actor: Actor, input: unknown): Promise<ImportPreview> {
  return db.$transaction(async (tx) => {
    const preview = await previewImport(tx, input);
    if (!preview.canApply) {
      const reasons = [
        ...preview.errors.map((e) => `line ${e.line}: ${e.message}`),
        ...preview.scopes.filter((s) => s.missingUser).map((s) => `${s.label} does not exist`),
        ...(preview.scopes.length === 0 ? ["no policy settings found in the text"] : []),
      ];
      throw new AppError("invalid", `nothing imported: ${reasons.join("; ")}`);
    }
    for (const scope of preview.scopes) {
      if (scope.createsGroup && scope.scope.scope === "group") {
        const group = await tx.group.create({ data: { name: scope.scope.name, description: "created by a policy import" } });
        await recordAudit(tx, { actor, action: "group.created", targetType: "group", target: group.name, after: { name: group.name } });
      }
      const record = await findScope(tx, scope.scope);
      await writeOverrides(tx, record, scope.after);
      await recordAudit(tx, {
        actor,
        action: "policy.imported",
        targetType: "policy",
        target: scopeTarget(scope.scope),
        before: scope.before,
        after: scope.after,
      });
    }
    return preview;
  });
}

/** Every scope that sets anything, in the console's own export format. */
export async function exportAllPolicies(db: Db): Promise<PolicyExport> {
  const rows = await listPolicyScopes(db);
  return exportPolicies(rows.filter((row) => Object.keys(row.overrides).length > 0).map((row) => ({ ...row.scope, values: row.overrides })));
}
