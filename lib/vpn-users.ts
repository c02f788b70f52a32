// VPN users: the people who log in to the VPN servers.
import { z } from "zod";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { hashPassword } from "./crypto";
import { containsText, type Db, type Tx } from "./db";
import { invalid, notFound, uniqueOrConflict } from "./errors";
import { nameSchema, pageSchema, pageSizeSchema, passwordSchema } from "./validation/common";

export const vpnUserCreateSchema = z.object({
  username: nameSchema("username"),
  password: passwordSchema.optional(),
  group: nameSchema("group").nullable().optional(),
  enabled: z.boolean({ error: "enabled must be true or false" }).default(true),
});

export const vpnUserUpdateSchema = z
  .object({
    username: nameSchema("username").optional(),
    password: passwordSchema.optional(),
    group: nameSchema("group").nullable().optional(),
    enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
  })
  .refine((value) => Object.values(value).some((field) => field !== undefined), {
    message: "nothing to change: give username, password, group or enabled",
  });

export const VPN_USER_SORTS = ["username", "group", "enabled", "createdAt"] as const;

export const vpnUserListSchema = z.object({
  q: z.string().trim().max(64).optional(),
  group: z.string().trim().max(64).optional(),
  enabled: z.enum(["true", "false"]).optional(),
  sort: z.enum(VPN_USER_SORTS).default("username"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  page: pageSchema,
  pageSize: pageSizeSchema,
});

export type VpnUserListQuery = z.infer<typeof vpnUserListSchema>;

export interface VpnUserView {
  id: string;
  username: string;
  group: string | null;
  enabled: boolean;
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
}

type VpnUserRow = {
  id: string;
  username: string;
  enabled: boolean;
  passwordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
  group: { name: string } | null;
};

const toView = (row: VpnUserRow): VpnUserView => ({
  id: row.id,
  username: row.username,
  group: row.group?.name ?? null,
  enabled: row.enabled,
  hasPassword: row.passwordHash !== null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const snapshot = (view: VpnUserView) => ({ username: view.username, group: view.group, enabled: view.enabled });

async function groupIdFor(tx: Tx, group: string | null | undefined): Promise<string | null | undefined> {
  if (group === undefined || group === null) return group;
  const row = await tx.group.findUnique({ where: { name: group } });
  if (!row) throw invalid(`group "${group}" does not exist`, { group: `group "${group}" does not exist` });
  return row.id;
}

export async function listVpnUsers(db: Db, query: VpnUserListQuery) {
  const where = {
    ...(query.q ? { username: containsText(db, query.q) } : {}),
    ...(query.group === "-" ? { groupId: null } : query.group ? { group: { name: query.group } } : {}),
    ...(query.enabled ? { enabled: query.enabled === "true" } : {}),
  };
  const include = { group: { select: { name: true } } } as const;
  const skip = (query.page - 1) * query.pageSize;
  const total = await db.vpnUser.count({ where });
  if (query.sort !== "group") {
    const rows = await db.vpnUser.findMany({
      where,
      include,
      orderBy: [{ [query.sort]: query.dir }, { username: "asc" }],
      skip,
      take: query.pageSize,
    });
    return { total, page: query.page, pageSize: query.pageSize, users: rows.map(toView) };
  }
  // Users without a group come last in either direction. Prisma cannot say "nulls last" when
  // ordering through a relation, so the page is cut from the grouped users, then the rest.
  const grouped = { AND: [where, { groupId: { not: null } }] };
  const groupedCount = await db.vpnUser.count({ where: grouped });
  const withGroup = await db.vpnUser.findMany({
    where: grouped,
    include,
    orderBy: [{ group: { name: query.dir } }, { username: "asc" }],
    skip,
    take: query.pageSize,
  });
  const withoutGroup =
    withGroup.length < query.pageSize
      ? await db.vpnUser.findMany({
          where: { AND: [where, { groupId: null }] },
          include,
          orderBy: { username: "asc" },
          skip: Math.max(0, skip - groupedCount),
          take: query.pageSize - withGroup.length,
        })
      : [];
  return { total, page: query.page, pageSize: query.pageSize, users: [...withGroup, ...withoutGroup].map(toView) };
}

export async function getVpnUser(db: Db, username: string): Promise<VpnUserView> {
  const row = await db.vpnUser.findUnique({ where: { username }, include: { group: { select: { name: true } } } });
  if (!row) throw notFound(`VPN user "${username}"`);
  return toView(row);
}

export async function createVpnUser(db: Db, actor: Actor, input: unknown): Promise<VpnUserView> {
  const data = vpnUserCreateSchema.parse(input);
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  const row = await uniqueOrConflict(
    () =>
      db.$transaction(async (tx) => {
        const groupId = await groupIdFor(tx, data.group);
        const created = await tx.vpnUser.create({
          data: { username: data.username, passwordHash, enabled: data.enabled, groupId: groupId ?? null },
          include: { group: { select: { name: true } } },
        });
        await recordAudit(tx, {
          actor,
          action: "vpn_user.created",
          targetType: "vpn_user",
          target: created.username,
          after: { ...snapshot(toView(created)), hasPassword: passwordHash !== null },
        });
        return created;
      }),
    `a VPN user named "${data.username}" already exists`,
  );
  return toView(row);
}

export async function updateVpnUser(db: Db, actor: Actor, username: string, input: unknown): Promise<VpnUserView> {
  const data = vpnUserUpdateSchema.parse(input);
  const passwordHash = data.password ? await hashPassword(data.password) : undefined;
  const row = await uniqueOrConflict(
    () =>
      db.$transaction(async (tx) => {
        const before = await tx.vpnUser.findUnique({
          where: { username },
          include: { group: { select: { name: true } } },
        });
        if (!before) throw notFound(`VPN user "${username}"`);
        const groupId = await groupIdFor(tx, data.group);
        const after = await tx.vpnUser.update({
          where: { id: before.id },
          data: {
            ...(data.username !== undefined ? { username: data.username } : {}),
            ...(data.enabled !== undefined ? { enabled: data.enabled } : {}),
            ...(groupId !== undefined ? { groupId } : {}),
            ...(passwordHash ? { passwordHash } : {}),
          },
          include: { group: { select: { name: true } } },
        });
        const beforeView = snapshot(toView(before));
        const afterView = snapshot(toView(after));
        if (JSON.stringify(beforeView) !== JSON.stringify(afterView)) {
          await recordAudit(tx, {
            actor,
            action: "vpn_user.updated",
            targetType: "vpn_user",
            target: after.username,
            before: beforeView,
            after: afterView,
          });
        }
        if (passwordHash) {
          await recordAudit(tx, {
            actor,
            action: "vpn_user.password_set",
            targetType: "vpn_user",
            target: after.username,
          });
        }
        return after;
      }),
    `a VPN user named "${data.username ?? username}" already exists`,
  );
  return toView(row);
}

export async function deleteVpnUser(db: Db, actor: Actor, username: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.vpnUser.findUnique({ where: { username }, include: { group: { select: { name: true } } } });
    if (!before) throw notFound(`VPN user "${username}"`);
    await tx.vpnUser.delete({ where: { id: before.id } });
    await recordAudit(tx, {
      actor,
      action: "vpn_user.deleted",
      targetType: "vpn_user",
      target: username,
      before: snapshot(toView(before)),
    });
  });
}
