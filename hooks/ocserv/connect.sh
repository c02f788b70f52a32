#!/bin/sh
# ocserv `connect-script`: asks the console whether this tunnel may come up. ocserv runs it on
# every connection, including reconnects with a cookie, and refuses the tunnel on a non-zero
# exit; so a console refusal (or any failure) here ends the connection (fail closed).
hook_dir=$(dirname -- "$0")
# shellcheck source=hooks/lib/console-hook.sh
. "$hook_dir/../lib/console-hook.sh"
console_init connect || exit 1

# ID is the worker pid, the id that `occtl disconnect id` takes. ocserv gives no client port.
set -- --data-urlencode "username=${USERNAME-}" \
	--data-urlencode "client_ip=${IP_REAL-}" \
	--data-urlencode "vpn_ip=${IP_REMOTE-}" \
	--data-urlencode "connection_id=${ID-}"
if [ -n "${DEVICE_PLATFORM-}" ]; then
	set -- "$@" --data-urlencode "platform=$DEVICE_PLATFORM"
fi

if ! console_post connect "$@"; then
	console_log "connect of '${USERNAME-}' refused: $CONSOLE_ERROR"
	exit 1
fi
# The answer body (OpenVPN config lines) has no meaning for ocserv.
if [ "$CONSOLE_STATUS" != 200 ]; then
	console_log_refusal "connect of '${USERNAME-}'"
	exit 1
fi
exit 0
