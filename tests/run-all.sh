#!/bin/bash
# Every test suite (what `make check` runs): the lint suite (tests/lint/run.sh: cppcheck,
# clang-tidy, the floors check), unit tests (tests/run-unit.sh on the built tests/unit/test_*
# binaries), the integration suite, the security suite (tests/security/run.sh), the sanitizer suites (tests/sanitize: asan, valgrind), the fuzz corpora replayed (tests/fuzz/run.sh), then
# tests/clients/run.sh, tests/cri/run.sh, tests/guest/run.sh and tests/lab/run.sh (the lab's smoke mode)
# when they exist. Each prints
# "<suite>: N passed, N failed"; this script sums them and ends with exactly one last line
# "N passed, N failed". Exits non-zero on failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$(dirname "$here")" || exit 1
. "$here/lib/summary.sh"

# The ledger and shared cgroup parents the suites make go again at the end (tests/lib/host.sh).
. "$here/lib/host.sh"
host_state_save

total_passed=0
total_failed=0
results=()
log=$(mktemp /tmp/ocrun-check.XXXXXX)
trap 'rm -f "$log"' EXIT

# run_suite NAME CMD...: run, stream the output, add up its summary line.
run_suite() {
  local name=$1
  shift
  echo "===== $name: $*"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f
  if ! summary_read "$log" "$name"; then
    echo "$name: no summary line (exit status $rc): counted as 1 failure"
    p=0 f=1
  else
    p=$SUMMARY_PASSED f=$SUMMARY_FAILED
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
      echo "$name: exit status $rc with no failed test: counted as 1 failure"
      f=1
    fi
  fi
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
  results+=("$(summary_print "$name" "$p" "$f")")
}

run_suite lint tests/lint/run.sh

unit_bins=()
for b in tests/unit/test_*; do
  [ -f "$b" ] && [ -x "$b" ] && [[ "$b" != *.* ]] && unit_bins+=("$b")
done
if [ -x tests/run-unit.sh ]; then
  run_suite unit tests/run-unit.sh "${unit_bins[@]}"
else
  echo "===== unit: tests/run-unit.sh missing"
  results+=("unit: missing")
fi

run_suite integration tests/run-integration.sh
run_suite security tests/security/run.sh

# The sanitizers: unit tests and integration files against the ASan+UBSan build (build/asan/),
# memcheck over the unit test binaries (tests/sanitize/).
run_suite asan tests/sanitize/asan.sh
run_suite valgrind tests/sanitize/valgrind.sh "${unit_bins[@]}"
# The libFuzzer targets (built by make check) replay their stored corpora once: a parser change
# that crashes on a known input, or a target that no longer builds, fails here.
run_suite fuzz env FUZZ_TIME=0 tests/fuzz/run.sh

for s in clients cri guest lab; do
  if [ -x "tests/$s/run.sh" ]; then
    run_suite "$s" "tests/$s/run.sh"
  else
    results+=("$s: not present")
  fi
done

host_state_restore
echo "===== summary"
printf '%s\n' "${results[@]}"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
