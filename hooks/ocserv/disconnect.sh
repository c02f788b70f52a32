#!/bin/sh
# ocserv `disconnect-script`: reports the end of a tunnel to the console. ocserv ignores the exit
# status, and so does this hook's caller: exit 0 always, log a failure.
hook_dir=$(dirname -- "$0")
# shellcheck source=hooks/lib/console-hook.sh
. "$hook_dir/../lib/console-hook.sh"
console_init disconnect || exit 0

# STATS_BYTES_IN is what the client sent (bytes_received from the server's point of view).
set -- --data-urlencode "username=${USERNAME-}" \
	--data-urlencode "client_ip=${IP_REAL-}" \
	--data-urlencode "connection_id=${ID-}" \
	--data-urlencode "bytes_received=${STATS_BYTES_IN-}" \
	--data-urlencode "bytes_sent=${STATS_BYTES_OUT-}" \
	--data-urlencode "duration=${STATS_DURATION-}"
# ocserv 1.1.6 gives this script the same variables for a logout, a dropped link and an
# `occtl disconnect` (REASON is always "disconnect"; docs/ocserv.md).
console_report_disconnect "${USERNAME-}" "$@" --data-urlencode "reason=unknown"
exit 0
