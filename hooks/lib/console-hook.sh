# shellcheck shell=sh
# Shared part of the Session Console hooks: configuration, the one HTTP call to the console and
# the handling of its answer, so every hook (OpenVPN and ocserv) behaves the same way.
# Sourced by hooks/<daemon>/<hook>.sh; POSIX sh + curl only.
#
# Configuration, from the environment (OpenVPN: `setenv` lines in the server config; ocserv: its
# own environment, e.g. a systemd EnvironmentFile):
#   CONSOLE_URL            e.g. https://console.example.net
#   CONSOLE_SERVER_TOKEN   this VPN server's bearer token (scs_...)
#   CONSOLE_TIMEOUT        seconds for the whole call (default 5): the daemons wait for hooks
# Neither the token nor a password ever appears on a command line or in a log line.

console_log() {
	printf 'session-console %s: %s\n' "${CONSOLE_HOOK_NAME:-hook}" "$*" >&2
}

# One line of untrusted text fit for a log: first line, no control characters, bounded length.
console_sanitize_file() {
	head -n 1 "$1" | tr -d '\000-\037\177' | cut -c 1-300
}

# console_init NAME: check the configuration and make a private scratch directory that is removed
# when the hook exits. Returns non-zero (after logging why) when it cannot proceed.
console_init() {
	CONSOLE_HOOK_NAME=$1
	if [ -z "${CONSOLE_URL-}" ] || [ -z "${CONSOLE_SERVER_TOKEN-}" ]; then
		console_log "CONSOLE_URL and CONSOLE_SERVER_TOKEN must be set in the daemon's environment"
		return 1
	fi
	case ${CONSOLE_TIMEOUT:-5} in
	'' | *[!0-9]*)
		console_log "CONSOLE_TIMEOUT must be a whole number of seconds"
		return 1
		;;
	esac
	# The scratch directory holds the answer and, for auth, the password: owner-only, always removed.
	CONSOLE_TMP=$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/console-hook.XXXXXX") || {
		console_log "cannot create a private temporary directory"
		return 1
	}
	trap 'rm -rf "$CONSOLE_TMP"' EXIT
	trap 'exit 1' HUP INT TERM
}

# console_post ENDPOINT [curl form arguments...]: POST the fields to the console. Sets
# CONSOLE_STATUS (HTTP status) and CONSOLE_BODY (file with the answer). Returns non-zero when no
# HTTP answer came (unreachable, timeout, TLS failure), with curl's error in CONSOLE_ERROR for the
# caller to log together with what the failure means for this hook.
console_post() {
	endpoint=$1
	shift
	CONSOLE_BODY=$CONSOLE_TMP/answer
	: >"$CONSOLE_BODY"
	# The bearer token reaches curl as a config line on stdin (printf is a shell builtin), so it
	# never shows in a process list; backslashes and quotes are escaped for curl's config syntax.
	escaped_token=$(printf '%s' "$CONSOLE_SERVER_TOKEN" | sed 's/[\\"]/\\&/g')
	if CONSOLE_STATUS=$(printf 'header = "Authorization: Bearer %s"\n' "$escaped_token" |
		curl --config - --silent --show-error --globoff --proto =http,https \
			--max-time "${CONSOLE_TIMEOUT:-5}" --connect-timeout 2 \
			--header 'Accept: text/plain' \
			--output "$CONSOLE_BODY" --write-out '%{http_code}' \
			"$@" "${CONSOLE_URL%/}/api/hooks/v1/$endpoint" 2>"$CONSOLE_TMP/curl-error"); then
		return 0
	fi
	# shellcheck disable=SC2034 # read by the hook that sourced this file
	CONSOLE_ERROR="console unreachable: $(console_sanitize_file "$CONSOLE_TMP/curl-error")"
	return 1
}

# The first line of the answer without surrounding blanks or a trailing CR.
console_answer_word() {
	console_sanitize_file "$CONSOLE_BODY" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
}

# Log why the console did not say yes (for a non-200 answer or an unexpected 200 body).
console_log_refusal() {
	case $CONSOLE_STATUS in
	403) console_log "$1 denied by console: $(console_answer_word | sed 's/^deny[[:space:]]*//')" ;;
	401) console_log "$1 refused: console rejected this server's token (HTTP 401)" ;;
	200) console_log "$1 refused: unexpected answer from console: $(console_answer_word)" ;;
	*) console_log "$1 refused: console answered HTTP $CONSOLE_STATUS: $(console_answer_word)" ;;
	esac
}

# console_report_disconnect WHO [curl form arguments...]: report a tunnel's end, and say in the
# daemon's log what the console made of it. Nothing here changes what the daemon does (the tunnel
# is gone either way), so only a real failure is an error, and it always returns 0.
console_report_disconnect() {
	who="disconnect report of '$1'"
	shift
	if ! console_post disconnect "$@"; then
		console_log "$who lost: $CONSOLE_ERROR"
		return 0
	fi
	case $CONSOLE_STATUS in
	200) ;;
	# A replay (the daemon ran the script twice) or a tunnel the console already closed itself,
	# e.g. when a new tunnel came up under the same id: the end is on record, nothing was lost.
	409) console_log "$who: already recorded by the console, nothing to do ($(console_answer_word | sed 's/^error[[:space:]]*//'))" ;;
	404) console_log "$who not recorded: the console has no record of this tunnel ($(console_answer_word | sed 's/^error[[:space:]]*//'))" ;;
	*) console_log_refusal "$who" ;;
	esac
	return 0
}

# console_authorize WHO [curl form arguments...]: ask the auth endpoint. Returns 0 only on a clear
# "allow"; otherwise logs why, starting with WHO (e.g. "login of 'NAME'"), and returns 1.
console_authorize() {
	who=$1
	shift
	if ! console_post auth "$@"; then
		console_log "$who refused: $CONSOLE_ERROR"
		return 1
	fi
	if [ "$CONSOLE_STATUS" = 200 ] && [ "$(console_answer_word)" = allow ]; then
		return 0
	fi
	console_log_refusal "$who"
	return 1
}

# console_read_env_file FILE: take CONSOLE_URL, CONSOLE_SERVER_TOKEN and CONSOLE_TIMEOUT from a
# file of KEY=VALUE lines (a systemd EnvironmentFile), for hooks the daemon starts with an empty
# environment (ocserv's PAM through pam_exec). Read as data, never run as shell code.
console_read_env_file() {
	if [ ! -r "$1" ]; then
		console_log "cannot read the console settings file $1"
		return 1
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		value=${line#*=}
		case $line in
		CONSOLE_URL=*) CONSOLE_URL=$value ;;
		CONSOLE_SERVER_TOKEN=*) CONSOLE_SERVER_TOKEN=$value ;;
		CONSOLE_TIMEOUT=*) CONSOLE_TIMEOUT=$value ;;
		esac
	done <"$1"
}
