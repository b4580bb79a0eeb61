# shellcheck shell=bash
# The summary lines of the test runners, written and read in one place. Source it (bash).
# Every runner ends with "<suite>: N passed, N failed" (unit may add ", N skipped");
# tests/run-all.sh ends with the total "N passed, N failed".

# summary_print SUITE PASSED FAILED [SKIPPED]: the last line of a runner. SKIPPED > 0 is appended.
summary_print() {
  local line="$1: $2 passed, $3 failed"
  [ "${4:-0}" -gt 0 ] && line="$line, $4 skipped"
  printf '%s\n' "$line"
}

# summary_read FILE [SUITE]: the last summary line in FILE (of SUITE, or of any suite) into
# SUMMARY_SUITE, SUMMARY_PASSED and SUMMARY_FAILED. Returns 1 when FILE has none.
summary_read() {
  local re='^([A-Za-z0-9_-]+): ([0-9]+) passed, ([0-9]+) failed(, [0-9]+ skipped)?$'
  local line
  SUMMARY_SUITE='' SUMMARY_PASSED=0 SUMMARY_FAILED=0
  line=$(grep -E "$re" "$1" | { if [ -n "${2:-}" ]; then grep "^$2: "; else cat; fi; } | tail -n 1)
  [[ $line =~ $re ]] || return 1
  SUMMARY_SUITE=${BASH_REMATCH[1]}
  SUMMARY_PASSED=${BASH_REMATCH[2]}
  SUMMARY_FAILED=${BASH_REMATCH[3]}
}

# tap_count FILE: count the TAP lines of FILE ("ok ...", "not ok ...", "ok ... # skip ...") into
# TAP_PASSED (ok, not skipped), TAP_FAILED, TAP_SKIPPED and TAP_MISSING (planned by "1..N" but
# never reported; 0 without a plan).
tap_count() {
  local ok planned
  ok=$(grep -cE '^ok ' "$1")
  TAP_SKIPPED=$(grep -cE '^ok .*# skip' "$1")
  TAP_FAILED=$(grep -cE '^not ok ' "$1")
  TAP_PASSED=$((ok - TAP_SKIPPED))
  planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$1" | head -n 1)
  TAP_MISSING=0
  if [ -n "$planned" ] && [ $((planned - ok - TAP_FAILED)) -gt 0 ]; then
    TAP_MISSING=$((planned - ok - TAP_FAILED))
  fi
  return 0
}
