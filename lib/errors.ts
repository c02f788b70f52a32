// The one error type of the domain layer. Route handlers and the CLI map it to answers.
import { ZodError } from "zod";

export type AppErrorCode =
  | "bad_request"
  | "invalid"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unavailable";

/** The HTTP status of each error code, for the admin API and the hook API alike. */
export const HTTP_STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  invalid: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
};

export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fields?: FieldErrors;

  constructor(code: AppErrorCode, message: string, fields?: FieldErrors) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fields = fields;
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);
export const conflict = (message: string) => new AppError("conflict", message);
export const invalid = (message: string, fields?: FieldErrors) => new AppError("invalid", message, fields);

/** Prisma's "unique constraint failed" and "record not found" errors, by their codes. */
export function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === "string" && /^P\d{4}$/.test(code)) return code;
  }
  return undefined;
}

/** Prisma's codes for a database it cannot reach, or that dropped the connection or timed out. */
const UNREACHABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017"]);
/**
 * The PostgreSQL driver's own connection failures, which Prisma passes on with its clientVersion;
 * raw queries ($queryRaw, $executeRaw) report an unreachable server as P2010 "Can't reach
 * database server".
 */
const DRIVER_CONNECTION_FAILURE =
  /Connection terminated|ECONNREFUSED|ECONNRESET|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server/;
/** Prisma's P2028 when no connection was free in time: an overloaded database, not a bug. */
const NO_CONNECTION_IN_TIME = /Unable to start a transaction in the given time/;

/**
 * A failure of the direct statements (lib/db.ts) that Prisma would report as an unreachable or
 * timed-out database: the connection failed, or SQLite stayed busy past its busy timeout.
 */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "DatabaseUnavailableError";
  }
}

/** Whether a PostgreSQL driver error means the connection failed rather than the statement. */
export const isDriverConnectionFailure = (error: unknown): boolean =>
  error instanceof Error && DRIVER_CONNECTION_FAILURE.test(error.message);

/** Whether the database could not be reached: the request may succeed later, nothing was decided. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = prismaErrorCode(error);
  if (code && UNREACHABLE_CODES.has(code)) return true;
  if (code === "P2028" && error instanceof Error && NO_CONNECTION_IN_TIME.test(error.message)) return true;
  if (!(error instanceof Error)) return false;
  if (error.name === "PrismaClientInitializationError") return true;
  return "clientVersion" in error && isDriverConnectionFailure(error);
}

/** Turns a unique-constraint violation into a 409 that names what was duplicated. */
export async function uniqueOrConflict<T>(work: () => Promise<T>, message: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (prismaErrorCode(error) === "P2002") throw conflict(message);
    throw error;
  }
}

/** Field paths of a zod error, "a.b" -> first message. */
export function zodFields(error: ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join(".") : "body";
    fields[key] ??= issue.message;
  }
  return fields;
}

/**
 * What went wrong, for the caller: domain and validation errors say what to fix; anything else
 * is unexpected (null) and its detail belongs only in the server log.
 */
export function describeError(error: unknown): { code: AppErrorCode; message: string; fields?: FieldErrors } | null {
  if (error instanceof ZodError) {
    const fields = zodFields(error);
    const message = Object.entries(fields)
      .map(([field, text]) => (field === "body" ? text : `${field}: ${text}`))
      .join("; ");
    return { code: "invalid", message, fields };
  }
  if (error instanceof AppError) {
    return { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) };
  }
  const prismaCode = prismaErrorCode(error);
  if (prismaCode === "P2002") return { code: "conflict", message: "already exists" };
  if (prismaCode === "P2025") return { code: "not_found", message: "not found" };
  if (isDatabaseUnavailable(error)) {
    return { code: "unavailable", message: "the console's database is unavailable; try again shortly" };
  }
  return null;
}
