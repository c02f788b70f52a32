// `npm run cli -- <command>`: console administration from a shell on the console host.
// A thin layer over lib/: every change goes through the same functions (and audit) as the UI.
import "../lib/database-url-guard";
import { parseArgs } from "node:util";
import { cliActor, type Role } from "../lib/actor";
import { createAdmin, listAdmins, resetAdminPassword } from "../lib/admins";
import { createApiToken, listApiTokens, revokeApiToken } from "../lib/api-tokens";
import { databaseUrl } from "../lib/config";
import { describeDatabaseFailure } from "../lib/database-url";
import { newPassword } from "../lib/crypto";
import { db } from "../lib/db";
import { AppError, describeError } from "../lib/errors";
import { createGroup, listGroups } from "../lib/groups";
import { migrate } from "../lib/migrate";
import { listServers, registerServer, rotateServerToken } from "../lib/servers";
import {
  disconnectSessions,
  invalidateSessions,
  previewDisconnect,
  previewInvalidate,
  sessionActionSchema,
  type SessionActionResult,
  type SessionTarget,
} from "../lib/sessions/control";
import { listSessions, sessionListSchema } from "../lib/sessions/queries";
import { createVpnUser, listVpnUsers, vpnUserListSchema } from "../lib/vpn-users";

const USAGE = `Usage: npm run cli -- <command> [options]

Console accounts
  admin create <username> [--role admin|viewer] [--password-stdin]
                                  create an account; without --password-stdin a password is
                                  generated and printed once
  admin reset-password <username> [--password-stdin]
  admin list

Admin API tokens (shown once)
  token create --name <name> [--role admin|viewer]
  token list
  token revoke <name>

VPN servers (token shown once)
  server register --name <name> --kind openvpn|ocserv
  server rotate-token <name>
  server list

Groups and VPN users
  group create <name> [--description <text>]
  group list
  vpn-user create <username> [--group <name>] [--password-stdin]
  vpn-user list [--search <text>] [--group <name>]

Sessions
  sessions list [--user <text>] [--state <state>] [--server <name>]
  sessions disconnect --session <id> | --user <username> | --group <name> [--reason <text>] [--yes]
                                  kill the sessions' tunnels; clients may reconnect with their tokens
  sessions invalidate --session <id> | --user <username> | --group <name> [--reason <text>] [--yes]
                                  revoke the sessions and kill their tunnels; the next reconnect
                                  needs the password, on every server
                                  Without --yes both only print what they would do.

The database is DATABASE_URL (default file:./data/console.db); its schema is brought up to date first.
Passwords are read from standard input with --password-stdin (one line), never from arguments.`;

class UsageError extends Error {}

async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  if (!password) throw new UsageError("--password-stdin: standard input was empty; pipe the password in");
  return password;
}

function parseRole(value: string | undefined): Role {
  if (value === undefined || value === "admin") return "admin";
  if (value === "viewer") return "viewer";
  throw new UsageError(`--role must be "admin" or "viewer", got "${value}"`);
}

function requireArg(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

function table(rows: Record<string, string>[]): string {
  if (rows.length === 0) return "(none)";
  const headers = Object.keys(rows[0] ?? {});
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => (r[h] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(headers), ...rows.map((r) => line(headers.map((h) => r[h] ?? "")))].join("\n");
}

/** Exactly one of --session, --user, --group. */
function sessionTarget(values: { session?: string; user?: string; group?: string }): SessionTarget {
  const given = [
    values.session !== undefined ? ({ kind: "session", id: values.session } as const) : null,
    values.user !== undefined ? ({ kind: "user", username: values.user } as const) : null,
    values.group !== undefined ? ({ kind: "group", name: values.group } as const) : null,
  ].filter((target) => target !== null);
  if (given.length !== 1) throw new UsageError("give exactly one of --session <id>, --user <username>, --group <name>");
  return given[0] as SessionTarget;
}

function printSessionAction(result: SessionActionResult): void {
  const { summary } = result;
  const verb = result.action === "invalidate" ? (result.dryRun ? "would invalidate" : "invalidated") : result.dryRun ? "would disconnect" : "disconnected";
  console.log(
    table(
      result.sessions.map((s) => ({
        session: s.id,
        user: s.username,
        state: s.state,
        revoke: s.revoke ? "yes" : "no",
        open_tunnels: String(s.openTunnels),
      })),
    ),
  );
  console.log(
    `${verb}: ${summary.sessions} session(s); ${summary.sessionsRevoked} revoked; ` +
      `${summary.tunnelsKillQueued} of ${summary.tunnels} tunnel(s) ${result.dryRun ? "to be " : ""}queued for killing`,
  );
  for (const server of result.servers) {
    console.log(
      `  ${server.name}: ${server.tunnels} tunnel(s), ${server.agentLive ? "agent live: killed within about 2 seconds" : `no live agent (last seen ${server.agentLastSeenAt ?? "never"}): the kill waits for an agent`}`,
    );
  }
  if (summary.tunnelsWithoutId > 0) console.log(`  ${summary.tunnelsWithoutId} tunnel(s) have no id on their server: no agent can kill them`);
  if (result.action === "invalidate" && summary.serversWithoutAgent.length > 0) {
    console.log("  On servers without an agent the revocation applies at the next hook call (reconnect or renegotiation).");
  }
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: "string" },
      name: { type: "string" },
      kind: { type: "string" },
      group: { type: "string" },
      search: { type: "string" },
      description: { type: "string" },
      user: { type: "string" },
      state: { type: "string" },
      server: { type: "string" },
      session: { type: "string" },
      reason: { type: "string" },
      yes: { type: "boolean" },
      "password-stdin": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [area, command, target] = positionals;
  if (values.help || !area) {
    console.log(USAGE);
    return;
  }
  await migrate(databaseUrl());
  const actor = cliActor();
  const password = async () => (values["password-stdin"] ? await readPasswordFromStdin() : undefined);

  switch (`${area} ${command ?? ""}`.trim()) {
    case "admin create": {
      const chosen = await password();
      const secret = chosen ?? newPassword();
      const admin = await createAdmin(db, actor, {
        username: requireArg(target, "<username>"),
        password: secret,
        role: parseRole(values.role),
      });
      console.log(`created ${admin.role} "${admin.username}"`);
      if (!chosen) console.log(`password (shown once): ${secret}`);
      return;
    }
    case "admin reset-password": {
      const result = await resetAdminPassword(db, actor, requireArg(target, "<username>"), await password());
      console.log(`password of "${target}" changed`);
      if (result.generated) console.log(`new password (shown once): ${result.password}`);
      return;
    }
    case "admin list":
      console.log(
        table((await listAdmins(db)).map((a) => ({ username: a.username, role: a.role, last_login: a.lastLoginAt ?? "never" }))),
      );
      return;
    case "token create": {
      const { token, apiToken } = await createApiToken(db, actor, {
        name: requireArg(values.name, "--name <name>"),
        role: parseRole(values.role),
      });
      console.log(`created ${apiToken.role} API token "${apiToken.name}"; shown once:`);
      console.log(token);
      return;
    }
    case "token list":
      console.log(
        table(
          (await listApiTokens(db)).map((t) => ({
            name: t.name,
            role: t.role,
            created_by: t.createdBy,
            last_used: t.lastUsedAt ?? "never",
            revoked: t.revokedAt ?? "",
          })),
        ),
      );
      return;
    case "token revoke":
      await revokeApiToken(db, actor, requireArg(target, "<name>"));
      console.log(`revoked API token "${target}"`);
      return;
    case "server register": {
      const { token, server } = await registerServer(db, actor, {
        name: requireArg(values.name, "--name <name>"),
        kind: requireArg(values.kind, "--kind openvpn|ocserv"),
      });
      console.log(`registered ${server.kind} server "${server.name}"; its token, shown once:`);
      console.log(token);
      return;
    }
    case "server rotate-token": {
      const { token } = await rotateServerToken(db, actor, requireArg(target, "<name>"));
      console.log(`new token for "${target}" (the old one no longer works), shown once:`);
      console.log(token);
      return;
    }
    case "server list":
      console.log(
        table(
          (await listServers(db)).map((s) => ({
            name: s.name,
            kind: s.kind,
            token: s.hasToken ? "active" : "revoked",
            last_seen: s.lastSeenAt ?? "never",
          })),
        ),
      );
      return;
    case "group create": {
      const group = await createGroup(db, actor, {
        name: requireArg(target, "<name>"),
        description: values.description ?? "",
      });
      console.log(`created group "${group.name}"`);
      return;
    }
    case "group list":
      console.log(table((await listGroups(db)).map((g) => ({ name: g.name, users: String(g.userCount), description: g.description }))));
      return;
    case "vpn-user create": {
      const user = await createVpnUser(db, actor, {
        username: requireArg(target, "<username>"),
        password: await password(),
        group: values.group ?? null,
      });
      console.log(`created VPN user "${user.username}"${user.group ? ` in group "${user.group}"` : ""}`);
      return;
    }
    case "vpn-user list": {
      const result = await listVpnUsers(
        db,
        vpnUserListSchema.parse({ q: values.search, group: values.group, pageSize: 500 }),
      );
      console.log(
        table(result.users.map((u) => ({ username: u.username, group: u.group ?? "", enabled: String(u.enabled) }))),
      );
      if (result.total > result.users.length) console.log(`(${result.users.length} of ${result.total} shown)`);
      return;
    }
    case "sessions list": {
      const result = await listSessions(
        db,
        sessionListSchema.parse({ user: values.user, state: values.state, server: values.server, pageSize: 500 }),
      );
      console.log(
        table(
          result.sessions.map((s) => ({
            session: s.id,
            user: s.username,
            server: s.server ?? "",
            state: s.state,
            reason: s.stateReason ?? "",
            client_ip: s.clientIp,
            tunnels: String(s.openConnections),
            last_seen: s.lastSeenAt,
          })),
        ),
      );
      if (result.total > result.sessions.length) console.log(`(${result.sessions.length} of ${result.total} shown)`);
      return;
    }
    case "sessions disconnect":
    case "sessions invalidate": {
      const target = sessionTarget(values);
      const { reason } = sessionActionSchema.parse({ reason: values.reason });
      const invalidate = command === "invalidate";
      if (!values.yes) {
        printSessionAction(await (invalidate ? previewInvalidate(db, target, reason) : previewDisconnect(db, target, reason)));
        console.error(`nothing done: add --yes to ${command} these sessions`);
        process.exitCode = 4;
        return;
      }
      printSessionAction(await (invalidate ? invalidateSessions(db, actor, target, reason) : disconnectSessions(db, actor, target, reason)));
      return;
    }
    default:
      throw new UsageError(`unknown command "${positionals.join(" ")}"`);
  }
}

run(process.argv.slice(2))
  .then(() => db.$disconnect())
  .catch(async (error: unknown) => {
    await db.$disconnect();
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error)) {
      console.error(`error: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    const database = describeDatabaseFailure(error, databaseUrl());
    if (database) {
      console.error(`error: ${database}`);
      process.exit(1);
    }
    const known = describeError(error);
    if (known) {
      console.error(`error: ${known.message}`);
      process.exit(error instanceof AppError && error.code === "not_found" ? 3 : 1);
    }
    console.error("error: unexpected failure:", error);
    process.exit(1);
  });
