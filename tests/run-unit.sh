#!/usr/bin/env bash
# Run cmocka unit test binaries and sum their results.
# Usage: tests/run-unit.sh tests/unit/test_a tests/unit/test_b ...
# Ends with "unit: N passed, N failed" (", N skipped" when some were); exits 1 if any failed.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib/summary.sh"

passed=0 failed=0 skipped=0
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
export CMOCKA_MESSAGE_OUTPUT=stdout

count() { # count LABEL: the N of the first "[  LABEL ] N test(s)" line, 0 if none
  sed -n "s/^\[ *$1 *\] \([0-9][0-9]*\) test(s).*/\1/p" "$out" | head -n 1
}

for bin in "$@"; do
  echo "== $bin"
  if [ ! -x "$bin" ]; then
    echo "$bin: not found or not executable"
    failed=$((failed + 1))
    continue
  fi
  timeout 600 "$bin" >"$out" 2>&1
  rc=$?
  cat "$out"
  p=$(count PASSED) f=$(count FAILED) s=$(count SKIPPED)
  passed=$((passed + ${p:-0}))
  skipped=$((skipped + ${s:-0}))
  failed=$((failed + ${f:-0}))
  # A crash, a timeout or an error outside any test leaves no FAILED count: count the binary.
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
    echo "$bin: exited with status $rc"
    failed=$((failed + 1))
  fi
done

summary_print unit "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
