#!/bin/bash
# Benchmark (not a test): what grows with the node. With 0, 200, 500 (LEVELS) containers
# already running, the time of `create`, of `delete --force` and of `capacity`, ocrun only.
# Usage: tests/bench/scaling.sh [-n ITERATIONS] [-l "0 200 500"] [-o CSV]   (default 10 per level)
#   OCRUN=path picks the binary (default ./ocrun). Run it under the shared lock.
# The policy is ON, as users get it (the built-in defaults, mode enforce): every container is
# sized like a small flavour, 16 MiB of memory and 0.05 vCPU (the io.github.ocrun.vcpus
# annotation), so 500 of them fit this 2-CPU, 24 GiB node (VCPU capacity 2 × 16.0 = 32) and every
# create goes through the admission ledger. Ledger and --root live under /run, where the
# defaults are (/run/ocrun-ledger, /run/ocrun; tmpfs on most hosts, ext4 on this test machine), in
# dirs of their own, so no other ledger is touched.
# `capacity` (json) is timed three ways each iteration: as a first call, with no previous look
# (the look file removed first), when it waits 0.2 s between its two looks at the CPU counters
# (the CPU% rate): printed as measured and without that fixed wait (capacity-0.2s), which is the
# work that grows with N; then again 0.3 s later (not timed), when it takes the rate since the
# first call's look and does not wait (again), json and the table (table). An ocrun without the
# look (before it) waits in every call.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

N=10
LEVELS="0 200 500"
CSV=
while getopts n:l:o: o; do
  case $o in
    n) N=$OPTARG ;;
    l) LEVELS=$OPTARG ;;
    o) CSV=$OPTARG ;;
    *) echo "usage: $0 [-n ITERATIONS] [-l LEVELS] [-o CSV]" >&2; exit 2 ;;
  esac
done
[ "$N" -ge 1 ] 2>/dev/null || { echo "bench: -n needs a positive number" >&2; exit 2; }
bench_require_root
OC=${OCRUN:-$repo/ocrun}
[ -x "$OC" ] || { echo "bench: $OC not found (make first)" >&2; exit 1; }

work=$(mktemp -d /tmp/ocrun-scale.XXXXXX)
run=$(mktemp -d /run/ocrun-scale.XXXXXX)
tag=bsl$$
export OCRUN_LEDGER_DIR=$run/ledger OCRUN_POLICY=$work/policy.json
unset OCRUN_HOST_MEMORY_MB OCRUN_HOST_CPUS
echo '{}' > "$OCRUN_POLICY" # the built-in defaults
root=$run/state
cleanup() {
  local d
  for d in "$root"/*/; do
    [ -d "$d" ] && "$OC" --root "$root" delete --force "$(basename "$d")" >/dev/null 2>&1
  done
  for d in /sys/fs/cgroup/*/ocrun-test/"$tag"-*; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  rm -rf --one-file-system "$work" "$run"
  return 0
}
trap cleanup EXIT

CGROUP_NAME=$tag-base "$repo/tests/lib/make-bundle.sh" "$work/base" sleep 1000000 >/dev/null
jq --arg r "$work/base/rootfs" '.ociVersion = "1.1.0" | .root.path = $r |
    .linux.resources.memory = {limit: 16777216} | .annotations["io.github.ocrun.vcpus"] = "0.05"' \
  "$work/base/config.json" > "$work/sleep.json"
seq=0
# bundle: a fresh bundle dir (own cgroup /ocrun-test/<tag>-<id>), its id in $BID.
bundle() {
  seq=$((seq + 1))
  BID=c$seq
  mkdir "$work/b-$BID"
  jq --arg c "/ocrun-test/$tag-$BID" '.linux.cgroupsPath = $c' "$work/sleep.json" > "$work/b-$BID/config.json"
}
R() { "$OC" --root "$root" "$@" </dev/null 2>"$work/err"; }
# waited JSON: the fixed wait between two looks (runtime/cmd_capacity.c CPU_WINDOW_NS) in µs
# when that call took it (cpu_window_from "wait"; an ocrun before the field waited whenever
# some container had a CPU counter, i.e. cpu_window_s > 0), else 0.
waited() {
  jq 'if (.cpu_window_s // 0) > 0 and ((.cpu_window_from // "wait") == "wait") then 200000 else 0 end' "$1"
}
record() { local e; bench_mark e; echo $((e - $2)) >> "$work/$1"; }
fail() { echo "bench: $1 failed: $(tail -n 1 "$work/err")" >&2; echo FAIL >> "$work/$1"; }

running=0
for level in $LEVELS; do
  while ((running < level)); do
    bundle
    R run --detach --bundle "$work/b-$BID" "$BID" >/dev/null ||
      { echo "bench: sleeper $running failed: $(cat "$work/err")" >&2; exit 1; }
    running=$((running + 1))
  done
  for ((j = 0; j < N; j++)); do
    bundle
    bench_mark s
    if R create --bundle "$work/b-$BID" "$BID" >/dev/null; then record "create@$level" "$s"; else fail "create@$level"; fi
    bench_mark s
    if R delete --force "$BID" >/dev/null; then record "delete@$level" "$s"; else fail "delete@$level"; fi
    rm -f "$OCRUN_LEDGER_DIR/capacity-look"
    bench_mark s
    if R capacity --format json >"$work/cap.json"; then
      bench_mark e
      echo $((e - s)) >> "$work/capacity@$level"
      echo $((e - s - $(waited "$work/cap.json"))) >> "$work/capwork@$level"
      jq .counts.containers "$work/cap.json" > "$work/seen@$level"
    else
      fail "capacity@$level"
    fi
    sleep 0.3
    bench_mark s
    if R capacity --format json >"$work/cap.json"; then
      bench_mark e
      echo $((e - s)) >> "$work/capagain@$level"
      echo "$(waited "$work/cap.json")" >> "$work/waits@$level"
    else
      fail "capagain@$level"
    fi
    sleep 0.3
    bench_mark s
    if R capacity >/dev/null; then record "captable@$level" "$s"; else fail "captable@$level"; fi
  done
done

echo "ocrun scaling benchmark: $(bench_env), policy on (built-in defaults; 16 MiB, 0.05 vCPU each)"
echo "  $("$OC" --version | head -n 1); $N iterations per level; median/p90 ms (runs, failures)"
printf '%-6s %-8s %18s %18s %18s %18s %18s %18s %s\n' running seen create delete capacity "capacity-0.2s" \
  "again" "table" "again waited"
[ -z "$CSV" ] || echo "running,create_ms,create_p90,delete_ms,delete_p90,capacity_ms,capacity_p90,capwork_ms,capwork_p90,capagain_ms,capagain_p90,captable_ms,captable_p90" > "$CSV"
for level in $LEVELS; do
  row=$(printf '%-6s %-8s' "$level" "$(cat "$work/seen@$level" 2>/dev/null || echo -)")
  csv=$level
  for op in create delete capacity capwork capagain captable; do
    read -r m p c f < <(bench_stats "$work/$op@$level")
    row+=$(printf ' %18s' "$m/$p ($c,$f)")
    csv+=",$m,$p"
  done
  row+=" $(grep -vc '^0$' "$work/waits@$level" 2>/dev/null || true)/$N"
  echo "$row"
  [ -z "$CSV" ] || echo "$csv" >> "$CSV"
done
for op in create delete capacity capwork capagain captable; do
  read -r a _ < <(bench_stats "$work/$op@${LEVELS%% *}")
  read -r b _ < <(bench_stats "$work/$op@${LEVELS##* }")
  echo "  $op: ${LEVELS##* } / ${LEVELS%% *} running = $(bench_div "$b" "$a")"
done
