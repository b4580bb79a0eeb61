#!/bin/bash
# run.sh: the client suites (containerd, podman) against $RUNTIME (default ./ocrun).
# Last line: `clients: N passed, N failed`; exits non-zero if anything failed.
# Usage: tests/clients/run.sh [containerd|podman ...]   (default: both)
# Environment: see lib.sh (RUNTIME, CLIENTS_TRACE, CLIENTS_TIMEOUT, CLIENTS_KEEP, ONLY=regex).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export RUNTIME=${RUNTIME:-$repo/ocrun}
. "$repo/tests/lib/summary.sh"

[ $# -gt 0 ] || set -- containerd podman
passed=0
failed=0
start=$(date +%s)
echo "clients: runtime $RUNTIME"
if ! "$here/image.sh" >/dev/null; then
  echo "not ok clients: image: could not build the busybox image archive"
  summary_print clients 0 1
  exit 1
fi
for suite in "$@"; do
  out=$(mktemp)
  "$here/$suite.sh" 2>&1 | tee "$out"
  if summary_read "$out" "$suite"; then
    passed=$((passed + SUMMARY_PASSED))
    failed=$((failed + SUMMARY_FAILED))
  else
    echo "not ok clients: $suite: the suite did not finish (see its output above)"
    failed=$((failed + 1))
  fi
  rm -f "$out"
done
echo "clients: took $(($(date +%s) - start)) s"
summary_print clients "$passed" "$failed"
[ "$failed" -eq 0 ]
