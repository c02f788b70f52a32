// Groups of VPN users. A group carries a policy scope; deleting it leaves its users groupless.
import { z } from "zod";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import type { Db } from "./db";
import { notFound, uniqueOrConflict } from "./errors";
import { freeTextSchema, nameSchema } from "./validation/common";

export const groupCreateSchema = z.object({
  name: nameSchema("group name"),
  description: freeTextSchema("description", 500).default(""),
});

export const groupUpdateSchema = z
  .object({
    name: nameSchema("group name").optional(),
    description: freeTextSchema("description", 500).optional(),
  })
  .refine((value) => value.name !== undefined || value.description !== undefined, {
    message: "nothing to change: give name or description",
  });

export interface GroupView {
  id: string;
  name: string;
  description: string;
  userCount: number;
  createdAt: string;
}

type GroupRow = { id: string; name: string; description: string; createdAt: Date; _count?: { users: number } };

const toView = (row: GroupRow): GroupView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  userCount: row._count?.users ?? 0,
  createdAt: row.createdAt.toISOString(),
});

const snapshot = (row: { name: string; description: string }) => ({ name: row.name, description: row.description });

export async function listGroups(db: Db): Promise<GroupView[]> {
  const rows = await db.group.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { users: true } } } });
  return rows.map(toView);
}

export async function getGroup(db: Db, name: string): Promise<GroupView> {
  const row = await db.group.findUnique({ where: { name }, include: { _count: { select: { users: true } } } });
  if (!row) throw notFound(`group "${name}"`);
  return toView(row);
}

export async function createGroup(db: Db, actor: Actor, input: unknown): Promise<GroupView> {
  const data = groupCreateSchema.parse(input);
  const row = await uniqueOrConflict(
    () =>
      db.$transaction(async (tx) => {
        const created = await tx.group.create({ data });
        await recordAudit(tx, {
          actor,
          action: "group.created",
          targetType: "group",
          target: created.name,
          after: snapshot(created),
        });
        return created;
      }),
    `a group named "${data.name}" already exists`,
  );
  return toView(row);
}

export async function updateGroup(db: Db, actor: Actor, name: string, input: unknown): Promise<GroupView> {
  const data = groupUpdateSchema.parse(input);
  const row = await uniqueOrConflict(
    () =>
      db.$transaction(async (tx) => {
        const before = await tx.group.findUnique({ where: { name } });
        if (!before) throw notFound(`group "${name}"`);
        const after = await tx.group.update({
          where: { id: before.id },
          data,
          include: { _count: { select: { users: true } } },
        });
        // Saving what is already there is not a change, so it leaves no audit event.
        if (JSON.stringify(snapshot(before)) !== JSON.stringify(snapshot(after))) {
          await recordAudit(tx, {
            actor,
            action: "group.updated",
            targetType: "group",
            target: after.name,
            before: snapshot(before),
            after: snapshot(after),
          });
        }
        return after;
      }),
    `a group named "${data.name ?? name}" already exists`,
  );
  return toView(row);
}

export async function deleteGroup(db: Db, actor: Actor, name: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.group.findUnique({ where: { name }, include: { _count: { select: { users: true } } } });
    if (!before) throw notFound(`group "${name}"`);
    await tx.group.delete({ where: { id: before.id } });
    await recordAudit(tx, {
      actor,
      action: "group.deleted",
      targetType: "group",
      target: name,
      before: { ...snapshot(before), userCount: before._count.users },
    });
  });
}
