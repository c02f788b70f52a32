#!/bin/sh
# OpenVPN `client-connect <this>`: reports the new tunnel to the console and appends the console's
# answer (config lines such as `push "auth-token ..."`) to the per-client config file that
# OpenVPN passes as the last argument. A refusal or any failure disconnects the client.
hook_dir=$(dirname -- "$0")
# shellcheck source=hooks/lib/console-hook.sh
. "$hook_dir/../lib/console-hook.sh"
console_init client-connect || exit 1

if [ "$#" -lt 1 ]; then
	console_log "no client config file argument"
	exit 1
fi
# OpenVPN appends the per-client config file as the last argument.
for client_config; do :; done
client_ip=${untrusted_ip:-${untrusted_ip6-}}

# connection_id is the "Real Address" column of the management `status 3` output, which is how
# an agent maps this tunnel to the client id needed for `client-kill`.
set -- --data-urlencode "username=${username-}" \
	--data-urlencode "client_ip=$client_ip" \
	--data-urlencode "client_port=${untrusted_port-}" \
	--data-urlencode "vpn_ip=${ifconfig_pool_remote_ip-}" \
	--data-urlencode "connection_id=$client_ip:${untrusted_port-}"
if [ -n "${session_id-}" ]; then
	set -- "$@" --data-urlencode "session_id=$session_id"
fi
if [ -n "${IV_PLAT-}" ]; then
	set -- "$@" --data-urlencode "platform=$IV_PLAT"
fi

if ! console_post connect "$@"; then
	console_log "connect of '${username-}' refused: $CONSOLE_ERROR"
	exit 1
fi
if [ "$CONSOLE_STATUS" != 200 ]; then
	console_log_refusal "connect of '${username-}'"
	exit 1
fi
# OpenVPN reads the file line by line: drop CRs, and make sure the last line is terminated.
if ! { tr -d '\r' <"$CONSOLE_BODY" && echo; } >>"$client_config"; then
	console_log "cannot write the client config file"
	exit 1
fi
exit 0
