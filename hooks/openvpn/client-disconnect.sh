#!/bin/sh
# OpenVPN `client-disconnect <this>`: reports the end of a tunnel to the console. OpenVPN does not
# care about the outcome, so this always exits 0 and only logs a failure.
hook_dir=$(dirname -- "$0")
# shellcheck source=hooks/lib/console-hook.sh
. "$hook_dir/../lib/console-hook.sh"
console_init client-disconnect || exit 0

client_ip=${untrusted_ip:-${untrusted_ip6-}}
set -- --data-urlencode "username=${username-}" \
	--data-urlencode "client_ip=$client_ip" \
	--data-urlencode "client_port=${untrusted_port-}" \
	--data-urlencode "connection_id=$client_ip:${untrusted_port-}" \
	--data-urlencode "bytes_received=${bytes_received-}" \
	--data-urlencode "bytes_sent=${bytes_sent-}" \
	--data-urlencode "duration=${time_duration-}"
# OpenVPN gives this script the same variables for a client's announced exit, a drop and a
# client-kill (docs/openvpn.md, "How a tunnel ends"). It says which one only on its management
# interface, where the agent reads it and reports it; the console combines the two reports.
console_report_disconnect "${username-}" "$@" --data-urlencode "reason=unknown"
exit 0
