// Structured logs: one JSON object per line (time, level, msg, request_id, then fields), so log
// collectors can parse them and one request's lines can be found by its id. Callers pass only
// what is safe to keep: never request bodies, passwords or tokens.
import { randomUUID } from "node:crypto";

export type LogLevel = "info" | "warn" | "error";

export type LogFields = Record<string, unknown> & { request_id?: string };

export interface Logger {
  info: (msg: string, fields?: LogFields) => void;
  warn: (msg: string, fields?: LogFields) => void;
  error: (msg: string, fields?: LogFields) => void;
}

/** An error as loggable fields: its message and stack, never the objects it carries. */
function plain(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === "bigint") return value.toString();
  return value;
}

export function formatLogLine(level: LogLevel, msg: string, fields: LogFields = {}, now = new Date()): string {
  const { request_id, ...rest } = fields;
  const record: Record<string, unknown> = { time: now.toISOString(), level, msg };
  if (request_id) record.request_id = request_id;
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) record[key] = plain(value);
  }
  return JSON.stringify(record, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

/** A logger writing lines to `write`; the console's own logs go to stdout and stderr. */
export function createLogger(write: (level: LogLevel, line: string) => void): Logger {
  const at = (level: LogLevel) => (msg: string, fields?: LogFields) => write(level, formatLogLine(level, msg, fields));
  return { info: at("info"), warn: at("warn"), error: at("error") };
}

/**
 * Info lines written within one turn of the event loop go to stdout in one write: the hook API
 * logs a line per request, and a reconnect storm answers dozens per turn, where a write each
 * (a system call each, on a pipe or a terminal) cost a quarter of the request's CPU time. What is
 * pending when the process exits is written then. Warnings and errors go out at once.
 */
function turnBufferedStdout(): (line: string) => void {
  let pending = "";
  const flush = () => {
    const text = pending;
    pending = "";
    if (text) process.stdout.write(text);
  };
  process.on("exit", flush);
  return (line) => {
    if (!pending) setImmediate(flush);
    pending += `${line}\n`;
  };
}

const writeInfo = turnBufferedStdout();

export const log: Logger = createLogger((level, line) => {
  if (level === "info") writeInfo(line);
  else process.stderr.write(`${line}\n`);
});

export const REQUEST_ID_HEADER = "x-request-id";
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The caller's X-Request-Id when it is a plausible id (so it cannot forge log lines), else a new one. */
export function requestIdFrom(header: string | string[] | null | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}
