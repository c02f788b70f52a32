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

/** A NUL, which PostgreSQL cannot store in text, or half of a UTF-16 surrogate pair, which no database can. */
const UNSTORABLE_CHARACTER = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether text can reach the database as it is: well-formed Unicode without NUL characters. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE_CHARACTER.test(text);
}

/** Control characters other than tab and line breaks: they rewrite terminals and log lines. */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Free text an admin types (a description, a reason): trimmed, bounded, without control characters. */
export const freeTextSchema = (what: string, max: number) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .max(max, `${what} must be at most ${max} characters`)
    .refine((text) => !CONTROL_CHARACTER.test(text), `${what} must not hold control characters`);

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
