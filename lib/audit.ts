// The one audit writer, and the audit query. Every mutating path calls recordAudit inside the
// same transaction as its change, so an event exists exactly when the change does.
import { z } from "zod";
import type { Actor } from "./actor";
import type { AuditAction, AuditTargetType } from "./audit-actions";
import { containsText, escapeLike, type Db, type Tx } from "./db";
import { dateParamSchema, pageSchema, pageSizeSchema } from "./validation/common";

export interface AuditInput {
  actor: Actor;
  action: AuditAction;
  targetType: AuditTargetType;
  target: string;
  before?: unknown;
  after?: unknown;
}

/** Keys that may hold secrets or their hashes... */
const SECRET_KEYS = /password|token|secret|hash/i;
/** ...except these, which only say whether or when one exists, or are policy fields. */
const SAFE_KEYS = new Set(["reconnectTokens", "idleTokenExpiry", "hasPassword", "hasToken", "tokenCreatedAt"]);

/** Drops any field that could hold a secret, so audit rows never carry one. */
function redact(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (SECRET_KEYS.test(key) && !SAFE_KEYS.has(key)) continue;
      out[key] = redact(inner);
    }
    return out;
  }
  return value;
}

function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(redact(value));
}

export async function recordAudit(tx: Tx, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorType: input.actor.type,
      actor: input.actor.name,
      action: input.action,
      targetType: input.targetType,
      target: input.target,
      before: toJson(input.before),
      after: toJson(input.after),
    },
  });
}

export const auditQuerySchema = z.object({
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  target: z.string().trim().max(200).optional(),
  from: dateParamSchema("from").optional(),
  to: dateParamSchema("to").optional(),
  page: pageSchema,
  pageSize: pageSizeSchema,
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;

export interface AuditEventView {
  id: string;
  at: string;
  actorType: string;
  actor: string;
  action: string;
  targetType: string;
  target: string;
  before: unknown;
  after: unknown;
}

export async function listAuditEvents(db: Db, query: AuditQuery) {
  const where = {
    ...(query.actor ? { actor: containsText(db, query.actor) } : {}),
    ...(query.action ? { action: { startsWith: escapeLike(query.action) } } : {}),
    ...(query.target ? { target: containsText(db, query.target) } : {}),
    ...(query.from || query.to
      ? { at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lte: query.to } : {}) } }
      : {}),
  };
  const [total, rows] = await Promise.all([
    db.auditEvent.count({ where }),
    db.auditEvent.findMany({
      where,
      orderBy: [{ at: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
  ]);
  const events: AuditEventView[] = rows.map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    actorType: row.actorType,
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    target: row.target,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
  }));
  return { total, page: query.page, pageSize: query.pageSize, events };
}
