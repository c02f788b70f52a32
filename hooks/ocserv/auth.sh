#!/bin/sh
# ocserv password check through PAM (`auth = "pam"` and pam_exec in /etc/pam.d/ocserv, see
# docs/ocserv.md): asks the console whether this login may proceed. ocserv runs PAM only for a
# login with a password, never for a reconnect with its cookie, so the console learns of every
# fresh login here. Exit 0 only on a clear "allow"; anything else refuses the login (fail closed).
#
# pam_exec gives the hook only the PAM environment: PAM_USER, PAM_RHOST (the client's address),
# PAM_TYPE, and the password on stdin (expose_authtok). The console's address and token come from
# the file named by the first argument (KEY=VALUE lines, the systemd EnvironmentFile of ocserv).
hook_dir=$(dirname -- "$0")
# shellcheck source=hooks/lib/console-hook.sh
. "$hook_dir/../lib/console-hook.sh"
if [ "$#" -ge 1 ]; then
	console_read_env_file "$1" || exit 1
fi
console_init auth || exit 1

# Only the password check: other PAM phases (account) have nothing to ask the console.
if [ "${PAM_TYPE-}" != auth ]; then
	exit 0
fi

# pam_exec ends the password with a NUL byte. It goes to curl as a file in the private scratch
# directory, never on a command line.
tr -d '\000' >"$CONSOLE_TMP/password"

set -- --data-urlencode "username=${PAM_USER-}" \
	--data-urlencode "password@$CONSOLE_TMP/password" \
	--data-urlencode "client_ip=${PAM_RHOST-}"

if console_authorize "login of '${PAM_USER-}'" "$@"; then
	exit 0
fi
exit 1
