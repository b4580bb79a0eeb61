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
  before=$(LC_ALL=C ls -A)
  "$here/$suite.sh" 2>&1 | tee "$out"
  if summary_read "$out" "$suite"; then
    passed=$((passed + SUMMARY_PASSED))
    failed=$((failed + SUMMARY_FAILED))
  else
    echo "not ok clients: $suite: the suite did not finish (see its output above)"
    failed=$((failed + 1))
  fi
  rm -f "$out"
  # The clients run from the suite's scratch directory (lib.sh): nothing they write, such as
  # conmon's `oom` file after an OOM kill, may land in the caller's directory.
  new=$(LC_ALL=C comm -13 <(printf "%s\n" "$before") <(LC_ALL=C ls -A) | paste -sd " ")
  if [ -z "$new" ]; then
    echo "ok clients: $suite: nothing written into the caller's directory"
    passed=$((passed + 1))
  else
    echo "not ok clients: $suite: wrote into $PWD: $new"
    failed=$((failed + 1))
  fi
done
echo "clients: took $(($(date +%s) - start)) s"
summary_print clients "$passed" "$failed"
[ "$failed" -eq 0 ]
