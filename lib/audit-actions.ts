// The audit vocabulary, free of database imports so the browser bundle can use it too.
export const AUDIT_ACTIONS = [
  "admin.created",
  "admin.password_reset",
  "admin.role_changed",
  "admin.deleted",
  "api_token.created",
  "api_token.revoked",
  "group.created",
  "group.updated",
  "group.deleted",
  "vpn_user.created",
  "vpn_user.updated",
  "vpn_user.password_set",
  "vpn_user.deleted",
  "server.registered",
  "server.updated",
  "server.token_rotated",
  "server.token_revoked",
  "server.deleted",
  "policy.updated",
  "policy.cleared",
  "policy.reverted",
  "policy.imported",
  "session.disconnected",
  "session.invalidated",
  "lockout.cleared",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditTargetType = "admin" | "api_token" | "group" | "vpn_user" | "server" | "policy" | "session" | "lockout";
