# 10-memory: memory.limit → memory.max, swap == limit → memory.swap.max 0, OOM kill + memory.events.
. /tests/lib.sh

M32=33554432
# A container over its limit (32M, no swap) is OOM-killed: the runtime exits 137 and the
# (hierarchical) memory.events of the parent counts the kill.
b=$(mkbundle oom "$CGBASE/oom" '["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]' \
  "\"memory\": { \"limit\": $M32, \"swap\": $M32 }")
expect_eq oom-exit-137 137 "$(run_fg mem-oom "$b")"
kills=$(cgkey "$CGBASE" memory.events oom_kill)
expect_range oom-kill-counted "${kills:-0}" 1 1000 oom_kill
if [ -d "$CG$CGBASE/oom" ]; then fail oom-cgroup-removed "$CGBASE/oom still exists after run"; else pass oom-cgroup-removed; fi

# The same limits on a running container, seen from outside and from its own cgroup namespace.
b=$(mkbundle lim "$CGBASE/lim" '["sh", "-c", "cat /sys/fs/cgroup/memory.max; exec sleep 1000"]' \
  "\"memory\": { \"limit\": $M32, \"swap\": $M32 }")
if start_detached mem-lim "$b"; then
  expect_eq memory-max "$M32" "$(cgread "$CGBASE/lim" memory.max)"
  expect_eq memory-swap-max-0 0 "$(cgread "$CGBASE/lim" memory.swap.max)"
  wait_for 5 grep -q . "$BUNDLES/mem-lim.log"
  expect_eq memory-max-inside "$M32" "$(head -n 1 "$BUNDLES/mem-lim.log")"
else
  for t in memory-max memory-swap-max-0 memory-max-inside; do fail $t "container did not start"; done
fi

# swap = 2 × limit leaves limit worth of swap: memory.swap.max = swap − limit.
b=$(mkbundle swp "$CGBASE/swp" '["sleep", "1000"]' \
  "\"memory\": { \"limit\": $M32, \"swap\": $((2 * M32)), \"reservation\": 16777216 }")
if start_detached mem-swp "$b"; then
  expect_eq memory-swap-max-diff "$M32" "$(cgread "$CGBASE/swp" memory.swap.max)"
  expect_eq memory-low-reservation 16777216 "$(cgread "$CGBASE/swp" memory.low)"
else
  for t in memory-swap-max-diff memory-low-reservation; do fail $t "container did not start"; done
fi
