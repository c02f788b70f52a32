// Console administrators: creation, passwords, roles, sign-in under the guessing limits, first-start bootstrap.
import { z } from "zod";
import type { Actor, Role } from "./actor";
import { recordAudit } from "./audit";
import { hashPassword, newPassword, verifyPassword } from "./crypto";
import type { Db, Tx } from "./db";
import { AppError, conflict, notFound, uniqueOrConflict } from "./errors";
import { attemptPassword } from "./lockout";
import { nameSchema, passwordSchema, roleSchema } from "./validation/common";

export const adminCreateSchema = z.object({
  username: nameSchema("username"),
  password: passwordSchema,
  role: roleSchema.default("admin"),
});

export const adminUpdateSchema = z.object({
  role: roleSchema.optional(),
  password: passwordSchema.optional(),
});

export interface AdminView {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
}

type AdminRow = { id: string; username: string; role: string; createdAt: Date; lastLoginAt: Date | null };

const toView = (row: AdminRow): AdminView => ({
  id: row.id,
  username: row.username,
  role: row.role === "viewer" ? "viewer" : "admin",
  createdAt: row.createdAt.toISOString(),
  lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
});

/**
 * Counts admins after locking their rows (a no-op update), so two concurrent demotions or
 * deletions cannot both see "another admin is left" and leave none.
 */
async function countAdminsLocked(tx: Tx): Promise<number> {
  const locked = await tx.admin.updateMany({ where: { role: "admin" }, data: { role: "admin" } });
  return locked.count;
}

export async function listAdmins(db: Db): Promise<AdminView[]> {
  const rows = await db.admin.findMany({ orderBy: { username: "asc" } });
  return rows.map(toView);
}

export async function createAdmin(db: Db, actor: Actor, input: unknown): Promise<AdminView> {
  const data = adminCreateSchema.parse(input);
  const passwordHash = await hashPassword(data.password);
  const row = await uniqueOrConflict(
    () =>
      db.$transaction(async (tx) => {
        const created = await tx.admin.create({
          data: { username: data.username, passwordHash, role: data.role },
        });
        await recordAudit(tx, {
          actor,
          action: "admin.created",
          targetType: "admin",
          target: created.username,
          after: { username: created.username, role: created.role },
        });
        return created;
      }),
    `an admin named "${data.username}" already exists`,
  );
  return toView(row);
}

export async function updateAdmin(db: Db, actor: Actor, username: string, input: unknown): Promise<AdminView> {
  const data = adminUpdateSchema.parse(input);
  const passwordHash = data.password ? await hashPassword(data.password) : undefined;
  const row = await db.$transaction(async (tx) => {
    const before = await tx.admin.findUnique({ where: { username } });
    if (!before) throw notFound(`admin "${username}"`);
    if (data.role === "viewer" && before.role === "admin" && (await countAdminsLocked(tx)) <= 1) {
      throw conflict("the last admin cannot become a viewer");
    }
    const after = await tx.admin.update({
      where: { id: before.id },
      data: { ...(data.role ? { role: data.role } : {}), ...(passwordHash ? { passwordHash } : {}) },
    });
    if (data.role && data.role !== before.role) {
      await recordAudit(tx, {
        actor,
        action: "admin.role_changed",
        targetType: "admin",
        target: username,
        before: { role: before.role },
        after: { role: after.role },
      });
    }
    if (passwordHash) {
      await recordAudit(tx, { actor, action: "admin.password_reset", targetType: "admin", target: username });
    }
    return after;
  });
  return toView(row);
}

/** Sets a new password; generates one when none is given and returns it (shown once). */
export async function resetAdminPassword(
  db: Db,
  actor: Actor,
  username: string,
  password?: string,
): Promise<{ password: string; generated: boolean }> {
  const chosen = password ?? newPassword();
  await updateAdmin(db, actor, username, { password: chosen });
  return { password: chosen, generated: password === undefined };
}

export async function deleteAdmin(db: Db, actor: Actor, username: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.admin.findUnique({ where: { username } });
    if (!before) throw notFound(`admin "${username}"`);
    if (actor.type === "admin" && actor.id === before.id) throw conflict("you cannot delete your own account");
    if (before.role === "admin" && (await countAdminsLocked(tx)) <= 1) {
      throw conflict("the last admin cannot be deleted");
    }
    await tx.admin.delete({ where: { id: before.id } });
    await recordAudit(tx, {
      actor,
      action: "admin.deleted",
      targetType: "admin",
      target: username,
      before: { username, role: before.role },
    });
  });
}

/**
 * A console sign-in under the guessing limits of lib/lockout.ts, counted per username and per
 * client IP apart from the VPN's: the account, "refused" (backoff or lockout: the password was
 * not checked), or null for a wrong username or password. An unknown username is counted and
 * answered like a known one.
 */
export async function signInAdmin(
  db: Db,
  attempt: { username: string; password: string; clientIp: string },
  now = new Date(),
): Promise<AdminView | "refused" | null> {
  const checked: { admin?: AdminView | null } = {};
  const outcome = await attemptPassword(
    db,
    { realm: "console", username: attempt.username, clientIp: attempt.clientIp },
    async () => (checked.admin = await verifyAdminCredentials(db, attempt.username, attempt.password)) !== null,
    { now },
  );
  if (outcome === "refused") return "refused";
  return outcome === "accepted" ? (checked.admin ?? null) : null;
}

/** The password check alone, which records the sign-in; sign-ins go through signInAdmin. */
export async function verifyAdminCredentials(db: Db, username: string, password: string): Promise<AdminView | null> {
  const row = await db.admin.findUnique({ where: { username } });
  const ok = await verifyPassword(password, row?.passwordHash);
  if (!row || !ok) return null;
  const updated = await db.admin.update({ where: { id: row.id }, data: { lastLoginAt: new Date() } });
  return toView(updated);
}

export async function findAdminById(db: Db, id: string): Promise<AdminView | null> {
  const row = await db.admin.findUnique({ where: { id } });
  return row ? toView(row) : null;
}

/**
 * First start: when there is no admin at all, create `admin` with ADMIN_PASSWORD, or with a
 * generated password that is returned so the caller can print it once.
 */
export async function ensureInitialAdmin(
  db: Db,
  actor: Actor,
  envPassword: string | undefined,
): Promise<{ created: false } | { created: true; password: string; generated: boolean }> {
  if ((await db.admin.count()) > 0) return { created: false };
  const generated = !envPassword;
  const password = envPassword || newPassword();
  if (!generated && password.length < 8) {
    throw new AppError("invalid", "ADMIN_PASSWORD must be at least 8 characters");
  }
  try {
    await createAdmin(db, actor, { username: "admin", password, role: "admin" });
  } catch (error) {
    // Another instance created it first.
    if (error instanceof AppError && error.code === "conflict") return { created: false };
    throw error;
  }
  return { created: true, password, generated };
}
