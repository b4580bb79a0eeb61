#!/bin/bash
# Run the bats integration suite (as root) against $RUNTIME (default: ./ocrun at the repo root).
# Usage: tests/run-integration.sh [FILE.bats...]   (default: tests/integration/*.bats)
# TAP output, then "integration: N skipped" and, last, "integration: N passed, N failed".
# Exits non-zero when a test failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
export RUNTIME=${RUNTIME:-$repo/ocrun}
# A hung test fails alone instead of stalling the suite.
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}

summary() {
  echo "integration: $3 skipped"
  echo "integration: $1 passed, $2 failed"
}
fatal() {
  echo "integration: $*" >&2
  summary 0 1 0
  exit 1
}

[ "$(id -u)" -eq 0 ] || fatal "needs root (containers, cgroups, mounts)"
command -v bats >/dev/null || fatal "bats not installed (tests/lib/install-deps.sh)"
[ -x "$RUNTIME" ] || fatal "runtime $RUNTIME not found (run make first)"

if [ $# -gt 0 ]; then
  files=("$@")
else
  files=("$here"/integration/*.bats)
fi

echo "integration: runtime $RUNTIME ($("$RUNTIME" --version 2>/dev/null | head -n 1))"
tap=$(mktemp /tmp/ocrun-integration.XXXXXX)
trap 'rm -f "$tap"' EXIT
start=$SECONDS
bats --tap --timing "${files[@]}" | tee "$tap"
rc=${PIPESTATUS[0]}

planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -n 1)
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$tap")
ok=$(grep -cE '^ok [0-9]+' "$tap")
passed=$((ok - skipped))
failed=$(grep -cE '^not ok [0-9]+' "$tap")
# Tests that never reported (bats crashed or was killed) count as failures.
missing=$(( ${planned:-0} - ok - failed ))
if [ "$missing" -gt 0 ]; then
  echo "integration: $missing planned tests did not report"
  failed=$((failed + missing))
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "integration: bats exited with status $rc"
  failed=1
fi
echo "integration: $((SECONDS - start))s"
summary "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
