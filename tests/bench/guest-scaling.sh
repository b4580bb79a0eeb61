#!/bin/sh
# Benchmark (not a test), run inside the pure cgroup v2 guest, opt-in (never in `make check`):
#   GUEST_CASES=$PWD/tests/bench/guest-scaling.sh GUEST_CASE_TIMEOUT=1800 tests/guest/run.sh
# tests/bench/scaling.sh on the pure v2 path, ocrun only: with 0, 200, 500 ($LEVELS) containers
# already running, the time of `create`, of `delete --force` and of `capacity --format json`,
# N ($N, default 12) of each per level. capacity is timed as a first call (the previous look
# removed, so it waits its fixed 0.2 s between two looks: printed without that wait) and again
# 0.3 s later, when it takes the CPU rate from the first call's look and does not wait. The
# policy is on (the guest cases' no_limit_policy unbounded: admission and the ledger as users get
# them); each container is 0.05 vCPU (the io.github.ocrun.vcpus annotation), so 500 fit the
# guest's 2 vCPUs × 16. TCG inflates absolute times: compare the levels, not the host's ms.
# Prints "# bench: ..." lines and one ok line.
# busybox ash: $EPOCHREALTIME as in guest-scenarios.sh; `set -- $(bench_stats ...)` splits on purpose.
# shellcheck disable=SC3028,SC2046
. /tests/lib.sh
LEVELS=${LEVELS:-"0 200 500"}
N=${N:-12}
W=/run/bench-scale
ROOT=$W/state
rm -rf "$W"
mkdir -p "$W"
[ -n "$EPOCHREALTIME" ] || { fail bench-ran "this shell has no \$EPOCHREALTIME (busybox ash has)"; exit 0; }

mkbundle tpl-sleep "$CGBASE/tpl" '["sleep", "1000000"]' >/dev/null
scale_cleanup() {
  for id in $(ocrun --root "$ROOT" list -q 2>/dev/null); do ocrun --root "$ROOT" delete --force "$id" >/dev/null 2>&1; done
  rm -rf "$BUNDLES"/tpl-* "$BUNDLES"/s[0-9]* "$W"
  cleanup
}
trap scale_cleanup EXIT
seq=0
bundle() {  # a fresh bundle of the sleeper (own cgroup, 0.05 vCPU); its id in $BID
  seq=$((seq + 1))
  BID=s$seq
  mkdir "$BUNDLES/$BID"
  sed -e "s|\"cgroupsPath\": \".*\"|\"cgroupsPath\": \"$CGBASE/$BID\"|" \
    -e '1s|^{$|{ "annotations": { "io.github.ocrun.vcpus": "0.05" },|' \
    "$BUNDLES/tpl-sleep/config.json" > "$BUNDLES/$BID/config.json"
}
R() { ocrun --root "$ROOT" "$@" </dev/null 2>"$W/err"; }
start() { _t=$EPOCHREALTIME; T0=$((${_t%.*} * 1000000 + 1${_t#*.} - 1000000)); }
elapsed() { _t=$EPOCHREALTIME; echo $((${_t%.*} * 1000000 + 1${_t#*.} - 1000000 - T0)); }
failed() { echo FAIL >> "$W/$1"; echo "bench: $1 failed: $(tail -n 1 "$W/err")" >&2; }
ledger=${OCRUN_LEDGER_DIR:-/run/ocrun-ledger}

running=0
for level in $LEVELS; do
  while [ "$running" -lt "$level" ]; do
    bundle
    R run --detach --bundle "$BUNDLES/$BID" "$BID" >/dev/null ||
      { fail bench-ran "sleeper $running: $(tail -n 1 "$W/err")"; exit 0; }
    running=$((running + 1))
  done
  j=0
  while [ $j -lt "$N" ]; do
    bundle
    start
    if R create --bundle "$BUNDLES/$BID" "$BID" >/dev/null; then elapsed >> "$W/create@$level"; else failed "create@$level"; fi
    start
    if R delete --force "$BID" >/dev/null; then elapsed >> "$W/delete@$level"; else failed "delete@$level"; fi
    rm -f "$ledger/capacity-look"
    start
    if R capacity --format json > "$W/cap.json"; then
      t=$(elapsed)
      # The fixed wait is there only when this call took its rates over it.
      grep -q '"cpu_window_from": "wait"' "$W/cap.json" && t=$((t - 200000))
      echo "$t" >> "$W/capwork@$level"
      sed -n 's/.*"containers": \([0-9]*\),*$/\1/p' "$W/cap.json" | head -n 1 > "$W/seen@$level"
    else
      failed "capwork@$level"
    fi
    sleep 0.3
    start
    if R capacity --format json > "$W/cap.json"; then
      elapsed >> "$W/capagain@$level"
      grep -q '"cpu_window_from": "wait"' "$W/cap.json" && echo "waited" >> "$W/waits@$level"
    else
      failed "capagain@$level"
    fi
    j=$((j + 1))
  done
done

mode="pure cgroup v2"
grep -q ' cgroup ' /proc/mounts && mode="cgroup v2 plus v1 mounts (not pure)"
echo "# bench: kernel $(uname -r), $mode, $(nproc) cpus, TCG; ocrun $(ocrun --version 2>/dev/null | head -n 1)"
echo "# bench: $N per level; median/p90 ms (runs, failures); capacity first call without its 0.2 s wait"
printf '# bench: %-7s %-5s %20s %20s %20s %20s %s\n' running seen create delete capacity-0.2s again "again waited"
for level in $LEVELS; do
  row=$(printf '%-7s %-5s' "$level" "$(cat "$W/seen@$level" 2>/dev/null || echo -)")
  for op in create delete capwork capagain; do
    set -- $(bench_stats "$W/$op@$level")
    row="$row $(printf '%20s' "$1/$2 ($3,$4)")"
  done
  echo "# bench: $row $(grep -c . "$W/waits@$level" 2>/dev/null || echo 0)/$N"
done
first=${LEVELS%% *} last=${LEVELS##* }
for op in create delete capwork capagain; do
  set -- $(bench_stats "$W/$op@$first")
  a=$1
  set -- $(bench_stats "$W/$op@$last")
  echo "# bench: $op: $last / $first running = $(bench_div "$1" "$a")"
done
pass bench-ran
