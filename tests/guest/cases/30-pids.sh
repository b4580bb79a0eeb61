# 30-pids: pids.limit 20 stops a fork bomb: fork fails inside and pids.events counts it.
. /tests/lib.sh

# The shell forks sleepers until fork fails, which makes busybox sh exit (the container ends).
b=$(mkbundle bomb "$CGBASE/bomb" '["sh", "-c", "while :; do sleep 1000 & done"]' '"pids": { "limit": 20 }')
if ! start_detached pids-bomb "$b"; then
  for t in pids-max pids-fork-fails pids-events-max; do fail $t "container did not start"; done
  exit 0
fi
expect_eq pids-max 20 "$(cgread "$CGBASE/bomb" pids.max)"
if wait_for 20 grep -q "can't fork" "$BUNDLES/pids-bomb.log"; then
  pass pids-fork-fails
else
  fail pids-fork-fails "no fork failure after 20 s: $(tail -n 1 "$BUNDLES/pids-bomb.log")"
fi
max=$(cgkey "$CGBASE/bomb" pids.events max)
expect_range pids-events-max "${max:-0}" 1 1000000 "pids.events max"
