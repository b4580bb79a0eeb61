#!/bin/bash
# Benchmark (not a test): what the CVE-2019-5736 protection (runtime/exe_protect.c) costs on the
# start path. Times, interleaved, for each binary given:
#   run     `BIN run` of /bin/true in a busybox bundle (create + start + wait + delete);
#   create  `BIN create` alone (then start and delete, untimed);
#   exec    `BIN exec` of /bin/true in a running container;
#   help    `BIN create --help`: the protection alone (create protects itself, then only prints
#           its usage).
# Usage: tests/bench/exe_protect.sh [-n N] NAME=BINARY [NAME=BINARY...]
#   e.g. old=/tmp/old/ocrun new=./ocrun memfd=./ocrun (a name "memfd..." runs with
#   OCRUN_PROTECT_EXE=memfd). Prints median, p10 and p90 in ms per binary and command, and the
#   median of tests/bench/exe_protect_cost.c (the protection steps alone) when gcc is there.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
N=200
while getopts n: o; do
  case $o in
    n) N=$OPTARG ;;
    *) echo "usage: $0 [-n N] NAME=BINARY..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-n N] NAME=BINARY..." >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }

names=()
declare -A BIN
for a in "$@"; do
  name=${a%%=*} bin=${a#*=}
  bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
  [ -x "$bin" ] || { echo "bench: $bin not found" >&2; exit 1; }
  names+=("$name")
  BIN[$name]=$bin
done

work=$(mktemp -d /tmp/ocrun-exe-bench.XXXXXX)
tag=exebench$$
cleanup() {
  local d
  for name in "${names[@]}"; do
    for d in "$work/state-$name"/*/; do
      [ -d "$d" ] && "${BIN[$name]}" --root "$work/state-$name" delete --force "$(basename "$d")" >/dev/null 2>&1
    done
  done
  for d in /sys/fs/cgroup/*/ocrun-test/"$tag"-*; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

rt() {  # rt NAME ARGS...: the binary NAME with its own state root
  local name=$1
  shift
  if [[ $name == memfd* ]]; then
    OCRUN_PROTECT_EXE=memfd "${BIN[$name]}" --root "$work/state-$name" "$@"
  else
    "${BIN[$name]}" --root "$work/state-$name" "$@"
  fi
}
for name in "${names[@]}"; do
  CGROUP_NAME=$tag-$name "$repo/tests/lib/make-bundle.sh" "$work/bundle-$name" /bin/true
  CGROUP_NAME=$tag-$name-s "$repo/tests/lib/make-bundle.sh" "$work/sleeper-$name" sleep 100000
  mkdir -p "$work/state-$name"
  rt "$name" run --detach --bundle "$work/sleeper-$name" sleeper </dev/null >/dev/null 2>&1
done

timed() {  # timed FILE CMD...: append CMD's wall time in microseconds to FILE
  local f=$1 s e
  shift
  s=$EPOCHREALTIME
  "$@" </dev/null >/dev/null 2>>"$work/errors" || { echo FAIL >>"$f"; return 0; }
  e=$EPOCHREALTIME
  echo $((${e/./} - ${s/./})) >>"$f"
}
one() {  # one NAME I
  local name=$1 i=$2
  timed "$work/$name.run" rt "$name" run --bundle "$work/bundle-$name" "r$i"
  timed "$work/$name.create" rt "$name" create --bundle "$work/bundle-$name" "c$i"
  rt "$name" start "c$i" >/dev/null 2>&1 || true
  rt "$name" delete --force "c$i" >/dev/null 2>&1 || true
  timed "$work/$name.exec" rt "$name" exec sleeper /bin/true
  timed "$work/$name.help" rt "$name" create --help
}
for name in "${names[@]}"; do one "$name" w1; one "$name" w2; done  # warm-up, not counted
rm -f "$work"/*.run "$work"/*.create "$work"/*.exec "$work"/*.help
n=${#names[@]}
for ((i = 0; i < N; i++)); do
  for ((k = 0; k < n; k++)); do one "${names[(i + k) % n]}" "$i"; done
done

stats() {  # median p10 p90 (ms) and failures of FILE
  grep -v FAIL "$1" | sort -n | awk -v fails="$(grep -c FAIL "$1" || true)" '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "- - - " fails; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      p10 = v[int(0.1 * NR) + 1]; p90 = v[int(0.9 * NR + 0.999999)]
      printf "%.2f %.2f %.2f %d\n", m / 1000, p10 / 1000, p90 / 1000, fails
    }'
}
echo "exe protection benchmark: kernel $(uname -r), $(nproc) cpus, $N runs per binary and command, interleaved"
for name in "${names[@]}"; do echo "  $name: ${BIN[$name]} ($(stat -c %s "${BIN[$name]}") bytes)"; done
printf '%-10s %-7s %10s %8s %8s %6s\n' binary command "median ms" "p10" "p90" fails
for cmd in run create exec help; do
  for name in "${names[@]}"; do
    read -r med p10 p90 fails < <(stats "$work/$name.$cmd")
    printf '%-10s %-7s %10s %8s %8s %6s\n' "$name" "$cmd" "$med" "$p10" "$p90" "$fails"
  done
done
[ -s "$work/errors" ] && { echo "errors (first 5):"; head -n 5 "$work/errors"; }
if command -v gcc >/dev/null; then
  gcc -O2 -o "$work/exe_protect_cost" "$here/exe_protect_cost.c"
  for bin in $(printf '%s\n' "${BIN[@]}" | sort -u); do "$work/exe_protect_cost" "$bin" 300; done
fi
