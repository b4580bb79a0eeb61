#!/bin/bash
# The security regression suite (tests/security/*.bats): one file per class of bug that hit runc or
# crun (/work/shared/notes/security-lessons.md) or issue 13, each test playing the attacker.
# Needs root; run it under the shared lock like the integration suite:
#   flock /tmp/ocrun-heavy-tests.lock tests/security/run.sh [FILE.bats ...]
# TAP output, then "security: N skipped" and, last, "security: N passed, N failed".
# Exits non-zero when a test failed. tests/security/prove.sh shows each class's tests fail on a
# build with that class's defence removed (tests/security/weaken/<class>.patch).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tests=$(dirname "$here")
repo=$(dirname "$tests")
. "$tests/lib/summary.sh"
. "$tests/lib/host.sh"
export RUNTIME=${RUNTIME:-$repo/ocrun}
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}

passed=0 failed=0 skipped=0
start=$SECONDS
finish() {
  host_state_restore
  echo "security: $((SECONDS - start))s"
  echo "security: $skipped skipped"
  summary_print security "$passed" "$failed"
  [ "$failed" -eq 0 ]
  exit
}
fatal() {
  echo "security: $*" >&2
  failed=$((failed + 1))
  finish
}
host_state_save

[ "$(id -u)" -eq 0 ] || fatal "needs root (containers, cgroups, mounts)"
command -v bats >/dev/null || fatal "bats not installed (tests/lib/install-deps.sh)"
[ -x "$RUNTIME" ] || fatal "runtime $RUNTIME not found (run make first)"

files=()
for f in "$@"; do files+=("$(realpath "$f")"); done
[ $# -gt 0 ] || files=("$here"/*.bats)
echo "security: runtime $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -n 1))"

log=$(mktemp /tmp/ocrun-security.XXXXXX)
trap 'rm -f "$log"' EXIT
# From a scratch dir: nothing a test or a client writes lands in the caller's cwd.
(cd "$(dirname "$log")" && bats --tap --timing "${files[@]}") | tee "$log"
rc=${PIPESTATUS[0]}
tap_count "$log"
passed=$TAP_PASSED skipped=$TAP_SKIPPED failed=$TAP_FAILED
if [ "$TAP_MISSING" -gt 0 ]; then
  echo "security: $TAP_MISSING planned tests did not report"
  failed=$((failed + TAP_MISSING))
fi
if [ "$rc" -ne 0 ] && [ "$TAP_FAILED" -eq 0 ] && [ "$TAP_MISSING" -eq 0 ]; then
  echo "security: bats exited with status $rc"
  failed=$((failed + 1))
fi
finish
