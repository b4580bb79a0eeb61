# shellcheck shell=bash
# What the benchmark scripts share: source it (`. "$here/lib.sh"`) after `set -euo pipefail`.
#   bench_require_root          exit 1 unless root
#   bench_mark VAR              wall clock in microseconds ($EPOCHREALTIME without the dot) into
#                               VAR, without the fork of a $(...), which would count in intervals
#   bench_stats FILE            "median p90 count failures" in ms of a file of microsecond values
#                               (lines "FAIL" count as failures); "- - 0 0" when FILE is missing
#   bench_div A B               A / B with two decimals, "-" when either is missing or B is 0
#   bench_env                   one line: kernel, CPUs, the host's cgroup mode
export LC_ALL=C

bench_require_root() {
  [ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
}

bench_mark() {
  local t=$EPOCHREALTIME
  printf -v "$1" %s "${t/./}"
}

bench_stats() {
  [ -f "$1" ] || { echo "- - 0 0"; return; }
  grep -v FAIL "$1" | sort -n | awk -v fails="$(grep -c FAIL "$1" || true)" '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "- - 0", fails; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      p = int(0.9 * NR + 0.999999); if (p < 1) p = 1; if (p > NR) p = NR
      printf "%.1f %.1f %d %d\n", m / 1000, v[p] / 1000, NR, fails
    }'
}

bench_div() {
  if [[ "$1" != - && "$2" != - && "$2" != 0.0 ]]; then
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
  else
    echo -
  fi
}

bench_env() {
  local mode=hybrid
  [ -f /sys/fs/cgroup/cgroup.controllers ] && mode=v2
  echo "kernel $(uname -r), $(nproc) cpus, host cgroups $mode"
}
