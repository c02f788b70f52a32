#!/usr/bin/env bash
# Real-daemon integration tests: the console (server.ts, production build) with OpenVPN 2.6,
# ocserv and openconnect from Debian in network namespaces, through the shipped hooks. Installs
# the Debian packages it needs when missing (without starting their services), lints the hooks
# with shellcheck, then runs integration/*.test.ts and lib/**/*.integration.test.ts (extra arguments go to vitest).
# Needs root. Removes its namespaces, daemons and files afterwards, also after a failure, and
# whatever an interrupted earlier run left behind (only names starting with "scv-"). SCV_LAB=N (0-9)
# gives a run its own namespaces, addresses, ports and state directory (integration/lib/paths.ts),
# so that runs with different SCV_LAB can share a machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "$(id -u)" -ne 0 ]]; then
  echo "the integration tests need root (network namespaces, tun devices, apt-get): run as root" >&2
  exit 1
fi

# command -> Debian package that provides it
declare -A package_of=(
  [openvpn]=openvpn [ocserv]=ocserv [occtl]=ocserv [openconnect]=openconnect [shellcheck]=shellcheck
  [ip]=iproute2 [curl]=curl [openssl]=openssl [dash]=dash [ping]=iputils-ping
)
missing=()
for cmd in "${!package_of[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${package_of[$cmd]}")
done
if [[ "${#missing[@]}" -gt 0 ]]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The tests start their own daemons: keep the packages' system services from starting.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  rm -f /usr/sbin/policy-rc.d
  trap - EXIT
fi

if [[ ! -f .next/BUILD_ID ]]; then
  echo "the console has no production build: run \`npx next build\` first (scripts/test.sh runs the build stage before this one)" >&2
  exit 1
fi

hooks=(hooks/lib/console-hook.sh hooks/openvpn/*.sh hooks/ocserv/*.sh)
for hook in "${hooks[@]}"; do dash -n "$hook"; done
shellcheck --shell=sh --external-sources "${hooks[@]}"
echo "shellcheck: ${#hooks[@]} hook scripts clean"

cleanup() { npx --no-install tsx integration/cleanup.ts; }
trap cleanup EXIT
trap 'exit 130' INT TERM
npx --no-install vitest run --config integration/vitest.config.mts "$@"
