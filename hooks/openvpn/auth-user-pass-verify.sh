#!/bin/sh
# OpenVPN `auth-user-pass-verify <this> via-file`: asks the console whether a login may proceed.
# The password is either the user's password or, on a reconnect, the session token the console
# pushed earlier. Exit 0 only on a clear "allow"; anything else refuses the login (fail closed).
hook_dir=$(dirname -- "$0")
# shellcheck source=hooks/lib/console-hook.sh
. "$hook_dir/../lib/console-hook.sh"
console_init auth-user-pass-verify || exit 1

# via-file: OpenVPN appends the path of a file holding "username\npassword" as the last argument.
if [ "$#" -lt 1 ]; then
	console_log "no credentials file argument (configure auth-user-pass-verify ... via-file)"
	exit 1
fi
for credentials; do :; done
if [ ! -r "$credentials" ]; then
	console_log "credentials file is not readable"
	exit 1
fi
user=${username:-$(sed -n 1p "$credentials")}
# The password goes to curl as a file in the private scratch directory, never on a command line.
sed -n 2p "$credentials" | tr -d '\n' >"$CONSOLE_TMP/password"

set -- --data-urlencode "username=$user" \
	--data-urlencode "password@$CONSOLE_TMP/password" \
	--data-urlencode "client_ip=${untrusted_ip:-${untrusted_ip6-}}" \
	--data-urlencode "client_port=${untrusted_port-}"
# Present only with auth-gen-token ... external-auth.
if [ -n "${session_id-}" ]; then
	set -- "$@" --data-urlencode "session_id=$session_id" \
		--data-urlencode "session_state=${session_state-}"
fi

if console_authorize "login of '$user'" "$@"; then
	exit 0
fi
exit 1
