#!/bin/bash
# The lint suite, first in `make check`: one test per check, each must report zero findings.
#   cppcheck    make lint-cppcheck (tests/lint/cppcheck-suppressions.txt says what is off and why)
#   clang-tidy  make lint-tidy     (.clang-tidy says which checks and why some are off)
#   floors      tests/lint/floors.py --objects: no include or call up a floor, no file cycle
#               (reads the built objects: builds them first if needed)
#   cli-flags   tests/lint/cli_flags.py: each command's --help describes every flag it accepts,
#               bash completion offers exactly those, the man page mentions each
# Ends with "lint: N passed, N failed"; exits non-zero if any failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../.." || exit 1
MAKE=${MAKE:-make}
passed=0 failed=0

# check NAME CMD...: run CMD, print its output and how long it took, count it.
check() {
  local name=$1 start=$SECONDS
  shift
  echo "== $name: $*"
  if "$@"; then
    echo "ok   $name ($((SECONDS - start)) s)"
    passed=$((passed + 1))
  else
    echo "FAIL $name ($((SECONDS - start)) s)"
    failed=$((failed + 1))
  fi
}

check cppcheck "$MAKE" -s --no-print-directory lint-cppcheck
check clang-tidy "$MAKE" -s --no-print-directory lint-tidy
if [ -f tests/lint/floors.py ]; then
  floors() { "$MAKE" -s --no-print-directory ocrun && python3 tests/lint/floors.py --objects; }
  check floors floors
fi

cli_flags() { "$MAKE" -s --no-print-directory ocrun && python3 tests/lint/cli_flags.py; }
check cli-flags cli_flags

echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
