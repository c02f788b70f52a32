// Splits an API error into per-field messages (shown under inputs) and one form-level message
// (shown in an alert) for whatever no visible field can show.
import { ApiError, errorMessage, type FieldErrors } from "./api";

export interface FormErrors {
  fields: FieldErrors;
  message: string | null;
}

export function formErrors(error: unknown, visibleFields: readonly string[]): FormErrors {
  if (!error) return { fields: {}, message: null };
  if (!(error instanceof ApiError)) return { fields: {}, message: errorMessage(error) };
  const fields: FieldErrors = {};
  let unshown = false;
  for (const [key, message] of Object.entries(error.fields)) {
    if (visibleFields.includes(key)) fields[key] = message;
    else unshown = true;
  }
  const shownAll = Object.keys(fields).length > 0 && !unshown;
  return { fields, message: shownAll ? null : error.message };
}
