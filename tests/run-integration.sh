#!/bin/bash
# Run the integration suite (as root) against $RUNTIME (default: ./ocrun at the repo root):
#   1. tests/lint/bats_bang.py: no negated command that a test cannot fail on (counts as 1 test);
#   2. the root-only C checks of the cgroup drivers, tests/integration/cg_*.c, built by
#      `make root-tests` against libocrun.a (1 test each; exit 77 is a skip);
#   3. the bats files.
# Usage: tests/run-integration.sh [FILE.bats | tests/integration/cg_NAME ...]
#   (default: every tests/integration/cg_*.c binary and every tests/integration/*.bats)
# TAP output, then "integration: N skipped" and, last, "integration: N passed, N failed".
# Exits non-zero when a test failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
. "$here/lib/summary.sh"
. "$here/lib/host.sh"
export RUNTIME=${RUNTIME:-$repo/ocrun}
# A hung test fails alone instead of stalling the suite.
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}
C_TEST_TIMEOUT=${C_TEST_TIMEOUT:-120}

passed=0 failed=0 skipped=0
finish() {
  host_state_restore
  echo "integration: $((SECONDS - start))s"
  echo "integration: $skipped skipped"
  summary_print integration "$passed" "$failed"
  [ "$failed" -eq 0 ]
  exit
}
fatal() {
  echo "integration: $*" >&2
  failed=$((failed + 1))
  finish
}
start=$SECONDS
host_state_save

[ "$(id -u)" -eq 0 ] || fatal "needs root (containers, cgroups, mounts)"
command -v bats >/dev/null || fatal "bats not installed (tests/lib/install-deps.sh)"
[ -x "$RUNTIME" ] || fatal "runtime $RUNTIME not found (run make first)"

bats_files=() c_tests=()
if [ $# -eq 0 ]; then
  for f in "$here"/integration/cg_*.c; do [ -f "$f" ] && c_tests+=("${f%.c}"); done
  bats_files=("$here"/integration/*.bats)
fi
for a in "$@"; do
  case $a in
    *.bats) bats_files+=("$a") ;;
    *) c_tests+=("$(cd "$(dirname "$a")" && pwd)/$(basename "${a%.c}")") ;;  # run from /
  esac
done

echo "integration: runtime $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -n 1))"

# 1. The lint. A finding fails it; the suite still runs.
if lint_out=$(python3 "$here/lint/bats_bang.py" 2>&1); then
  echo "ok - lint: $lint_out"
  passed=$((passed + 1))
else
  echo "not ok - lint: a test has a negated command set -e ignores:"
  sed 's/^/#   /' <<<"$lint_out"
  failed=$((failed + 1))
fi

# 2. The C checks. Each names its cgroups /ocrun-test/<kind>-$OCRUN_TEST_TAG and removes them,
# also when timeout stops it with SIGTERM; a cgroup it left behind fails it.
log=$(mktemp /tmp/ocrun-integration.XXXXXX)
trap 'rm -f "$log"' EXIT
for t in "${c_tests[@]}"; do
  name=$(basename "$t")
  if [ ! -x "$t" ]; then
    echo "not ok - $name: not built (make root-tests)"
    failed=$((failed + 1))
    continue
  fi
  tag=$$-$RANDOM
  (cd / && OCRUN_TEST_TAG=$tag timeout -k 10 "$C_TEST_TIMEOUT" "$t") >"$log" 2>&1
  rc=$?
  sed '/^$/d; s/^/#   /' "$log"
  left=$(for d in /sys/fs/cgroup/*/ocrun-test/*-"$tag"; do [ -d "$d" ] && echo "$d"; done)
  if [ -n "$left" ]; then
    echo "not ok - $name: left behind: $(echo $left)"
    failed=$((failed + 1))
  elif [ "$rc" -eq 0 ]; then
    echo "ok - $name"
    passed=$((passed + 1))
  elif [ "$rc" -eq 77 ]; then
    echo "ok - $name # skip $(sed -n 's/^skip: //p' "$log" | head -n 1)"
    skipped=$((skipped + 1))
  elif [ "$rc" -eq 124 ]; then
    echo "not ok - $name: timed out after ${C_TEST_TIMEOUT}s"
    failed=$((failed + 1))
  else
    echo "not ok - $name: exit status $rc"
    failed=$((failed + 1))
  fi
done

# 3. The bats files.
if [ ${#bats_files[@]} -gt 0 ]; then
  bats --tap --timing "${bats_files[@]}" | tee "$log"
  rc=${PIPESTATUS[0]}
  tap_count "$log"
  passed=$((passed + TAP_PASSED))
  skipped=$((skipped + TAP_SKIPPED))
  failed=$((failed + TAP_FAILED))
  # Tests that never reported (bats crashed or was killed) count as failures.
  if [ "$TAP_MISSING" -gt 0 ]; then
    echo "integration: $TAP_MISSING planned tests did not report"
    failed=$((failed + TAP_MISSING))
  fi
  if [ "$rc" -ne 0 ] && [ "$TAP_FAILED" -eq 0 ] && [ "$TAP_MISSING" -eq 0 ]; then
    echo "integration: bats exited with status $rc"
    failed=$((failed + 1))
  fi
fi
finish
