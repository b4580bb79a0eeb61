# 70-events: `events` reports an OOM kill as it happens; `events --stats` prints one record.
. /tests/lib.sh

M32=33554432
# The init survives; its dd child is OOM-killed every second.
b=$(mkbundle ev "$CGBASE/ev" \
  '["sh", "-c", "while :; do dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; sleep 1; done"]' \
  "\"memory\": { \"limit\": $M32, \"swap\": $M32 }")
if ! start_detached ev "$b"; then
  for t in events-stats events-oom; do fail $t "container did not start"; done
  exit 0
fi
ocrun events --stats ev >"$BUNDLES/stats.log" 2>&1
if grep -q '"type": *"stats"' "$BUNDLES/stats.log" && grep -q '"memory"' "$BUNDLES/stats.log"; then
  pass events-stats
else
  fail events-stats "$(head -c 200 "$BUNDLES/stats.log")"
fi

ocrun events ev >"$BUNDLES/events.log" 2>&1 &
evpid=$!
if wait_for 30 grep -q '"type": *"oom"' "$BUNDLES/events.log"; then
  pass events-oom
else
  fail events-oom "no oom event in 30 s: $(head -c 200 "$BUNDLES/events.log")"
fi
kill "$evpid" 2>/dev/null
wait "$evpid" 2>/dev/null || true
