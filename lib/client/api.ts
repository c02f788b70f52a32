// The one fetch helper for the admin API: JSON in, JSON out, errors as ApiError.

export type FieldErrors = Record<string, string>;

/** An error answer from the API: `{ error, fields? }` with its HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly fields: FieldErrors;

  constructor(status: number, message: string, fields: FieldErrors = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fields = fields;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldsOf(value: unknown): FieldErrors {
  if (!isRecord(value)) return {};
  const fields: FieldErrors = {};
  for (const [key, message] of Object.entries(value)) {
    if (typeof message === "string") fields[key] = message;
  }
  return fields;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface ApiInit extends Omit<RequestInit, "body"> {
  /** Sent as JSON. */
  json?: unknown;
}

/** Calls the admin API with the session cookie; resolves to the parsed body (undefined for 204). */
export async function apiFetch<T>(path: string, init: ApiInit = {}): Promise<T> {
  const { json, headers, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        ...(json !== undefined ? { "Content-Type": "application/json" } : {}),
        ...headers,
      },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
  } catch {
    throw new ApiError(0, "The console could not be reached. Check your connection and try again.");
  }
  const body = await readBody(response);
  if (!response.ok) {
    const message =
      isRecord(body) && typeof body.error === "string" ? body.error : `request failed (${response.status})`;
    throw new ApiError(response.status, message, isRecord(body) ? fieldsOf(body.fields) : {});
  }
  return body as T;
}

/** Path segment for a name chosen by a user (names may contain "@" and "."). */
export const seg = (value: string) => encodeURIComponent(value);

/** A human message for anything a query or mutation threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
