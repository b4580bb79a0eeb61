#!/bin/bash
# run.sh: the client suites (containerd, podman) against $RUNTIME (default ./ocrun).
# Last line: `clients: N passed, N failed`; exits non-zero if anything failed.
# Usage: tests/clients/run.sh [containerd|podman ...]   (default: both)
# Environment: see lib.sh (RUNTIME, CLIENTS_TRACE, CLIENTS_TIMEOUT, CLIENTS_KEEP, ONLY=regex).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export RUNTIME=${RUNTIME:-$repo/ocrun}

[ $# -gt 0 ] || set -- containerd podman
passed=0
failed=0
start=$(date +%s)
echo "clients: runtime $RUNTIME"
if ! "$here/image.sh" >/dev/null; then
  echo "not ok clients: image: could not build the busybox image archive"
  echo "clients: 0 passed, 1 failed"
  exit 1
fi
for suite in "$@"; do
  out=$(mktemp)
  "$here/$suite.sh" 2>&1 | tee "$out"
  summary=$(grep -E "^$suite: [0-9]+ passed, [0-9]+ failed$" "$out" | tail -n 1)
  if [ -n "$summary" ]; then
    read -r p f < <(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1 \2/' <<<"$summary")
    passed=$((passed + p))
    failed=$((failed + f))
  else
    echo "not ok clients: $suite: the suite did not finish (see its output above)"
    failed=$((failed + 1))
  fi
  rm -f "$out"
done
echo "clients: took $(($(date +%s) - start)) s"
echo "clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
