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

const wholeNumber = (what: string, min: number, max: number) => {
  const message = `${what} must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
};

export const pageSchema = wholeNumber("page", 1, 1_000_000).default(1);
export const pageSizeSchema = wholeNumber("pageSize", 1, 500).default(50);

/** A time filter in a query string: an ISO 8601 date or date-time. */
export const dateParamSchema = (what: string) =>
  z.coerce.date({ error: `${what} must be a date such as 2026-11-23 or 2026-11-23T12:00:00Z` });
