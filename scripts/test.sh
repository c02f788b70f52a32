#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine (as root) or a developer's: `npm test`.
#
#   scripts/test.sh                       every stage
#   scripts/test.sh --only unit           only some stages (comma-separated names or groups)
#   scripts/test.sh --skip e2e,build      all but some
#   scripts/test.sh --list                the stages
#
# Each stage prints a banner and its time. A failing stage does not stop the others (a stage
# whose prerequisite failed is skipped), but the exit status is non-zero. The last line is
# always "N passed, N failed": the tests counted over vitest and Playwright.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RESULTS="$ROOT/.tmp/test-results"
export NEXT_TELEMETRY_DISABLED=1
export CI="${CI:-}"

# --- stages -------------------------------------------------------------------------------------
# One line per stage:  name | group | needs (stage that must have passed, or -) | title | command
# The command is a bash function below. To add a stage, add a line (and its function if new).
STAGES=(
  "typecheck       |check |-     |Typecheck (tsc --noEmit)        |run_typecheck"
  "lint            |check |-     |Lint (eslint .)                 |run_lint"
  "unit-sqlite     |unit  |-     |Unit tests on SQLite            |run_vitest sqlite"
  "unit-postgresql |unit  |-     |Unit tests on PostgreSQL        |run_vitest postgresql"
  "build           |build |-     |Production build (next build)   |run_build"
  "integration     |vpn   |build |Real VPN daemons (OpenVPN, ocserv) |run_integration"
  "e2e             |e2e   |build |End-to-end tests (Playwright)   |run_playwright"
)

run_typecheck() { npx --no-install tsc --noEmit; }
run_lint() { npx --no-install eslint .; }
run_build() { npx --no-install next build; }

# Vitest writes its counts to $STAGE_REPORT (JSON) next to the usual console output.
run_vitest() {
  TEST_DATABASE="$1" npx --no-install vitest run \
    --reporter=default --reporter=json --outputFile.json="$STAGE_REPORT"
}

# Root only: network namespaces, tun devices, and apt-get for the daemons when they are missing.
run_integration() {
  bash scripts/integration.sh --reporter=default --reporter=json --outputFile.json="$STAGE_REPORT"
}

run_playwright() {
  PLAYWRIGHT_JSON_OUTPUT_FILE="$STAGE_REPORT" npx --no-install playwright test --reporter=list,json
}

# --- what to run --------------------------------------------------------------------------------
trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; printf '%s' "${s%"${s##*[![:space:]]}"}"; }
field() { trim "$(cut -d'|' -f"$2" <<<"$1")"; }

ONLY=""
SKIP=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) ONLY="${2:?--only needs stage names}"; shift 2 ;;
    --only=*) ONLY="${1#*=}"; shift ;;
    --skip) SKIP="${2:?--skip needs stage names}"; shift 2 ;;
    --skip=*) SKIP="${1#*=}"; shift ;;
    --list)
      for line in "${STAGES[@]}"; do printf '%-16s %-6s %s\n' "$(field "$line" 1)" "$(field "$line" 2)" "$(field "$line" 4)"; done
      exit 0 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# A stage is picked by its name or its group, e.g. --only unit = unit-sqlite,unit-postgresql.
matches() {
  local list="$1" name="$2" group="$3" item
  IFS=',' read -ra items <<<"$list"
  for item in "${items[@]}"; do
    item="$(trim "$item")"
    [[ "$item" == "$name" || "$item" == "$group" ]] && return 0
  done
  return 1
}

known=" "
for line in "${STAGES[@]}"; do known+="$(field "$line" 1) $(field "$line" 2) "; done
for item in ${ONLY//,/ } ${SKIP//,/ }; do
  [[ "$known" == *" $item "* ]] || { echo "unknown stage: $item (see --list)" >&2; exit 2; }
done

SELECTED=()
for line in "${STAGES[@]}"; do
  name="$(field "$line" 1)"
  group="$(field "$line" 2)"
  if [[ -n "$ONLY" ]] && ! matches "$ONLY" "$name" "$group"; then continue; fi
  if [[ -n "$SKIP" ]] && matches "$SKIP" "$name" "$group"; then continue; fi
  SELECTED+=("$line")
done
selected() { local line; for line in "${SELECTED[@]}"; do [[ "$(field "$line" 1)" == "$1" ]] && return 0; done; return 1; }

# --- the machine --------------------------------------------------------------------------------
banner() { printf '\n\033[1m==== %s ====\033[0m\n' "$1"; }

APT_UPDATED=0
apt_install() {
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "$1 is missing and this is not root: install it with apt-get install -y $1" >&2
    return 1
  fi
  if [[ "$APT_UPDATED" -eq 0 ]]; then DEBIAN_FRONTEND=noninteractive apt-get update -q; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then return 0; fi
  banner "Installing Debian's chromium"
  apt_install chromium
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 2>/dev/null; then return 0; fi
  banner "Starting PostgreSQL"
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "PostgreSQL is not installed (no pg_ctlcluster)" >&2
    return 1
  fi
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n1)"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    if pg_isready -q -h 127.0.0.1; then return 0; fi
    sleep 1
  done
  echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2
  return 1
}

ensure_node_modules() {
  if [[ -d node_modules ]]; then return 0; fi
  banner "Installing dependencies (npm ci)"
  npm ci
}

# --- counting -----------------------------------------------------------------------------------
# Prints "passed failed" from a vitest or Playwright JSON report; nothing when there is none.
count_tests() {
  [[ -s "$1" ]] || return 0
  node -e '
    const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (typeof report.numPassedTests === "number") {
      console.log(report.numPassedTests, report.numFailedTests);
    } else if (report.stats) {
      console.log((report.stats.expected ?? 0) + (report.stats.flaky ?? 0), report.stats.unexpected ?? 0);
    }
  ' "$1" 2>/dev/null || true
}

is_test_stage() { [[ "$1" == run_vitest* || "$1" == run_playwright* || "$1" == run_integration* ]]; }

# --- run ----------------------------------------------------------------------------------------
PASSED=0
FAILED=0
SUMMARY=()
declare -A OUTCOME=()

# Without dependencies nothing can run.
if ! ensure_node_modules; then
  echo "npm ci failed: no stage can run" >&2
  echo "0 passed, 0 failed"
  exit 1
fi
# A missing service fails only the stages that need it.
declare -A UNAVAILABLE=()
# integration/fleet.test.ts runs its console instances on PostgreSQL too.
if { selected unit-postgresql || selected integration; } && ! ensure_postgres; then UNAVAILABLE[unit-postgresql]="PostgreSQL is not running"; fi
if selected e2e && ! ensure_chromium; then UNAVAILABLE[e2e]="/usr/bin/chromium is missing"; fi
if selected integration && [[ "$(id -u)" -ne 0 ]]; then
  UNAVAILABLE[integration]="needs root (network namespaces, tun devices, Debian packages); run scripts/test.sh as root"
fi
mkdir -p "$RESULTS"

for line in "${SELECTED[@]}"; do
  name="$(field "$line" 1)"
  needs="$(field "$line" 3)"
  title="$(field "$line" 4)"
  command="$(field "$line" 5)"
  banner "$title"
  if [[ "$needs" != "-" && "${OUTCOME[$needs]:-passed}" != "passed" ]]; then
    echo "skipped: it needs the stage \"$needs\", which ${OUTCOME[$needs]}"
    OUTCOME[$name]="was skipped"
    SUMMARY+=("$(printf '  %-8s %-34s' skipped "$title")")
    continue
  fi

  if [[ -n "${UNAVAILABLE[$name]:-}" ]]; then
    echo "cannot run: ${UNAVAILABLE[$name]}"
    OUTCOME[$name]="failed"
    FAILED=$(( FAILED + 1 ))
    SUMMARY+=("$(printf '  %-8s %-34s (%s)' FAILED "$title" "${UNAVAILABLE[$name]}")")
    continue
  fi

  export STAGE_REPORT="$RESULTS/$name.json"
  rm -f "$STAGE_REPORT"
  started=$(date +%s)
  set +e
  (
    set -euo pipefail
    read -ra words <<<"$command"
    "${words[@]}"
  )
  status=$?
  set -e
  seconds=$(( $(date +%s) - started ))

  read -r stage_passed stage_failed <<<"$(count_tests "$STAGE_REPORT")" || true
  stage_passed="${stage_passed:-0}"
  stage_failed="${stage_failed:-0}"
  # A test stage that failed without a failed test (a crash, a file that did not load, a setup
  # error) still counts as one failure, so the summary never says 0 failed for a failed run.
  if [[ "$status" -ne 0 && "$stage_failed" -eq 0 ]] && is_test_stage "$command"; then
    stage_failed=1
  fi
  PASSED=$(( PASSED + stage_passed ))
  FAILED=$(( FAILED + stage_failed ))

  counts=""
  if is_test_stage "$command"; then
    counts=" ($stage_passed passed, $stage_failed failed)"
  fi
  if [[ "$status" -eq 0 ]]; then
    OUTCOME[$name]="passed"
    printf '\033[32m✓ %s in %ss%s\033[0m\n' "$title" "$seconds" "$counts"
    SUMMARY+=("$(printf '  %-8s %-34s %5ss%s' passed "$title" "$seconds" "$counts")")
  else
    OUTCOME[$name]="failed"
    printf '\033[31m✗ %s failed (exit %s) in %ss%s\033[0m\n' "$title" "$status" "$seconds" "$counts"
    SUMMARY+=("$(printf '  %-8s %-34s %5ss%s' FAILED "$title" "$seconds" "$counts")")
  fi
done

banner "Summary"
printf '%s\n' "${SUMMARY[@]}"
failed_stages=0
for name in "${!OUTCOME[@]}"; do [[ "${OUTCOME[$name]}" == "passed" ]] || failed_stages=$(( failed_stages + 1 )); done
echo "$PASSED passed, $FAILED failed"
if [[ "$failed_stages" -gt 0 ]]; then exit 1; fi
