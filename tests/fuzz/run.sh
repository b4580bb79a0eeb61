#!/bin/bash
# Run libFuzzer targets (built by `make fuzz-build` into build/fuzz/) for FUZZ_TIME seconds each
# (default 60), at nice 19. Target build/fuzz/fuzz_NAME keeps its corpus in tests/fuzz/corpus/NAME/
# (seeded from the test fixtures and the spec outputs of ocrun, runc and crun; new inputs land
# there too: commit only what `FUZZ_MINIMIZE=1` leaves) and gets a dictionary of the string
# literals of the sources it parses. A crash, leak, sanitizer report or timeout leaves its input
# in build/fuzz/artifacts/NAME/ and fails the target; it belongs in a unit test (tests/unit).
# Prints, per target, libFuzzer's last status line (execs, coverage, features), and ends with
# "fuzz: N passed, N failed".
# FUZZ_TIME=0 only replays each corpus (-runs=0: every stored input once, nothing new written):
# what `make check` runs, so a parser change that crashes on a known input fails there.
# Usage: tests/fuzz/run.sh build/fuzz/fuzz_config ...   (all built targets when none is named)
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../.." || exit 1
. tests/lib/summary.sh

time=${FUZZ_TIME:-60}
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=(build/fuzz/fuzz_*)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The source files whose string literals make a target's dictionary.
dict_sources() {
  case $1 in
    config) echo oci/*.c namespaces/mount_options.c ;;
    process) echo oci/config_process.c oci/config_json.c oci/names.c ;;
    resources) echo oci/config_resources.c oci/config_json.c ;;
    policy) echo overcommit/policy.c ;;
    state) echo runtime/state.c ;;
    signal_id) echo runtime/signals.c ;;
    mount_options) echo namespaces/mount_options.c ;;
    *) ;;
  esac
}

passed=0 failed=0
for bin in "${bins[@]}"; do
  name=$(basename "$bin")
  name=${name#fuzz_}
  corpus=tests/fuzz/corpus/$name
  art=build/fuzz/artifacts/$name
  log=build/fuzz/$name.log
  mkdir -p "$corpus" "$art"
  dict=()
  srcs=$(dict_sources "$name")
  if [ -n "$srcs" ]; then
    # shellcheck disable=SC2086
    grep -oh '"[A-Za-z_][A-Za-z0-9_.+=-]\{1,40\}"' $srcs | sort -u >"build/fuzz/$name.dict"
    dict=(-dict="build/fuzz/$name.dict")
  fi
  echo "== $name: ${time}s, corpus $corpus ($(find "$corpus" -type f | wc -l) inputs)"
  limit=(-max_total_time="$time")
  [ "$time" != 0 ] || limit=(-runs=0)
  nice -n 19 "$bin" "${dict[@]}" "${limit[@]}" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$art/" "$corpus" >"$log" 2>&1
  rc=$?
  grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -n 1
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log"
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "$name: FAILED (exit $rc), artifacts in $art/, log $log:"
    grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "$log" | head -n 20
  fi
  if [ "${FUZZ_MINIMIZE:-0}" = 1 ]; then
    min=$(mktemp -d)
    nice -n 19 "$bin" -merge=1 "$min" "$corpus" >>"$log" 2>&1 &&
      rm -rf "$corpus" && mv "$min" "$corpus" && chmod 755 "$corpus" &&
      echo "$name: minimized to $(find "$corpus" -type f | wc -l) inputs"
  fi
done
summary_print fuzz "$passed" "$failed"
[ "$failed" -eq 0 ]
