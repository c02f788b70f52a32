// VPN servers that call the hook API, each with its own token (shown once, stored as SHA-256).
import { z } from "zod";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { hashToken, newToken, sameDigest } from "./crypto";
import type { Db } from "./db";
import { notFound, uniqueOrConflict } from "./errors";
import { serverByTokenHash, type ServerRow } from "./hook-statements";
import { nameSchema } from "./validation/common";

export const SERVER_TOKEN_PREFIX = "scs_";
export const SERVER_KINDS = ["openvpn", "ocserv"] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export const serverCreateSchema = z.object({
  name: nameSchema("server name"),
  kind: z.enum(SERVER_KINDS, { error: 'kind must be "openvpn" or "ocserv"' }),
});

export const serverUpdateSchema = z.object({ name: nameSchema("server name") });

export interface ServerView {
  id: string;
  name: string;
  kind: ServerKind;
  hasToken: boolean;
  tokenCreatedAt: string | null;
  lastSeenAt: string | null;
  agentLastSeenAt: string | null;
  createdAt: string;
}

const toView = (row: ServerRow): ServerView => ({
  id: row.id,
  name: row.name,
  kind: row.kind === "ocserv" ? "ocserv" : "openvpn",
  hasToken: row.tokenHash !== null,
  tokenCreatedAt: row.tokenCreatedAt?.toISOString() ?? null,
  lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
  agentLastSeenAt: row.agentLastSeenAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

export async function listServers(db: Db): Promise<ServerView[]> {
  const rows = await db.vpnServer.findMany({ orderBy: { name: "asc" } });
  return rows.map(toView);
}

export async function getServer(db: Db, name: string): Promise<ServerView> {
  const row = await db.vpnServer.findUnique({ where: { name } });
  if (!row) throw notFound(`server "${name}"`);
  return toView(row);
}

/** Registers a server and returns its token once. */
export async function registerServer(
  db: Db,
  actor: Actor,
  input: unknown,
): Promise<{ token: string; server: ServerView }> {
  const data = serverCreateSchema.parse(input);
  const token = newToken(SERVER_TOKEN_PREFIX);
  const row = await uniqueOrConflict(
    () =>
      db.$transaction(async (tx) => {
        const created = await tx.vpnServer.create({
          data: { name: data.name, kind: data.kind, tokenHash: hashToken(token), tokenCreatedAt: new Date() },
        });
        await recordAudit(tx, {
          actor,
          action: "server.registered",
          targetType: "server",
          target: created.name,
          after: { name: created.name, kind: created.kind },
        });
        return created;
      }),
    `a server named "${data.name}" already exists`,
  );
  return { token, server: toView(row) };
}

export async function renameServer(db: Db, actor: Actor, name: string, input: unknown): Promise<ServerView> {
  const data = serverUpdateSchema.parse(input);
  const row = await uniqueOrConflict(
    () =>
      db.$transaction(async (tx) => {
        const before = await tx.vpnServer.findUnique({ where: { name } });
        if (!before) throw notFound(`server "${name}"`);
        const after = await tx.vpnServer.update({ where: { id: before.id }, data: { name: data.name } });
        // Renaming to the same name is not a change, so it leaves no audit event.
        if (after.name !== before.name) {
          await recordAudit(tx, {
            actor,
            action: "server.updated",
            targetType: "server",
            target: after.name,
            before: { name: before.name },
            after: { name: after.name },
          });
        }
        return after;
      }),
    `a server named "${data.name}" already exists`,
  );
  forgetServerTokens(db);
  return toView(row);
}

/** Replaces the token: the old one stops working at once. Returns the new token once. */
export async function rotateServerToken(
  db: Db,
  actor: Actor,
  name: string,
): Promise<{ token: string; server: ServerView }> {
  const token = newToken(SERVER_TOKEN_PREFIX);
  const row = await db.$transaction(async (tx) => {
    const before = await tx.vpnServer.findUnique({ where: { name } });
    if (!before) throw notFound(`server "${name}"`);
    const after = await tx.vpnServer.update({
      where: { id: before.id },
      data: { tokenHash: hashToken(token), tokenCreatedAt: new Date() },
    });
    await recordAudit(tx, {
      actor,
      action: "server.token_rotated",
      targetType: "server",
      target: name,
      before: { tokenCreatedAt: before.tokenCreatedAt },
      after: { tokenCreatedAt: after.tokenCreatedAt },
    });
    return after;
  });
  forgetServerTokens(db);
  return { token, server: toView(row) };
}

export async function revokeServerToken(db: Db, actor: Actor, name: string): Promise<ServerView> {
  const row = await db.$transaction(async (tx) => {
    const before = await tx.vpnServer.findUnique({ where: { name } });
    if (!before) throw notFound(`server "${name}"`);
    const after = await tx.vpnServer.update({
      where: { id: before.id },
      data: { tokenHash: null, tokenCreatedAt: null },
    });
    await recordAudit(tx, {
      actor,
      action: "server.token_revoked",
      targetType: "server",
      target: name,
      before: { hasToken: before.tokenHash !== null },
      after: { hasToken: false },
    });
    return after;
  });
  forgetServerTokens(db);
  return toView(row);
}

export async function deleteServer(db: Db, actor: Actor, name: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.vpnServer.findUnique({ where: { name } });
    if (!before) throw notFound(`server "${name}"`);
    await tx.vpnServer.delete({ where: { id: before.id } });
    await recordAudit(tx, {
      actor,
      action: "server.deleted",
      targetType: "server",
      target: name,
      before: { name: before.name, kind: before.kind },
    });
  });
  forgetServerTokens(db);
}

/**
 * Servers recently authenticated by token digest, so a reconnect storm does not look the same
 * token up thousands of times a second. Changing a server's token, name or existence clears it in
 * this process at once; other processes (the CLI, further console instances) are seen within
 * SERVER_TOKEN_CACHE_MS. Kept on globalThis because the Next.js bundle and server.ts each load
 * their own copy of this module in the one process.
 */
export const SERVER_TOKEN_CACHE_MS = 2_000;
const globalForServers = globalThis as unknown as {
  sessionConsoleServerTokens?: WeakMap<Db, Map<string, { server: ServerView; until: number }>>;
};
const tokenCache = (globalForServers.sessionConsoleServerTokens ??= new WeakMap());

function forgetServerTokens(db: Db): void {
  tokenCache.delete(db);
}

/** The server behind a hook call's bearer token, or null for an unknown or revoked token. */
export async function authenticateServer(db: Db, token: string): Promise<ServerView | null> {
  if (!token.startsWith(SERVER_TOKEN_PREFIX)) return null;
  const digest = hashToken(token);
  const now = Date.now();
  let cache = tokenCache.get(db);
  const cached = cache?.get(digest);
  if (cached && cached.until > now) return cached.server;
  const row = await serverByTokenHash(db, digest);
  if (!row?.tokenHash || !sameDigest(row.tokenHash, digest)) {
    cache?.delete(digest);
    return null;
  }
  const server = toView(row);
  if (!cache) tokenCache.set(db, (cache = new Map()));
  cache.set(digest, { server, until: now + SERVER_TOKEN_CACHE_MS });
  return server;
}
