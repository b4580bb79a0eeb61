# 21-cpu-max: quota 50000 / period 100000 caps a busy loop near half a CPU.
. /tests/lib.sh

b=$(mkbundle max "$CGBASE/max" '["sh", "-c", "while :; do :; done"]' \
  '"cpu": { "quota": 50000, "period": 100000 }')
if ! start_detached cpu-max "$b"; then
  for t in cpu-max-file cpu-max-cap cpu-max-throttled; do fail $t "container did not start"; done
  exit 0
fi
expect_eq cpu-max-file "50000 100000" "$(cgread "$CGBASE/max" cpu.max)"
usleep 500000
u0=$(cgkey "$CGBASE/max" cpu.stat usage_usec)
t0=$(now_cs)
sleep 3
u1=$(cgkey "$CGBASE/max" cpu.stat usage_usec)
t1=$(now_cs)
# usage µs / wall cs → percent of one CPU: (du / 10000) / dt × 100 = du / (dt × 100)
expect_range cpu-max-cap $(((u1 - u0) / ((t1 - t0) * 100))) 40 60 "percent of a CPU"
thr=$(cgkey "$CGBASE/max" cpu.stat nr_throttled)
expect_range cpu-max-throttled "${thr:-0}" 1 1000000 nr_throttled
