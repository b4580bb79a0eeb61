#!/bin/bash
# Every test suite (what `make check` runs): the lint suite (tests/lint/run.sh: cppcheck,
# clang-tidy, the floors check), unit tests (tests/run-unit.sh on the built tests/unit/test_*
# binaries), the integration suite, then tests/clients/run.sh and tests/guest/run.sh when they
# exist. Each prints "<suite>: N passed, N failed"; this script sums them and ends with exactly
# one last line "N passed, N failed". Exits non-zero on failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$(dirname "$here")" || exit 1

# Host-wide things ocrun makes on first use: removed at the end if they were not here before.
ledger_existed=false
[ -e /run/ocrun-ledger ] && ledger_existed=true
# Shared cgroup parents the suites create (/ocrun-test for test containers, /ocrun for the default
# cgroupsPath): removed at the end when empty; rmdir refuses a parent that still has children.
cleanup_host() {
  local d
  for d in /sys/fs/cgroup/*/ocrun-test /sys/fs/cgroup/*/ocrun; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  if ! $ledger_existed && [ -f /run/ocrun-ledger/ledger.json ] &&
    grep -q '"entries":\[\]' /run/ocrun-ledger/ledger.json; then
    rm -rf /run/ocrun-ledger
  fi
  return 0
}

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
  local line p f
  line=$(grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "$name: no summary line (exit status $rc): counted as 1 failure"
    p=0 f=1
  else
    p=$(sed -E 's/^[^:]+: ([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/^[^:]+: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
      echo "$name: exit status $rc with no failed test: counted as 1 failure"
      f=1
    fi
  fi
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
  results+=("$name: $p passed, $f failed")
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

for s in clients guest; do
  if [ -x "tests/$s/run.sh" ]; then
    run_suite "$s" "tests/$s/run.sh"
  else
    results+=("$s: not present")
  fi
done

cleanup_host
echo "===== summary"
printf '%s\n' "${results[@]}"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
