// Reads the settings admins bring from the product they migrate from: OpenVPN Access Server
// sacli commands and config keys, Blue Cedar gateway CLI lines, or the console's own export.
// Nothing is applied here; the result is shown for review, with every line that was not
// understood listed rather than dropped.
import { nameSchema } from "../validation/common";
import {
  MAX_DURATION_SECONDS,
  policyValueSchemas,
  type PolicyKey,
  type PolicyOverrides,
  type PolicyValues,
} from "./fields";
import { POLICY_EXPORT_FORMAT, policyExportSchema, type PolicyScopeRef } from "./export";

export type ImportedScope = PolicyScopeRef & { values: PolicyOverrides; lines: number[] };

export interface ImportUnknown {
  line: number;
  text: string;
  reason: string;
}

export interface ImportError {
  line: number;
  text: string;
  message: string;
}

export type ImportSource = "session-console" | "openvpn-as" | "blue-cedar";

export interface ImportResult {
  /** Which products the recognised lines came from, in order of first appearance. */
  detected: ImportSource[];
  scopes: ImportedScope[];
  unknown: ImportUnknown[];
  errors: ImportError[];
}

type PolicyEntry = { [K in PolicyKey]: { key: K; value: PolicyValues[K] } }[PolicyKey];

type Converted = { ok: true; value: number | boolean } | { ok: false; message: string };

/** Where an Access Server `--user NAME` setting goes: a group or a user, decided after all lines. */
type Target = PolicyScopeRef | { scope: "as-principal"; name: string };

interface Assignment {
  target: Target;
  entry: PolicyEntry;
  line: number;
}

interface State {
  assignments: Assignment[];
  /** Access Server names seen with group_declare (groups) or conn_group (users). */
  asGroups: Set<string>;
  asUsers: Set<string>;
  detected: ImportSource[];
  unknown: ImportUnknown[];
  errors: ImportError[];
}

interface Line {
  number: number;
  text: string;
}

/** Longer lines are not settings; refusing them keeps the parser fast on pasted garbage. */
const MAX_LINE_LENGTH = 2000;

// Maps, not object literals, throughout: a pasted key such as "constructor" must not find a prototype member.
const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ["true", true],
  ["false", false],
  ["yes", true],
  ["no", false],
  ["on", true],
  ["off", false],
  ["1", true],
  ["0", false],
]);

const readBoolean = (raw: string): Converted => {
  const value = BOOLEAN_WORDS.get(raw.toLowerCase());
  return value === undefined ? { ok: false, message: `"${raw}" is not true or false` } : { ok: true, value };
};

/** `<SECONDS>` in the Access Server guide, `minutes` in the Blue Cedar templates. */
const placeholder = (raw: string) => /^<.*>$/.test(raw) || ["seconds", "minutes", "bytes", "value"].includes(raw.toLowerCase());

function readWhole(raw: string, unit: string, scale: number): Converted {
  if (!/^\d+$/.test(raw)) {
    if (raw.startsWith("-")) return { ok: false, message: `${raw} is negative` };
    const why = placeholder(raw) ? "is a placeholder, not a value" : `is not a whole number of ${unit}`;
    return { ok: false, message: `"${raw}" ${why}` };
  }
  const value = Number(raw) * scale;
  if (!Number.isSafeInteger(value)) return { ok: false, message: `${raw} ${unit} is too large` };
  return { ok: true, value };
}

const readSeconds = (raw: string) => readWhole(raw, "seconds", 1);
const readMinutes = (raw: string) => readWhole(raw, "minutes", 60);
const readBytes = (raw: string) => readWhole(raw, "bytes", 1);

/** What to say when a value is beyond the field's limit because someone meant "never". */
const TOO_LONG_HINT: Partial<Record<PolicyKey, string>> = {
  sessionLifetime: "; a value this large effectively disables the limit: use 0 for no lifetime, or auto-login",
  idleTokenExpiry: "; a value this large effectively disables idle expiry: use auto-login for sessions that must not expire",
};

function checkEntry(key: PolicyKey, converted: Converted): { ok: true; entry: PolicyEntry } | { ok: false; message: string } {
  if (!converted.ok) return { ok: false, message: `${key}: ${converted.message}` };
  const result = policyValueSchemas[key].safeParse(converted.value);
  if (!result.success) {
    const tooLong = typeof converted.value === "number" && converted.value > MAX_DURATION_SECONDS;
    const hint = tooLong ? (TOO_LONG_HINT[key] ?? "") : "";
    return { ok: false, message: `${key} ${result.error.issues[0]?.message ?? "is invalid"}${hint}` };
  }
  // policyValueSchemas[key] accepted the value, so it is a value of exactly this key.
  return { ok: true, entry: { key, value: result.data } as PolicyEntry };
}

function noteSource(state: State, source: ImportSource) {
  if (!state.detected.includes(source)) state.detected.push(source);
}

function assign(state: State, line: Line, target: Target, key: PolicyKey, converted: Converted) {
  const checked = checkEntry(key, converted);
  if (checked.ok) state.assignments.push({ target, entry: checked.entry, line: line.number });
  else state.errors.push({ line: line.number, text: line.text, message: checked.message });
}

function unknownLine(state: State, line: Line, reason: string): void {
  state.unknown.push({ line: line.number, text: line.text, reason });
}

function errorLine(state: State, line: Line, message: string): void {
  state.errors.push({ line: line.number, text: line.text, message });
}

/**
 * Splits a shell-like line into words, honouring '…' and "…" and dropping a # comment;
 * null on an unterminated quote.
 */
function tokenize(text: string): string[] | null {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = null;
      else word += char;
    } else if (char === "#" && !inWord) {
      break;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(word);
  return words;
}

// ---- OpenVPN Access Server ----

interface Setting {
  key: PolicyKey;
  read: (raw: string) => Converted;
}

/** Server-wide configuration keys (ConfigPut); they belong to DEFAULT. */
const AS_CONFIG_KEYS: ReadonlyMap<string, Setting> = new Map([
  ["vpn.server.session_expire", { key: "sessionLifetime", read: readSeconds }],
  ["vpn.server.inactive_expire", { key: "idleTokenExpiry", read: readSeconds }],
  ["vpn.server.session_ip_lock", { key: "ipLock", read: readBoolean }],
]);

/** User and group properties (UserPropPut). */
const AS_USER_PROPS: ReadonlyMap<string, Setting> = new Map([
  ["prop_isec", { key: "inactivityWindow", read: readSeconds }],
  ["prop_ibytes", { key: "inactivityBytes", read: readBytes }],
  ["prop_autologin", { key: "autoLogin", read: readBoolean }],
]);

/** Access Server's DEFAULT meta-user, under both of the names sacli accepts. */
const AS_DEFAULT_NAMES = new Set(["DEFAULT", "__DEFAULT__"]);

/** sacli commands that change nothing and need no mention. */
const AS_QUIET_COMMANDS = new Set(["start", "stop", "status", "configquery", "userpropget", "version"]);

function parseSacli(state: State, line: Line, words: readonly string[]) {
  noteSource(state, "openvpn-as");
  const options = new Map<string, string>();
  const commands: string[] = [];
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i] ?? "";
    if (!word.startsWith("--")) {
      commands.push(word);
      continue;
    }
    const equals = word.indexOf("=");
    if (equals > 0) {
      options.set(word.slice(2, equals), word.slice(equals + 1));
      continue;
    }
    const value = words[i + 1];
    if (value === undefined) return errorLine(state, line, `${word} has no value`);
    options.set(word.slice(2), value);
    i += 1;
  }
  const [command, ...extra] = commands;
  if (command === undefined) return errorLine(state, line, "sacli line without a command such as ConfigPut or UserPropPut");
  if (extra.length > 0) return errorLine(state, line, `unexpected "${extra.join(" ")}" after ${command}`);

  const commandName = command.toLowerCase();
  if (AS_QUIET_COMMANDS.has(commandName)) return;
  if (commandName !== "configput" && commandName !== "userpropput") {
    return unknownLine(state, line, `sacli ${command} is not imported; only ConfigPut and UserPropPut are`);
  }
  const key = options.get("key");
  const value = options.get("value");
  if (key === undefined) return errorLine(state, line, `${command} without --key`);
  if (value === undefined) return errorLine(state, line, `${command} without --value`);

  if (commandName === "configput") {
    const setting = AS_CONFIG_KEYS.get(key);
    if (!setting) return unknownLine(state, line, `Access Server setting "${key}" has no console equivalent`);
    return assign(state, line, { scope: "default" }, setting.key, setting.read(value));
  }

  const user = options.get("user");
  if (user === undefined) return errorLine(state, line, "UserPropPut without --user (a user, a group or DEFAULT)");
  const target = asTarget(state, line, user);
  if (!target) return;
  if (key === "group_declare") {
    if (target.scope === "as-principal" && readBoolean(value).ok) state.asGroups.add(target.name);
    return;
  }
  if (key === "conn_group") {
    if (target.scope === "as-principal") state.asUsers.add(target.name);
    return unknownLine(state, line, `group membership is not imported: put ${user} in group ${value} under Users`);
  }
  const property = AS_USER_PROPS.get(key);
  if (!property) return unknownLine(state, line, `Access Server property "${key}" has no console equivalent`);
  assign(state, line, target, property.key, property.read(value));
}

function asTarget(state: State, line: Line, user: string): Target | null {
  if (AS_DEFAULT_NAMES.has(user)) return { scope: "default" };
  if (/^<.*>$/.test(user)) {
    errorLine(state, line, `"${user}" is a placeholder: put the user or group name there`);
    return null;
  }
  const name = nameSchema("user or group name").safeParse(user);
  if (!name.success) {
    errorLine(state, line, name.error.issues[0]?.message ?? "invalid user or group name");
    return null;
  }
  return { scope: "as-principal", name: name.data };
}

/** `vpn.server.session_expire=86400`, `… 86400`, or `"…": "86400",` as ConfigQuery prints it. */
function parseKeyValue(state: State, line: Line): boolean {
  const match = /^"?([A-Za-z_][\w.-]*)"?\s*(?:[=:]|\s)\s*(.*)$/.exec(line.text.replace(/\s+#.*$/, ""));
  if (!match) return false;
  const [, key = "", rest = ""] = match;
  const value = rest.replace(/,$/, "").trim().replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
  const setting = AS_CONFIG_KEYS.get(key);
  if (setting) {
    noteSource(state, "openvpn-as");
    if (value === "") errorLine(state, line, `${key} has no value`);
    else assign(state, line, { scope: "default" }, setting.key, setting.read(value));
    return true;
  }
  if (AS_USER_PROPS.has(key)) {
    noteSource(state, "openvpn-as");
    const form = `sacli --user NAME --key ${key} --value V UserPropPut`;
    unknownLine(state, line, `${key} is a user or group property: give it as ${form}`);
    return true;
  }
  // Dotted keys are Access Server's configuration namespace (vpn.server.*, vpn.client.*, …).
  if (key.includes(".")) {
    unknownLine(state, line, `setting "${key}" has no console equivalent`);
    return true;
  }
  return false;
}

// ---- Blue Cedar gateway ----

const BC_AUTH_GROUP_PARAMETERS: ReadonlyMap<string, Setting & { presentMeans?: string }> = new Map([
  // Minutes on the gateway, seconds here.
  ["max-session-duration", { key: "sessionLifetime", read: readMinutes }],
  ["dormant-session-timeout", { key: "idleTokenExpiry", read: readMinutes }],
  // A bare flag ("… network-inactivity-timeout-enable") turns it on.
  ["network-inactivity-timeout-enable", { key: "networkInactivityDormant", read: readBoolean, presentMeans: "true" }],
  ["reconnect-enable", { key: "reconnectTokens", read: readBoolean, presentMeans: "true" }],
]);

function parseBlueCedar(state: State, line: Line, words: readonly string[]) {
  const [verb, area, kind] = words;
  if (verb === "set" && area === "aaa" && kind === "auth-group") return parseAuthGroup(state, line, words.slice(3));
  if (verb === "set" && area === "security" && kind === "ike") return parseIke(state, line, words.slice(3));
  if (verb === "delete" && area === "aaa" && kind === "auth-group") {
    noteSource(state, "blue-cedar");
    return unknownLine(state, line, "delete lines are not imported; clear the field in the console to inherit instead");
  }
  unknownLine(state, line, "not a recognised Access Server or Blue Cedar setting");
}

function parseAuthGroup(state: State, line: Line, words: readonly string[]) {
  noteSource(state, "blue-cedar");
  const [group, parameter, value, ...extra] = words;
  if (group === undefined || parameter === undefined) {
    return errorLine(state, line, "incomplete: expected set aaa auth-group NAME PARAMETER VALUE");
  }
  const name = nameSchema("auth-group name").safeParse(group);
  if (!name.success) return errorLine(state, line, name.error.issues[0]?.message ?? "invalid auth-group name");
  const setting = BC_AUTH_GROUP_PARAMETERS.get(parameter);
  if (!setting) return unknownLine(state, line, `Blue Cedar auth-group parameter "${parameter}" has no console equivalent`);
  if (extra.length > 0) return errorLine(state, line, `unexpected "${extra.join(" ")}" after the value`);
  const raw = value ?? setting.presentMeans;
  if (raw === undefined) return errorLine(state, line, `${parameter} needs a value`);
  assign(state, line, { scope: "group", name: name.data }, setting.key, setting.read(raw));
}

/** Gateway-wide IKE settings belong to DEFAULT. */
function parseIke(state: State, line: Line, words: readonly string[]) {
  noteSource(state, "blue-cedar");
  const [parameter, first, second, ...extra] = words;
  // `dpd M` is in minutes: how long a peer may stay silent before the gateway cleans it up.
  if (parameter === "dpd") {
    if (first === undefined) return errorLine(state, line, "dpd needs a value in minutes");
    if (second !== undefined) return errorLine(state, line, `unexpected "${[second, ...extra].join(" ")}" after the value`);
    return assign(state, line, { scope: "default" }, "keepaliveTimeout", readMinutes(first));
  }
  // `client-dpd dpd-seconds S` is in seconds: how often the client checks the gateway.
  if (parameter === "client-dpd" && first === "dpd-seconds") {
    if (second === undefined) return errorLine(state, line, "client-dpd dpd-seconds needs a value in seconds");
    if (extra.length > 0) return errorLine(state, line, `unexpected "${extra.join(" ")}" after the value`);
    return assign(state, line, { scope: "default" }, "keepaliveInterval", readSeconds(second));
  }
  unknownLine(state, line, `Blue Cedar IKE setting "${words.join(" ")}" has no console equivalent`);
}

// ---- lines ----

/** Shell and gateway prompts that come along when commands are copied from a terminal or a guide. */
function stripPrompt(text: string): string {
  return text.replace(/^(?:[%$>]\s*)/, "").replace(/^sudo\s+/, "");
}

function parseLine(state: State, line: Line) {
  const text = stripPrompt(line.text);
  if (text === "" || text.startsWith("#") || text.startsWith("//") || text === "{" || text === "}") return;
  if (line.text.length > MAX_LINE_LENGTH) {
    return unknownLine(state, { ...line, text: `${line.text.slice(0, 80)}…` }, "line too long to be a setting");
  }
  const words = tokenize(text);
  if (words === null) return errorLine(state, line, "unterminated quote");
  const [first] = words;
  if (first === undefined) return;
  if (first === "sacli" || first.endsWith("/sacli")) return parseSacli(state, line, words);
  if (first === "commit") return;
  if (first === "set" || first === "delete") return parseBlueCedar(state, line, words);
  if (parseKeyValue(state, line)) return;
  unknownLine(state, line, "not a recognised Access Server or Blue Cedar setting");
}

function resolveTarget(state: State, target: Target): PolicyScopeRef {
  if (target.scope !== "as-principal") return target;
  // `--user NAME` cannot say whether NAME is a group; group_declare or conn_group can. Without
  // either, a group is assumed; the admin reviews the result before anything is applied.
  const isUser = state.asUsers.has(target.name) && !state.asGroups.has(target.name);
  return { scope: isUser ? "user" : "group", name: target.name };
}

const refKey = (ref: PolicyScopeRef) => (ref.scope === "default" ? "default" : `${ref.scope}:${ref.name}`);

function collectScopes(state: State): ImportedScope[] {
  const scopes = new Map<string, ImportedScope>();
  for (const { target, entry, line } of state.assignments) {
    const ref = resolveTarget(state, target);
    const key = refKey(ref);
    const scope = scopes.get(key) ?? { ...ref, values: {}, lines: [] };
    scopes.set(key, scope);
    // Later lines win, as they would when the commands are run in order.
    Object.assign(scope.values, { [entry.key]: entry.value });
    if (!scope.lines.includes(line)) scope.lines.push(line);
  }
  return [...scopes.values()];
}

function parseExportJson(text: string, document: unknown): ImportResult {
  const result: ImportResult = { detected: ["session-console"], scopes: [], unknown: [], errors: [] };
  const parsed = policyExportSchema.safeParse(document);
  if (!parsed.success) {
    // The file is validated as a whole, so an issue is located by its JSON path, not a line.
    const firstLine = text.trimStart().split(/\r\n|\r|\n/, 1)[0] ?? "";
    result.errors = parsed.error.issues.map((issue) => ({
      line: 1,
      text: firstLine,
      message: issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message,
    }));
    return result;
  }
  result.scopes = parsed.data.scopes.map((scope) => ({ ...scope, lines: [] }));
  return result;
}

/**
 * The console's own export: a JSON object with a format or scopes key. Other JSON (Access
 * Server's ConfigQuery output) is read line by line as key/value pairs.
 */
function exportDocument(text: string): { json: unknown } | { error: string } | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return null;
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (error) {
    if (!trimmed.includes(POLICY_EXPORT_FORMAT)) return null;
    return { error: error instanceof Error ? error.message : "invalid JSON" };
  }
  const isExport = typeof json === "object" && json !== null && ("format" in json || "scopes" in json);
  return isExport ? { json } : null;
}

export function parseImport(text: string): ImportResult {
  const exported = exportDocument(text);
  if (exported && "json" in exported) return parseExportJson(text, exported.json);
  if (exported) {
    return {
      detected: ["session-console"],
      scopes: [],
      unknown: [],
      errors: [{ line: 1, text: text.trim().slice(0, 80), message: `not valid JSON: ${exported.error}` }],
    };
  }

  const state: State = {
    assignments: [],
    asGroups: new Set(),
    asUsers: new Set(),
    detected: [],
    unknown: [],
    errors: [],
  };
  text.split(/\r\n|\r|\n/).forEach((raw, index) => parseLine(state, { number: index + 1, text: raw.trim() }));
  return { detected: state.detected, scopes: collectScopes(state), unknown: state.unknown, errors: state.errors };
}
