#!/bin/bash
# Benchmark (not a test): the scenarios of issue 12 for ocrun, runc and crun, interleaved.
# Usage: tests/bench/scenarios.sh [-n ITERATIONS] [-f]    (default 20; -f or FULL=1: everything)
#   quick set: floor (unshare -mpiun --fork true), run, run with podman's seccomp profile,
#              exec into a running container, create+start+delete, a burst of 10 parallel runs,
#              peak RSS of each runtime's run process
#   full set adds: a burst of 50, and the 0 -> 200 -> 500 running containers curve of create,
#              delete and `capacity` time (ocrun only, policy on: tests/bench/scaling.sh)
# Every runtime gets the same config (ociVersion 1.1.0, busybox rootfs, its own cgroup
# /ocrun-test/<tag>-<id>); the whole loop runs in one private mount namespace without
# /sys/fs/cgroup/unified (crun 1.8.1 refuses hybrid hosts). For this side-by-side comparison of
# runtimes ocrun runs with OCRUN_POLICY {"mode":"off"} (runc and crun have no admission, and a
# burst of 50 default-sized containers, 1 vCPU each, would be refused on 2 CPUs); the scaling
# curve runs with the policy on (tests/bench/scaling.sh).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
repo=$(cd "$here/../.." && pwd)
N=20
FULL=${FULL:-}
while getopts n:f o; do
  case $o in
    n) N=$OPTARG ;;
    f) FULL=1 ;;
    *) echo "usage: $0 [-n ITERATIONS] [-f]" >&2; exit 2 ;;
  esac
done
[ "$N" -ge 1 ] 2>/dev/null || { echo "bench: -n needs a positive number" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }

declare -A BIN=([ocrun]=${OCRUN:-$repo/ocrun} [runc]=${RUNC:-/usr/sbin/runc} [crun]=${CRUN:-/usr/bin/crun})
NAMES=()
for rt in ocrun runc crun; do
  if [ -x "${BIN[$rt]}" ]; then NAMES+=("$rt"); else echo "bench: ${BIN[$rt]} not found, skipping $rt" >&2; fi
done
[ ${#NAMES[@]} -gt 0 ] || exit 1

work=$(mktemp -d /tmp/ocrun-bench.XXXXXX)
tag=bsc$$
cleanup() {
  local rt d
  for rt in "${NAMES[@]}"; do
    for d in "$work/state-$rt"/*/; do
      [ -d "$d" ] && "${BIN[$rt]}" --root "$work/state-$rt" delete --force "$(basename "$d")" >/dev/null 2>&1 || true
    done
  done
  for d in /sys/fs/cgroup/*/ocrun-test/"$tag"-* /sys/fs/cgroup/ocrun-test/"$tag"-*; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  rm -rf --one-file-system "$work"
  return 0
}
trap cleanup EXIT
echo '{"mode":"off"}' > "$work/policy.json"
export OCRUN_POLICY=$work/policy.json

# One rootfs, one base config; every container gets a bundle dir of its own (config.json with
# an absolute root.path and its own cgroup), made before the timing starts.
CGROUP_NAME=$tag-base "$repo/tests/lib/make-bundle.sh" "$work/base" /bin/true
jq --arg r "$work/base/rootfs" '.ociVersion = "1.1.0" | .root.path = $r' \
  "$work/base/config.json" > "$work/plain.json"
jq '.process.args = ["sleep", "1000000"]' "$work/plain.json" > "$work/sleep.json"
SECCOMP=/usr/share/containers/seccomp.json
if [ -r "$SECCOMP" ]; then
  # containers/common's format to OCI, as podman converts it (tests/lib/podman-seccomp.jq).
  caps=$(jq -c .process.capabilities.bounding "$work/plain.json")
  jq -c --argjson caps "$caps" --argjson drop '[]' --argjson eperm false \
    -f "$here/../lib/podman-seccomp.jq" "$SECCOMP" > "$work/seccomp.oci"
  jq --slurpfile s "$work/seccomp.oci" '.linux.seccomp = $s[0]' "$work/plain.json" > "$work/seccomp.json"
else
  echo "bench: $SECCOMP not installed (golang-github-containers-common): no seccomp scenario" >&2
fi
for rt in "${NAMES[@]}"; do mkdir -p "$work/state-$rt"; done

export N FULL work tag BENCH_LIB=$here/lib.sh
export NAMES_LIST="${NAMES[*]}"
for rt in "${NAMES[@]}"; do export "BIN_$rt=${BIN[$rt]}"; done
unshare -m --propagation private bash -c '
  set -u
  . "$BENCH_LIB"
  if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi
  read -r -a names <<<"$NAMES_LIST"
  n=${#names[@]}
  seq=0
  # bundle TEMPLATE: a fresh bundle dir for one container; its id (= dir name) in $BID.
  bundle() {
    seq=$((seq + 1))
    BID=c$seq
    mkdir "$work/b-$BID"
    jq --arg c "/ocrun-test/$tag-$BID" ".linux.cgroupsPath = \$c" "$work/$1.json" > "$work/b-$BID/config.json"
  }
  bin_of() { local v=BIN_$1; echo "${!v}"; }
  # record SCENARIO RT START: append elapsed microseconds to $work/SCENARIO.RT (the clock is
  # bench_mark: a $(...) would fork bash inside every interval)
  record() { local e; bench_mark e; echo $(( e - $3 )) >> "$work/$1.$2"; }
  fail() { echo "bench: $1 $2 failed: $(tail -n 1 "$work/err" 2>/dev/null)" >&2; echo FAIL >> "$work/$1.$2"; }
  R() { local v=BIN_$1; "${!v}" --root "$work/state-$1" "${@:2}" </dev/null >/dev/null 2>"$work/err"; }

  t_floor() { local s; bench_mark s; unshare -mpiun --fork true && record floor floor "$s"; }
  t_run() {  # t_run RT TEMPLATE SCENARIO
    local id s; bundle "$2"; id=$BID; bench_mark s
    if R "$1" run --bundle "$work/b-$id" "$id"; then record "$3" "$1" "$s"; else fail "$3" "$1"; fi
  }
  t_csd() {  # create + start + delete, as podman (conmon) and containerd drive it
    local id s rt=$1; bundle plain; id=$BID; bench_mark s
    if R "$rt" create --bundle "$work/b-$id" "$id" && R "$rt" start "$id" &&
       R "$rt" delete --force "$id"; then record csd "$rt" "$s"; else fail csd "$rt"; R "$rt" delete --force "$id"; fi
  }
  declare -A SLEEPER
  t_exec() {
    local s; bench_mark s
    if R "$1" exec "${SLEEPER[$1]}" true; then record exec "$1" "$s"; else fail exec "$1"; fi
  }
  t_burst() {  # t_burst RT K: wall time of K parallel runs
    local rt=$1 k=$2 i ids=() pids=() s ok=1
    for ((i = 0; i < k; i++)); do bundle plain; ids+=("$BID"); done
    bench_mark s
    for id in "${ids[@]}"; do R "$rt" run --bundle "$work/b-$id" "$id" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || ok=0; done
    if [ $ok = 1 ]; then record "burst$k" "$rt" "$s"; else fail "burst$k" "$rt"; fi
  }
  # each FN ITER ARGS...: FN RT ARGS for every runtime, order rotated by ITER.
  each() {
    local f=$1 i=$2 k; shift 2
    for ((k = 0; k < n; k++)); do "$f" "${names[(i + k) % n]}" "$@"; done
  }

  for rt in "${names[@]}"; do
    bundle sleep; id=$BID
    R "$rt" run --detach --bundle "$work/b-$id" "$id" || echo "bench: $rt sleeper failed: $(cat "$work/err")" >&2
    SLEEPER[$rt]=$id
  done
  # Warm-up, not counted.
  for i in 1 2; do t_floor; each t_run $i plain run; each t_exec $i; done
  rm -f "$work"/floor.* "$work"/run.* "$work"/exec.*
  bursts=(10); [ -n "$FULL" ] && bursts+=(50)
  for ((i = 0; i < N; i++)); do
    t_floor
    each t_run "$i" plain run
    [ -f "$work/seccomp.json" ] && each t_run "$i" seccomp run_seccomp
    each t_exec "$i"
    each t_csd "$i"
    if ((i < (N + 1) / 2)); then for k in "${bursts[@]}"; do each t_burst "$i" "$k"; done; fi
  done
  # Peak RSS of the runtime process and the children it waited for (time(1), median of 5).
  if [ -x /usr/bin/time ]; then
    for i in 1 2 3 4 5; do
      for rt in "${names[@]}"; do
        bundle plain; id=$BID
        /usr/bin/time -f %M -a -o "$work/rss.$rt" "$(bin_of "$rt")" --root "$work/state-$rt" run \
          --bundle "$work/b-$id" "$id" </dev/null >/dev/null 2>&1 || true
      done
    done
  fi
  for rt in "${names[@]}"; do R "$rt" delete --force "${SLEEPER[$rt]}"; done
'


cgmode=hybrid; [ -f /sys/fs/cgroup/cgroup.controllers ] && cgmode=v2
echo "ocrun scenarios benchmark: kernel $(uname -r), $(nproc) cpus, host cgroups $cgmode (timed as pure v1:"
echo "  private mount ns without /sys/fs/cgroup/unified), $N iterations (bursts: $(((N + 1) / 2))), interleaved"
for rt in "${NAMES[@]}"; do printf '  %-6s %s\n' "$rt" "$("${BIN[$rt]}" --version 2>/dev/null | head -n 1)"; done
read -r FLOOR _ < <(bench_stats "$work/floor.floor")
echo "floor (unshare -mpiun --fork true): median $FLOOR ms, p90 $(bench_stats "$work/floor.floor" | cut -d' ' -f2) ms"
printf '%-12s %-6s %9s %9s %5s %5s %10s %10s %10s\n' scenario runtime "median ms" "p90 ms" runs fails "/crun" "/runc" "/floor"
for sc in run run_seccomp exec csd burst10 burst50; do
  declare -A MED=()
  for rt in "${NAMES[@]}"; do read -r MED[$rt] _ < <(bench_stats "$work/$sc.$rt"); done
  for rt in "${NAMES[@]}"; do
    [ -f "$work/$sc.$rt" ] || continue
    read -r med p90 count fails < <(bench_stats "$work/$sc.$rt")
    printf '%-12s %-6s %9s %9s %5s %5s %10s %10s %10s\n' "$sc" "$rt" "$med" "$p90" "$count" "$fails" \
      "$(bench_div "$med" "${MED[crun]:--}")" "$(bench_div "$med" "${MED[runc]:--}")" "$(bench_div "$med" "$FLOOR")"
  done
done
echo "peak RSS of the runtime's run process (KB, median of 5, /usr/bin/time %M):"
for rt in "${NAMES[@]}"; do
  [ -s "$work/rss.$rt" ] && printf '  %-6s %s\n' "$rt" "$(grep -E '^[0-9]+$' "$work/rss.$rt" | sort -n | sed -n 3p)"
done
if [ -n "$FULL" ] && [[ " ${NAMES[*]} " == *" ocrun "* ]]; then
  OCRUN=${BIN[ocrun]} "$here/scaling.sh" -n 10
fi
