// Admin API tokens for automation: shown once, stored as SHA-256, each with a role.
import { z } from "zod";
import type { Actor, Role } from "./actor";
import { recordAudit } from "./audit";
import { hashToken, newToken, sameDigest } from "./crypto";
import type { Db } from "./db";
import { notFound, uniqueOrConflict } from "./errors";
import { nameSchema, roleSchema } from "./validation/common";

export const API_TOKEN_PREFIX = "sca_";

export const apiTokenCreateSchema = z.object({
  name: nameSchema("name"),
  role: roleSchema.default("admin"),
});

export interface ApiTokenView {
  id: string;
  name: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type ApiTokenRow = {
  id: string;
  name: string;
  role: string;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const toView = (row: ApiTokenRow): ApiTokenView => ({
  id: row.id,
  name: row.name,
  role: row.role === "viewer" ? "viewer" : "admin",
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

export async function listApiTokens(db: Db): Promise<ApiTokenView[]> {
  const rows = await db.apiToken.findMany({ orderBy: [{ revokedAt: "asc" }, { createdAt: "desc" }] });
  return rows.map(toView);
}

/** Returns the token itself once; only its hash is kept. */
export async function createApiToken(
  db: Db,
  actor: Actor,
  input: unknown,
): Promise<{ token: string; apiToken: ApiTokenView }> {
  const data = apiTokenCreateSchema.parse(input);
  const token = newToken(API_TOKEN_PREFIX);
  const row = await uniqueOrConflict(
    () =>
      db.$transaction(async (tx) => {
        const created = await tx.apiToken.create({
          data: { name: data.name, role: data.role, tokenHash: hashToken(token), createdBy: actor.name },
        });
        await recordAudit(tx, {
          actor,
          action: "api_token.created",
          targetType: "api_token",
          target: created.name,
          after: { name: created.name, role: created.role },
        });
        return created;
      }),
    `an API token named "${data.name}" already exists`,
  );
  return { token, apiToken: toView(row) };
}

export async function revokeApiToken(db: Db, actor: Actor, name: string): Promise<ApiTokenView> {
  const row = await db.$transaction(async (tx) => {
    const before = await tx.apiToken.findUnique({ where: { name } });
    if (!before || before.revokedAt) throw notFound(`active API token "${name}"`);
    const after = await tx.apiToken.update({ where: { id: before.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, {
      actor,
      action: "api_token.revoked",
      targetType: "api_token",
      target: name,
      before: { revokedAt: null },
      after: { revokedAt: after.revokedAt },
    });
    return after;
  });
  return toView(row);
}

/** The actor behind a bearer token, or null when the token is unknown or revoked. */
export async function authenticateApiToken(db: Db, token: string): Promise<Actor | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const digest = hashToken(token);
  const row = await db.apiToken.findUnique({ where: { tokenHash: digest } });
  if (!row || row.revokedAt || !sameDigest(row.tokenHash, digest)) return null;
  // lastUsedAt is advisory; a minute of precision is enough and saves a write per request.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { type: "api_token", id: row.id, name: row.name, role: row.role === "viewer" ? "viewer" : "admin" };
}
