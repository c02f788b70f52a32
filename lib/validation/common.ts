// Shared zod building blocks. One naming scheme for every entity.
import { z } from "zod";

/** Names of VPN users, groups, servers, admins and tokens: what VPN daemons and shells accept. */
export const nameSchema = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(64, `${what} must be at most 64 characters`)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
      `${what} may contain letters, digits and . _ @ - and must start with a letter or digit`,
    );

export const passwordSchema = z
  .string({ error: "password is required" })
  .min(8, "password must be at least 8 characters")
  .max(256, "password must be at most 256 characters");

export const roleSchema = z.enum(["admin", "viewer"], { error: 'role must be "admin" or "viewer"' });

export const pageSchema = z.coerce.number().int().min(1).max(1_000_000).default(1);
export const pageSizeSchema = z.coerce.number().int().min(1).max(500).default(50);
