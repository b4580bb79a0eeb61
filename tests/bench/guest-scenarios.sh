#!/bin/sh
# needs: runc
# Benchmark (not a test), run inside the pure cgroup v2 guest, opt-in (never in `make check`):
#   GUEST_CASES=$PWD/tests/bench/guest-scenarios.sh GUEST_CASE_TIMEOUT=900 tests/guest/run.sh
# The scenarios of tests/bench/scenarios.sh that fit a TCG guest, for ocrun (the runtime under
# test) and Debian's runc, interleaved (the order alternates each round), the same config for
# both (lib.sh's mkbundle, a cgroup /ocrun-test/<case>/<id> each): the namespace floor (unshare
# -mpiun --fork true), `run` of /bin/true, the same with podman's default seccomp profile
# (converted on the host by run.sh), `exec ID true` into a running container,
# create + start + delete --force, the wall time of 10 parallel `run`s (in the first half of
# the rounds) and of 50 (in the first $BURST50_ROUNDS, default 3: runc takes seconds for one
# under TCG; ocrun's policy off for it, and run.sh's GUEST_MEM_MB=4096: 50 runc processes do not
# fit 1 GiB), plus the peak RSS of a `run` (busybox time %M). One warm-up round is discarded.
# Times are $EPOCHREALTIME (µs, no fork). TCG inflates absolute times: compare the ratios.
# Not here: crun (not in the guest); the 0 -> 500 scaling curve is tests/bench/guest-scaling.sh.
# Prints "# bench: ..." lines and one ok line.
# busybox ash, not strictly POSIX: $EPOCHREALTIME is ash's (as bash's); `set -- $(bench_stats ...)`
# splits "median p90 count fails" on purpose.
# shellcheck disable=SC3028,SC2046
. /tests/lib.sh
ROUNDS=${ROUNDS:-24}
BURST50_ROUNDS=${BURST50_ROUNDS:-3}
W=/run/bench
rm -rf "$W"
mkdir -p "$W"
echo '{"mode": "off"}' > "$W/policy-off.json"
[ -n "$EPOCHREALTIME" ] || { fail bench-ran "this shell has no \$EPOCHREALTIME (busybox ash has)"; exit 0; }
runc=$(command -v runc)
names=ocrun
[ -n "$runc" ] && names="ocrun runc"

# Templates; bundle() copies one with its own cgroupsPath before the timing starts.
mkbundle tpl-plain "$CGBASE/tpl" '["/bin/true"]' >/dev/null
mkbundle tpl-sleep "$CGBASE/tpl" '["sleep", "1000000"]' >/dev/null
seccomp=/tests/podman-seccomp.json
with_seccomp() {  # with_seccomp FROM TO: template TO is FROM with the profile as linux.seccomp
  mkdir -p "$BUNDLES/tpl-$2"
  awk -v f="$seccomp" '{ print } /^  "linux": \{$/ { getline p < f; print "    \"seccomp\": " p "," }' \
    "$BUNDLES/tpl-$1/config.json" > "$BUNDLES/tpl-$2/config.json"
}
if [ -s "$seccomp" ]; then
  with_seccomp plain seccomp
  mkbundle tpl-status "$CGBASE/tpl" '["grep", "^Seccomp:", "/proc/self/status"]' >/dev/null
  with_seccomp status seccheck
else
  echo "# bench: no seccomp scenario: run.sh found no /usr/share/containers/seccomp.json or jq on the host"
  seccomp=""
fi
# Whatever is left (the sleepers, a failed run), the bundles, the state dirs; then lib.sh's cleanup.
bench_cleanup() {
  for rt in $names; do
    case $rt in
      ocrun) ids=$(ocrun --root "$W/state-ocrun" list -q 2>/dev/null) ;;
      runc) ids=$("$runc" --root "$W/state-runc" list -q 2>/dev/null) ;;
    esac
    for id in $ids; do R "$rt" delete --force "$id"; done
  done
  rm -rf "$BUNDLES"/tpl-* "$BUNDLES"/c[0-9]* "$W"
  cleanup
}
trap bench_cleanup EXIT
seq=0
bundle() {  # bundle TEMPLATE: a fresh bundle; its id (= dir name) in $BID
  seq=$((seq + 1))
  BID=c$seq
  mkdir "$BUNDLES/$BID"
  sed "s|\"cgroupsPath\": \".*\"|\"cgroupsPath\": \"$CGBASE/$BID\"|" "$BUNDLES/tpl-$1/config.json" \
    > "$BUNDLES/$BID/config.json"
}
R() {  # R RUNTIME ARGS...: the runtime with its own state dir, quiet
  _rt=$1
  shift
  case $_rt in
    ocrun) ocrun --root "$W/state-ocrun" "$@" </dev/null >/dev/null 2>"$W/err" ;;
    runc) "$runc" --root "$W/state-runc" "$@" </dev/null >/dev/null 2>"$W/err" ;;
  esac
}
# The clock, without a fork: $T0 at start(), stop SCENARIO RT appends the µs since to $W/SCENARIO.RT.
start() { _t=$EPOCHREALTIME; T0=$((${_t%.*} * 1000000 + 1${_t#*.} - 1000000)); }
stop() {
  _t=$EPOCHREALTIME
  echo $((${_t%.*} * 1000000 + 1${_t#*.} - 1000000 - T0)) >> "$W/$1.$2"
}
failed() { echo FAIL >> "$W/$1.$2"; echo "bench: $1 $2 failed: $(tail -n 1 "$W/err")" >&2; }

t_floor() { start; if unshare -mpiun --fork true; then stop floor floor; else failed floor floor; fi; }
t_run() {  # t_run RT TEMPLATE SCENARIO
  bundle "$2"
  start
  if R "$1" run --bundle "$BUNDLES/$BID" "$BID"; then stop "$3" "$1"; else failed "$3" "$1"; fi
}
t_exec() {
  eval "_id=\$SLEEPER_$1"
  start
  if R "$1" exec "$_id" true; then stop exec "$1"; else failed exec "$1"; fi
}
t_csd() {  # create + start + delete, as podman (conmon) and containerd drive a runtime
  bundle plain
  start
  if R "$1" create --bundle "$BUNDLES/$BID" "$BID" && R "$1" start "$BID" && R "$1" delete --force "$BID"; then
    stop csd "$1"
  else
    failed csd "$1"
    R "$1" delete --force "$BID"
  fi
}
t_burst() {  # t_burst RT COUNT: wall time of COUNT parallel runs
  _ids="" _k=0
  while [ $_k -lt "$2" ]; do bundle plain; _ids="$_ids $BID"; _k=$((_k + 1)); done
  _pids="" _ok=1
  start
  # 50 containers of the default size (1 vCPU) do not fit 2 vCPUs × 16: as the host's bench does
  # for every scenario, ocrun's policy is off for this one.
  _pol=$OCRUN_POLICY
  [ "$2" -gt 10 ] && _pol=$W/policy-off.json
  for _id in $_ids; do (export OCRUN_POLICY="$_pol"; R "$1" run --bundle "$BUNDLES/$_id" "$_id") & _pids="$_pids $!"; done
  for _p in $_pids; do wait "$_p" || _ok=0; done
  if [ $_ok = 1 ]; then stop "burst$2" "$1"; else failed "burst$2" "$1"; fi
}
each() {  # each ROUND FN ARGS...: FN RT ARGS for every runtime, runc first in odd rounds
  _r=$1 _f=$2
  shift 2
  _order=$names
  [ $((_r % 2)) = 1 ] && [ -n "$runc" ] && _order="runc ocrun"
  for _rt in $_order; do "$_f" "$_rt" "$@"; done
}

for rt in $names; do
  bundle sleep
  R "$rt" run --detach --bundle "$BUNDLES/$BID" "$BID" || echo "bench: $rt sleeper failed: $(cat "$W/err")" >&2
  eval "SLEEPER_$rt=$BID"
done
# The profile must be in force, or the seccomp scenario times nothing (2 = a filter).
for rt in ${seccomp:+$names}; do
  bundle seccheck
  case $rt in
    ocrun) got=$(ocrun --root "$W/state-ocrun" run --bundle "$BUNDLES/$BID" "$BID" </dev/null 2>&1) ;;
    runc) got=$("$runc" --root "$W/state-runc" run --bundle "$BUNDLES/$BID" "$BID" </dev/null 2>&1) ;;
  esac
  echo "# bench: seccomp in a $rt container: $got"
done
# Warm-up (not counted): every scenario but the burst once.
t_floor
each 0 t_run plain run
[ -n "$seccomp" ] && each 0 t_run seccomp run_seccomp
each 0 t_exec
each 0 t_csd
rm -f "$W"/*.floor "$W"/*.ocrun "$W"/*.runc
r=0
while [ $r -lt "$ROUNDS" ]; do
  t_floor
  each $r t_run plain run
  [ -n "$seccomp" ] && each $r t_run seccomp run_seccomp
  each $r t_exec
  each $r t_csd
  [ $r -lt $(((ROUNDS + 1) / 2)) ] && each $r t_burst 10
  [ $r -lt "$BURST50_ROUNDS" ] && each $r t_burst 50
  r=$((r + 1))
done
for _ in 1 2 3 4 5; do
  for rt in $names; do
    bundle plain
    case $rt in
      ocrun) busybox time -f %M -a -o "$W/rss.$rt" ocrun --root "$W/state-ocrun" run --bundle "$BUNDLES/$BID" "$BID" ;;
      runc) busybox time -f %M -a -o "$W/rss.$rt" "$runc" --root "$W/state-runc" run --bundle "$BUNDLES/$BID" "$BID" ;;
    esac </dev/null >/dev/null 2>&1
  done
done

mode="pure cgroup v2"
grep -q ' cgroup ' /proc/mounts && mode="cgroup v2 plus v1 mounts (not pure)"
[ -f /sys/fs/cgroup/cgroup.controllers ] || mode="no cgroup v2 at /sys/fs/cgroup"
echo "# bench: kernel $(uname -r), $mode, $(nproc) cpus, TCG; $ROUNDS rounds (bursts of 10: $(((ROUNDS + 1) / 2)), of 50: $BURST50_ROUNDS), interleaved, 1 warm-up round discarded"
echo "# bench: ocrun $(ocrun --version 2>/dev/null | head -n 1); runc ${runc:+$("$runc" --version 2>/dev/null | head -n 1)}"
echo "# bench: crun is not in the guest: no /crun column"
set -- $(bench_stats "$W/floor.floor")
floor=$1
echo "# bench: floor (unshare -mpiun --fork true): median $1 ms, p90 $2 ms, $3 runs, $4 failed"
printf '# bench: %-12s %-6s %9s %9s %5s %5s %7s %7s\n' scenario runtime "median ms" "p90 ms" runs fails /runc /floor
for sc in run run_seccomp exec csd burst10 burst50; do
  set -- $(bench_stats "$W/$sc.runc")
  rmed=$1
  for rt in $names; do
    [ -f "$W/$sc.$rt" ] || continue
    set -- $(bench_stats "$W/$sc.$rt")
    printf '# bench: %-12s %-6s %9s %9s %5s %5s %7s %7s\n' "$sc" "$rt" "$1" "$2" "$3" "$4" "$(bench_div "$1" "$rmed")" "$(bench_div "$1" "$floor")"
  done
done
for rt in $names; do
  [ -s "$W/rss.$rt" ] && echo "# bench: peak RSS of $rt's run process: $(grep -E '^[0-9]+$' "$W/rss.$rt" | sort -n | sed -n 3p) KB (median of 5, time -f %M)"
done
pass bench-ran
