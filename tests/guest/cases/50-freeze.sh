# 50-freeze: pause freezes the cgroup (cgroup.freeze 1, no CPU used, state paused), resume thaws
# it; delete removes the cgroup.
. /tests/lib.sh

P=$CGBASE/ct
b=$(mkbundle ct "$P" '["sh", "-c", "while :; do :; done"]')
if ! start_detached frz "$b"; then
  for t in pause freeze-file frozen paused-state paused-no-cpu resume thawed running-state thawed-cpu delete-removes-cgroup; do
    fail $t "container did not start"
  done
  exit 0
fi
frozen() { [ "$(cgkey "$P" cgroup.events frozen)" = "$1" ]; }

if ocrun pause frz >"$BUNDLES/pause.log" 2>&1; then pass pause; else fail pause "$(tail -n 1 "$BUNDLES/pause.log")"; fi
expect_eq freeze-file 1 "$(cgread "$P" cgroup.freeze)"
if wait_for 5 frozen 1; then pass frozen; else fail frozen "cgroup.events: $(cgread "$P" cgroup.events | tr '\n' ' ')"; fi
expect_eq paused-state paused "$(status frz)"
u0=$(cgkey "$P" cpu.stat usage_usec)
sleep 1
u1=$(cgkey "$P" cpu.stat usage_usec)
expect_range paused-no-cpu $((u1 - u0)) 0 1000 "usage_usec while paused"

if ocrun resume frz >"$BUNDLES/resume.log" 2>&1; then pass resume; else fail resume "$(tail -n 1 "$BUNDLES/resume.log")"; fi
if wait_for 5 frozen 0; then pass thawed; else fail thawed "cgroup.events: $(cgread "$P" cgroup.events | tr '\n' ' ')"; fi
expect_eq running-state running "$(status frz)"
u0=$(cgkey "$P" cpu.stat usage_usec)
sleep 1
u1=$(cgkey "$P" cpu.stat usage_usec)
expect_range thawed-cpu $(((u1 - u0) / 1000)) 300 2000 "ms of CPU in 1 s after resume"

ocrun delete -f frz >/dev/null 2>&1
if [ -d "$CG$P" ]; then fail delete-removes-cgroup "$P still exists"; else pass delete-removes-cgroup; fi
