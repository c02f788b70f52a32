// Warnings shown while an admin edits a policy. They never block a save: each one says what the
// combination of values will do, so the admin can decide whether that is intended.
import { formatBytes, formatDuration } from "./duration";
import type { PolicyKey, PolicyValues } from "./fields";

export type PolicyAdviceCode =
  | "keepalive-timeout-not-below-idle-expiry"
  | "lifetime-not-multiple-of-renegotiation"
  | "lifetime-not-longer-than-idle-expiry"
  | "limit-effectively-disabled"
  | "inactivity-window-without-bytes"
  | "inactivity-bytes-without-window"
  | "inactivity-enforced-without-threshold"
  | "auto-login-exempt"
  | "inactivity-threshold-below-idle-traffic"
  | "inactivity-threshold-above-active-traffic";

export interface PolicyAdvice {
  code: PolicyAdviceCode;
  fields: PolicyKey[];
  message: string;
}

/** Traffic the console recorded, in bytes (in + out) per inactivity window. */
export interface ObservedTraffic {
  /** 95th percentile over tunnels that carried no user activity. */
  idleBytesPerWindowP95?: number;
  /** 5th percentile over tunnels in active use. */
  activeBytesPerWindowP5?: number;
}

export interface PolicyAdviceOptions {
  observed?: ObservedTraffic;
}

/** A year: a lifetime or idle expiry beyond this is no longer a limit in practice. */
const YEAR_SECONDS = 365 * 24 * 3600;

const d = formatDuration;

function tokenExpiryAdvice(v: PolicyValues): PolicyAdvice[] {
  const advice: PolicyAdvice[] = [];
  // Idle token expiry only matters for sessions that hold a token and are not auto-login.
  const tokensExpireWhenIdle = v.reconnectTokens && !v.autoLogin;
  if (tokensExpireWhenIdle && v.keepaliveTimeout > 0 && v.keepaliveTimeout >= v.idleTokenExpiry) {
    advice.push({
      code: "keepalive-timeout-not-below-idle-expiry",
      fields: ["keepaliveTimeout", "idleTokenExpiry"],
      message:
        `A dropped connection is only declared dead after the keepalive timeout of ${d(v.keepaliveTimeout)}, ` +
        `by which time its token, unused since the drop, has ${v.keepaliveTimeout > v.idleTokenExpiry ? "already" : "just"} ` +
        `passed its idle expiry of ${d(v.idleTokenExpiry)}, so the client cannot resume silently and the user must log in again; ` +
        `keep the keepalive timeout below the idle token expiry.`,
    });
  }
  if (!v.autoLogin && v.sessionLifetime > 0 && v.renegotiationInterval > 0) {
    const overrun = v.sessionLifetime % v.renegotiationInterval;
    if (overrun !== 0) {
      const late = v.renegotiationInterval - overrun;
      advice.push({
        code: "lifetime-not-multiple-of-renegotiation",
        fields: ["sessionLifetime", "renegotiationInterval"],
        message:
          `The session lifetime of ${d(v.sessionLifetime)} is not a multiple of the renegotiation interval of ` +
          `${d(v.renegotiationInterval)}, so expiry only takes effect at the next renegotiation and a session's ` +
          `first tunnel stays up ${d(late)} past its lifetime.`,
      });
    }
  }
  if (tokensExpireWhenIdle && v.sessionLifetime > 0 && v.sessionLifetime <= v.idleTokenExpiry) {
    advice.push({
      code: "lifetime-not-longer-than-idle-expiry",
      fields: ["sessionLifetime", "idleTokenExpiry"],
      message:
        `The session lifetime of ${d(v.sessionLifetime)} is not longer than the idle token expiry of ` +
        `${d(v.idleTokenExpiry)}, so every session reaches its lifetime first and idle expiry never takes effect.`,
    });
  }
  return advice;
}

function absurdValueAdvice(v: PolicyValues): PolicyAdvice[] {
  if (v.autoLogin) return [];
  const advice: PolicyAdvice[] = [];
  if (v.sessionLifetime > YEAR_SECONDS) {
    advice.push({
      code: "limit-effectively-disabled",
      fields: ["sessionLifetime"],
      message:
        `A session lifetime of ${d(v.sessionLifetime)} effectively disables the limit; set it to 0 (none) to say so, ` +
        `or use auto-login for devices that must stay connected.`,
    });
  }
  if (v.reconnectTokens && v.idleTokenExpiry > YEAR_SECONDS) {
    advice.push({
      code: "limit-effectively-disabled",
      fields: ["idleTokenExpiry"],
      message:
        `An idle token expiry of ${d(v.idleTokenExpiry)} effectively disables idle expiry, so a lost or stolen device ` +
        `can resume its session much later; use auto-login for devices that must stay connected.`,
    });
  }
  return advice;
}

function inactivityAdvice(v: PolicyValues, observed: ObservedTraffic | undefined): PolicyAdvice[] {
  const advice: PolicyAdvice[] = [];
  const thresholdOn = v.inactivityWindow > 0 && v.inactivityBytes > 0;
  if (v.inactivityWindow > 0 && v.inactivityBytes === 0) {
    advice.push({
      code: "inactivity-window-without-bytes",
      fields: ["inactivityWindow", "inactivityBytes"],
      message:
        `An inactivity window of ${d(v.inactivityWindow)} without a byte threshold never disconnects anything; ` +
        `set the inactivity bytes too, or set the window to 0.`,
    });
  }
  if (v.inactivityBytes > 0 && v.inactivityWindow === 0) {
    advice.push({
      code: "inactivity-bytes-without-window",
      fields: ["inactivityBytes", "inactivityWindow"],
      message:
        `An inactivity threshold of ${formatBytes(v.inactivityBytes)} without a window never disconnects anything; ` +
        `set the inactivity window too, or set the bytes to 0.`,
    });
  }
  if (v.inactivityEnforced && !thresholdOn) {
    advice.push({
      code: "inactivity-enforced-without-threshold",
      fields: ["inactivityEnforced", "inactivityWindow", "inactivityBytes"],
      message: "Server-side inactivity enforcement is on but the inactivity threshold is off, so there is nothing to enforce.",
    });
  }
  if (!thresholdOn || !observed) return advice;

  const idle = observed.idleBytesPerWindowP95;
  if (idle !== undefined && Number.isFinite(idle) && v.inactivityBytes <= idle) {
    advice.push({
      code: "inactivity-threshold-below-idle-traffic",
      fields: ["inactivityBytes", "inactivityWindow"],
      message:
        `Idle tunnels move up to ${formatBytes(idle)} per ${d(v.inactivityWindow)} (95th percentile of recorded traffic), ` +
        `not below the threshold of ${formatBytes(v.inactivityBytes)}, so at least 1 in 20 idle tunnels is never disconnected; ` +
        `set the threshold just above ${formatBytes(idle)}.`,
    });
  }
  const active = observed.activeBytesPerWindowP5;
  if (active !== undefined && Number.isFinite(active) && v.inactivityBytes > active) {
    advice.push({
      code: "inactivity-threshold-above-active-traffic",
      fields: ["inactivityBytes", "inactivityWindow"],
      message:
        `Active tunnels move as little as ${formatBytes(active)} per ${d(v.inactivityWindow)} (5th percentile of recorded traffic), ` +
        `below the threshold of ${formatBytes(v.inactivityBytes)}, so at least 1 in 20 tunnels in active use gets disconnected.`,
    });
  }
  return advice;
}

function autoLoginAdvice(v: PolicyValues): PolicyAdvice[] {
  if (!v.autoLogin) return [];
  return [
    {
      code: "auto-login-exempt",
      fields: ["autoLogin", "sessionLifetime", "idleTokenExpiry"],
      message:
        "Auto-login is on, so the session lifetime and idle token expiry do not apply and these sessions stay " +
        "connected until they are disconnected or invalidated.",
    },
  ];
}

export function policyAdvice(values: PolicyValues, options: PolicyAdviceOptions = {}): PolicyAdvice[] {
  return [
    ...tokenExpiryAdvice(values),
    ...absurdValueAdvice(values),
    ...inactivityAdvice(values, options.observed),
    ...autoLoginAdvice(values),
  ];
}
