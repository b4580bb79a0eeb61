# 60-update: `update` changes the limits of a running container live.
. /tests/lib.sh

P=$CGBASE/ct
b=$(mkbundle ct "$P" '["sleep", "1000"]' '"memory": { "limit": 33554432 }, "pids": { "limit": 100 }')
if ! start_detached upd "$b"; then
  for t in update-memory update-pids update-cpu update-resources-file; do fail $t "container did not start"; done
  exit 0
fi
# u NAME ARGS... : run `ocrun update ARGS upd`, fail NAME when it fails.
u() {
  _n=$1
  shift
  ocrun update "$@" upd >"$BUNDLES/update.log" 2>&1 || { fail "$_n" "update $*: $(tail -n 1 "$BUNDLES/update.log")"; return 1; }
}
u update-memory --memory 64M && expect_eq update-memory 67108864 "$(cgread "$P" memory.max)"
u update-pids --pids-limit 50 && expect_eq update-pids 50 "$(cgread "$P" pids.max)"
u update-cpu --cpu-quota 20000 --cpu-period 100000 && expect_eq update-cpu "20000 100000" "$(cgread "$P" cpu.max)"
printf '{ "memory": { "limit": 100663296 }, "pids": { "limit": 77 } }\n' > "$BUNDLES/res.json"
u update-resources-file --resources "$BUNDLES/res.json" &&
  expect_eq update-resources-file "100663296 77" "$(cgread "$P" memory.max) $(cgread "$P" pids.max)"
