// The effective policy in plain English, one sentence per behaviour, for the policy view.
import { formatBytes, formatDuration } from "./duration";
import type { PolicyValues } from "./fields";

const d = formatDuration;

function sessionSentences(v: PolicyValues): string[] {
  if (v.autoLogin) {
    return ["Auto-login is on: sessions never reach a lifetime or idle expiry and stay until disconnected or invalidated."];
  }
  return [
    v.sessionLifetime > 0
      ? `After ${d(v.sessionLifetime)} the user must log in again.`
      : "Sessions have no lifetime limit: a session lasts as long as it is in use.",
  ];
}

function tokenSentences(v: PolicyValues): string[] {
  if (!v.reconnectTokens) {
    return ["No reconnect tokens are issued, so every reconnect asks for credentials."];
  }
  const sentences: string[] = [];
  if (!v.autoLogin) {
    sentences.push(
      v.idleTokenExpiry > 0
        ? `A dropped connection can resume without a password for ${d(v.idleTokenExpiry)}.`
        : "A dropped connection cannot resume without a password: its token expires as soon as no tunnel uses it.",
    );
    sentences.push(
      v.networkInactivityDormant
        ? "A tunnel that is up but passes no traffic counts as unused, " +
            `so its token also expires after ${d(v.idleTokenExpiry)} of silence.`
        : "A tunnel that is up keeps its token alive even when it passes no traffic.",
    );
  }
  sentences.push(
    v.ipLock
      ? "Tokens are only accepted from the IP address of the first login."
      : "Tokens are accepted from any IP address, so a session can resume after the client's network changes.",
  );
  return sentences;
}

function inactivitySentence(v: PolicyValues): string {
  if (v.inactivityWindow === 0 || v.inactivityBytes === 0) return "Tunnels are never disconnected for low traffic.";
  const tunnel = `A tunnel that moves less than ${formatBytes(v.inactivityBytes)} (in + out) in ${d(v.inactivityWindow)}`;
  return v.inactivityEnforced
    ? `${tunnel} is disconnected by the server.`
    : `${tunnel} is asked to disconnect; the client may ignore the request.`;
}

function keepaliveSentence(v: PolicyValues): string {
  const pings =
    v.keepaliveInterval > 0
      ? `Server and client check each other every ${d(v.keepaliveInterval)}`
      : "No keepalive checks are sent";
  const dead =
    v.keepaliveTimeout > 0
      ? `a connection silent for ${d(v.keepaliveTimeout)} is declared dead.`
      : "a silent connection is never declared dead.";
  return `${pings}, and ${dead}`;
}

function renegotiationSentence(v: PolicyValues): string {
  return v.renegotiationInterval > 0
    ? `Data-channel keys are renegotiated every ${d(v.renegotiationInterval)}, and the session is checked again each time.`
    : "Data-channel keys are not renegotiated on a timer, so the session is only checked again when a tunnel reconnects.";
}

function maxSessionsSentence(v: PolicyValues): string {
  if (v.maxSessions === 0) return "A user may hold any number of sessions at once.";
  const limit = `A user may hold at most ${v.maxSessions} session${v.maxSessions === 1 ? "" : "s"} at once across all servers`;
  return v.maxSessionsAction === "deny"
    ? `${limit}; a login beyond that is refused.`
    : `${limit}; a login beyond that revokes the user's oldest session.`;
}

export function explainPolicy(values: PolicyValues): string[] {
  return [
    ...sessionSentences(values),
    ...tokenSentences(values),
    inactivitySentence(values),
    keepaliveSentence(values),
    renegotiationSentence(values),
    maxSessionsSentence(values),
  ];
}
