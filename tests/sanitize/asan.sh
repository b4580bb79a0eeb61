#!/bin/bash
# The ASan+UBSan suite (`make check-asan`, built by `make asan` into build/asan/): the unit tests
# built with the sanitizers, then integration files run against build/asan/ocrun. Every
# sanitizer report (ASan, LeakSanitizer, UBSan) of any ocrun process -- also one whose exit status
# a test expected to be non-zero, or a child that never reports its status -- is written to a
# file in a scratch dir (log_path) and counted as one failure; the reports are printed.
# ASAN_FILES (default: lifecycle exec process mounts security/bad_input security/leaked_fds) names
# the bats files (tests/integration/NAME.bats, or tests/DIR/NAME.bats for DIR/NAME); "all"
# runs every bats file (the root-only C checks are not built with the sanitizers).
# Ends with "asan: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo" || exit 1
. tests/lib/summary.sh

asan=$repo/build/asan
reports=$(mktemp -d /tmp/ocrun-asan.XXXXXX)
log=$(mktemp /tmp/ocrun-asan-log.XXXXXX)
trap 'rm -rf "$reports" "$log"' EXIT
# Leak checking stays on (LeakSanitizer runs at every exit() of an ocrun process); the reports
# go to files so that tests reading ocrun's stderr see only ocrun's messages.
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:exitcode=86:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1:exitcode=86"
export LSAN_OPTIONS="exitcode=86"

passed=0 failed=0 start=$SECONDS
[ -x "$asan/ocrun" ] || { echo "asan: $asan/ocrun not built (make asan)"; summary_print asan 0 1; exit 1; }

# count_reports WHAT: every report file since the last call is one failure of WHAT. A file
# without a report (LeakSanitizer saying it could not stop a thread that was being killed, as a
# test's kill -9 can do) is printed as a note.
count_reports() {
  local f n=0
  for f in "$reports"/*; do
    [ -f "$f" ] || continue
    if ! grep -qE 'ERROR: |runtime error: |SUMMARY: ' "$f"; then
      echo "# $1: sanitizer note $(basename "$f"): $(head -c 300 "$f" | tr '\n' ' ')"
      rm -f "$f"
      continue
    fi
    echo "not ok - $1: sanitizer report $(basename "$f"):"
    sed 's/^/#   /' "$f" | head -n 60
    rm -f "$f"
    n=$((n + 1))
  done
  failed=$((failed + n))
  return $((n > 0))
}

# 1. The unit tests, built with the sanitizers.
units=()
for b in "$asan"/tests/unit/test_*; do [ -x "$b" ] && [[ "$b" != *.* ]] && units+=("$b"); done
CMOCKA_MESSAGE_OUTPUT=stdout tests/run-unit.sh "${units[@]}" >"$log" 2>&1
cat "$log"
if summary_read "$log" unit; then
  passed=$((passed + SUMMARY_PASSED))
  failed=$((failed + SUMMARY_FAILED))
else
  echo "not ok - asan unit tests: no summary line"
  failed=$((failed + 1))
fi
count_reports "unit tests"

# 2. Integration files against the sanitized binary.
files=()
if [ "${ASAN_FILES:-}" = all ]; then
  files=(tests/integration/*.bats)
else
  for f in ${ASAN_FILES:-lifecycle exec process mounts security/bad_input security/leaked_fds}; do
    case $f in
      */*) files+=("tests/$f.bats") ;;
      *) files+=("tests/integration/$f.bats") ;;
    esac
  done
fi
RUNTIME=$asan/ocrun tests/run-integration.sh "${files[@]}" 2>&1 | tee "$log"
if summary_read "$log" integration; then
  passed=$((passed + SUMMARY_PASSED))
  failed=$((failed + SUMMARY_FAILED))
else
  echo "not ok - asan integration: no summary line"
  failed=$((failed + 1))
fi
count_reports "integration against build/asan/ocrun"

echo "asan: $((SECONDS - start))s"
summary_print asan "$passed" "$failed"
[ "$failed" -eq 0 ]
