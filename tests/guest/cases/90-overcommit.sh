# 90-overcommit: the overcommit policy on a pure v2 host. (a) Busy containers sized 1, 1, 2 and
# 4 vCPUs on one overcommitted CPU get CPU time in proportion to their size (cpu.weight 100 × vCPUs);
# (b) a container over its memory size is OOM-killed while its neighbour runs on untouched;
# (c) a container without a limit under ocrun's parent /ocrun cannot push the total past the
# node's memory capacity (the parent's memory.max).
. /tests/lib.sh

# A fake node of 8 CPUs (a 4-vCPU container would be larger than this 2-CPU guest) and a ledger
# of this case's own.
export OCRUN_HOST_CPUS=8 OCRUN_LEDGER_DIR=/tmp/90-ledger
BUSY='["sh", "-c", "while :; do :; done"]'

# run_sized ID BUNDLE FLAGS...: `ocrun run -d FLAGS`.
run_sized() {
  _id=$1
  _b=$2
  shift 2
  _containers="$_containers $_id"
  ocrun run -d "$@" --bundle "$_b" "$_id" </dev/null >"$BUNDLES/$_id.log" 2>&1 || {
    echo "run -d $_id failed: $(tail -n 3 "$BUNDLES/$_id.log")" >&2
    return 1
  }
}

# ---- (a) CPU shared by size ----
# All four pinned to CPU 0: 8 vCPUs on one CPU. Expected shares 1:1:2:4 of it; each container's
# CPU time relative to the mean of the two 1-vCPU ones must be within ±25 % of 1, 2 and 4.
started=1
for s in 1:1a 1:1b 2:2 4:4; do
  n=${s%%:*}
  name=${s#*:}
  b=$(mkbundle "oc-cpu$name" "$CGBASE/cpu/v$name" "$BUSY" '"cpu": { "cpus": "0" }')
  run_sized "oc-cpu$name" "$b" --vcpus "$n" || started=0
done
if [ "$started" = 1 ]; then
  expect_eq cpu-weight-by-vcpus "100 100 200 400" \
    "$(for v in 1a 1b 2 4; do cgread "$CGBASE/cpu/v$v" cpu.weight; done | tr '\n' ' ' | sed 's/ $//')"
  usage() { for v in 1a 1b 2 4; do cgkey "$CGBASE/cpu/v$v" cpu.stat usage_usec; done | tr '\n' ' '; }
  usleep 500000
  set -- $(usage)
  u1a=$1 u1b=$2 u2=$3 u4=$4
  sleep 3
  set -- $(usage)
  d1a=$(($1 - u1a)) d1b=$(($2 - u1b)) d2=$(($3 - u2)) d4=$(($4 - u4))
  echo "cpu: 1a $((d1a / 1000)) ms, 1b $((d1b / 1000)) ms, 2 $((d2 / 1000)) ms, 4 $((d4 / 1000)) ms in 3 s" >&2
  base=$(((d1a + d1b) / 2))
  if [ "$base" -le 0 ]; then
    for t in cpu-share-1b cpu-share-2 cpu-share-4; do fail $t "the 1-vCPU containers got no CPU time"; done
  else
    # ratios ×100 against the 1-vCPU mean; the 1a/1b pair checks the mean itself is fair
    expect_range cpu-share-1b $((d1b * 100 / d1a)) 75 125 "1b/1a ×100"
    expect_range cpu-share-2 $((d2 * 100 / base)) 150 250 "2-vCPU/1-vCPU ×100"
    expect_range cpu-share-4 $((d4 * 100 / base)) 300 500 "4-vCPU/1-vCPU ×100"
  fi
else
  for t in cpu-weight-by-vcpus cpu-share-1b cpu-share-2 cpu-share-4; do fail $t "containers did not start"; done
fi
for v in 1a 1b 2 4; do ocrun delete -f "oc-cpu$v" >/dev/null 2>&1; done

# ---- (b) memory: the container over its size dies alone ----
b=$(mkbundle oc-calm "$CGBASE/mem/calm" '["sh", "-c", "x=$(head -c 8388608 /dev/zero | tr \"\\0\" a); exec sleep 1000"]')
if run_sized oc-calm "$b" --memory 64m; then
  # --memory 32m with swap off (the default): the 64 MiB buffer cannot fit anywhere.
  b=$(mkbundle oc-hog "$CGBASE/mem/hog" '["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]')
  _containers="$_containers oc-hog"
  ocrun run --memory 32m --bundle "$b" oc-hog </dev/null >"$BUNDLES/oc-hog.log" 2>&1
  expect_eq hog-oom-killed 137 "$?"
  kills=$(cgkey "$CGBASE/mem" memory.events oom_kill)
  expect_range hog-oom-counted "${kills:-0}" 1 1000 oom_kill
  expect_eq neighbour-no-oom-kill 0 "$(cgkey "$CGBASE/mem/calm" memory.events oom_kill)"
  expect_eq neighbour-still-running running "$(status oc-calm)"
  expect_eq neighbour-memory-max 67108864 "$(cgread "$CGBASE/mem/calm" memory.max)"
else
  for t in hog-oom-killed hog-oom-counted neighbour-no-oom-kill neighbour-still-running neighbour-memory-max; do
    fail $t "neighbour did not start"
  done
fi
ocrun delete -f oc-calm >/dev/null 2>&1

# ---- (c) no limit, no cgroupsPath: the parent /ocrun holds the total to capacity ----
# 640 MB node − 512 MB reserve = 128 MB of capacity; the container declares no limit
# (no_limit_policy unbounded) and asks for 200 MB.
parent_existed=0
[ -d "$CG/ocrun" ] && parent_existed=1
b=$(mkbundle oc-nolimit "" '["dd", "if=/dev/zero", "of=/dev/null", "bs=200M", "count=1"]')
_containers="$_containers oc-nolimit"
OCRUN_HOST_MEMORY_MB=640 ocrun run --bundle "$b" oc-nolimit </dev/null >"$BUNDLES/oc-nolimit.log" 2>&1
rc=$?
expect_eq parent-memory-max 134217728 "$(cgread /ocrun memory.max)"
expect_eq nolimit-oom-killed 137 "$rc"
kills=$(cgkey /ocrun memory.events oom_kill)
expect_range parent-oom-counted "${kills:-0}" 1 1000 oom_kill
if [ -d "$CG/ocrun/oc-nolimit" ]; then fail nolimit-cgroup-removed "/ocrun/oc-nolimit still exists"; else pass nolimit-cgroup-removed; fi
# Within capacity the same container runs to the end.
b=$(mkbundle oc-fits "" '["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]')
_containers="$_containers oc-fits"
OCRUN_HOST_MEMORY_MB=640 ocrun run --bundle "$b" oc-fits </dev/null >"$BUNDLES/oc-fits.log" 2>&1
expect_eq nolimit-within-capacity 0 "$?"
[ "$parent_existed" = 1 ] || rmdir "$CG/ocrun" 2>/dev/null

# ---- (d) the built-in policy: no memory limit gets the default 1 GiB, swap off ----
# A fake node of 4096 MB so the default size fits the ledger; the cgroup gets the limit as is.
b=$(mkbundle oc-default "$CGBASE/oc-default" '["sleep", "60"]')
_containers="$_containers oc-default"
if (unset OCRUN_POLICY; OCRUN_HOST_MEMORY_MB=4096 ocrun run -d --bundle "$b" oc-default </dev/null \
      >"$BUNDLES/oc-default.log" 2>&1); then
  expect_eq default-memory-max 1073741824 "$(cgread "$CGBASE/oc-default" memory.max)"
  expect_eq default-swap-off 0 "$(cgread "$CGBASE/oc-default" memory.swap.max)"
else
  fail default-memory-max "container did not start: $(tail -n 2 "$BUNDLES/oc-default.log")"
  fail default-swap-off "container did not start"
fi
ocrun delete -f oc-default >/dev/null 2>&1
rm -rf "$OCRUN_LEDGER_DIR"
