#!/bin/sh
# needs: runc
# Benchmark (not a test), run inside the pure cgroup v2 guest:
#   GUEST_CASES=$PWD/tests/bench/guest-scenarios.sh GUEST_CASE_TIMEOUT=280 tests/guest/run.sh
# Times `run` of /bin/true for ocrun (the runtime under test) and Debian's runc, and the namespace
# floor (unshare -mpiun --fork true), interleaved: ROUNDS rounds of BATCH runs each, wall time of
# each batch from /proc/uptime (centiseconds; per-run ms = batch / BATCH). TCG inflates absolute
# times: compare the ratios. Prints "# bench: ..." lines and one ok line.
. /tests/lib.sh
ROUNDS=${ROUNDS:-6} BATCH=${BATCH:-5}
b=$(mkbundle bench "$CGBASE/bench" '["/bin/true"]')
runc=$(command -v runc)
seq=0
batch() {  # batch WHAT: BATCH runs, prints the ms per run
  _s=$(now_cs) _i=0
  while [ $_i -lt "$BATCH" ]; do
    seq=$((seq + 1))
    case $1 in
      floor) unshare -mpiun --fork true ;;
      ocrun) ocrun --root /run/bench-ocrun run --bundle "$b" "bench-$seq" </dev/null >/dev/null 2>&1 || echo "# ocrun run failed" ;;
      runc) "$runc" --root /run/bench-runc run --bundle "$b" "bench-$seq" </dev/null >/dev/null 2>&1 || echo "# runc run failed" ;;
    esac
    _i=$((_i + 1))
  done
  echo $(( ($(now_cs) - _s) * 10 / BATCH ))
}
med() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
F="" O="" R=""
r=0
while [ $r -lt "$ROUNDS" ]; do
  F="$F $(batch floor)"; O="$O $(batch ocrun)"
  [ -n "$runc" ] && R="$R $(batch runc)"
  r=$((r + 1))
done
f=$(echo "$F" | med) o=$(echo "$O" | med) rr=$(echo "$R" | med)
echo "# bench: kernel $(uname -r), pure cgroup v2, TCG; ms per run, median of $ROUNDS batches of $BATCH"
echo "# bench: floor $f ($F )"
echo "# bench: ocrun run $o ($O )"
[ -n "$runc" ] && echo "# bench: runc run $rr ($R )"
echo "# bench: ocrun/runc $(awk -v a="$o" -v b="${rr:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'), ocrun/floor $(awk -v a="$o" -v b="$f" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
pass bench-ran
