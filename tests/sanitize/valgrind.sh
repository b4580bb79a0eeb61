#!/bin/bash
# memcheck over unit test binaries (`make check-valgrind`; the normal -O2 build): an invalid
# read or write, a use of an uninitialised value, a definite leak or an fd left open at exit fails
# the binary (--error-exitcode), as does a test that fails. Children are traced too, so the
# forked test cases are checked as well.
# Usage: tests/sanitize/valgrind.sh tests/unit/test_a ...   (every built unit test when none)
# Ends with "valgrind: N passed, N failed" (one per binary).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../.." || exit 1
. tests/lib/summary.sh

bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  for b in tests/unit/test_*; do [ -x "$b" ] && [[ "$b" != *.* ]] && bins+=("$b"); done
fi
command -v valgrind >/dev/null || { echo "valgrind: not installed (tests/lib/install-deps.sh)"; summary_print valgrind 0 1; exit 1; }
log=$(mktemp /tmp/ocrun-valgrind.XXXXXX)
trap 'rm -f "$log"' EXIT
export CMOCKA_MESSAGE_OUTPUT=stdout
# The few unit tests that cannot run under valgrind skip, saying why (tests/unit/helpers.h).
export OCRUN_TEST_VALGRIND=1

passed=0 failed=0 start=$SECONDS
for bin in "${bins[@]}"; do
  t0=$SECONDS
  timeout 900 valgrind --tool=memcheck --vgdb=no --suppressions=tests/sanitize/valgrind.supp --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --trace-children=yes --child-silent-after-fork=no --track-fds=no -q "$bin" >"$log" 2>&1
  rc=$?
  skips=$(grep -c '^skipped under valgrind: ' "$log")
  if [ "$rc" -eq 0 ]; then
    echo "ok - $bin ($((SECONDS - t0))s$([ "$skips" -gt 0 ] && echo ", $skips skipped under valgrind"))"
    grep '^skipped under valgrind: ' "$log" | sed 's/^/#   /'
    passed=$((passed + 1))
  else
    echo "not ok - $bin: exit status $rc$([ "$rc" -eq 99 ] && echo ', memcheck errors')"
    grep -E '^==[0-9]+==|FAILED|ERROR' "$log" | head -n 80 | sed 's/^/#   /'
    failed=$((failed + 1))
  fi
done
echo "valgrind: $((SECONDS - start))s"
summary_print valgrind "$passed" "$failed"
[ "$failed" -eq 0 ]
