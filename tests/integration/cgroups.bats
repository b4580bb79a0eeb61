#!/usr/bin/env bats
# Placement in the container's cgroup (cgroupsPath /ocrun-test/<id>) and its removal on delete.
# Resource limits themselves are tested with the cgroups work.

load ../lib/common

setup() {
  setup_bundle "${SLEEPER[@]}"
}

# v1 (or hybrid) hierarchies we check when mounted.
CONTROLLERS=(memory pids cpu)

@test "cgroups: the init pid is in <controller>/ocrun-test/<id>/cgroup.procs while running" {
  start_sleeper
  checked=0
  for c in "${CONTROLLERS[@]}"; do
    d=/sys/fs/cgroup/$c/ocrun-test/$ID
    mountpoint -q "/sys/fs/cgroup/$c" || continue
    [ -d "$d" ] || { echo "missing $d" >&2; false; }
    grep -qx "$PID" "$d/cgroup.procs" || { echo "$PID not in $d/cgroup.procs" >&2; false; }
    checked=$((checked + 1))
  done
  if [ "$checked" -eq 0 ]; then
    # Pure v2 host.
    grep -qx "$PID" "/sys/fs/cgroup/ocrun-test/$ID/cgroup.procs"
  fi
}

@test "cgroups: /proc/<pid>/cgroup names the container's cgroup in every v1 hierarchy" {
  start_sleeper
  for c in "${CONTROLLERS[@]}"; do
    mountpoint -q "/sys/fs/cgroup/$c" || continue
    grep -qE "^[0-9]+:([a-z_,]*,)?$c(,[a-z_,]*)?:/ocrun-test/$ID\$" "/proc/$PID/cgroup" ||
      { cat "/proc/$PID/cgroup" >&2; false; }
  done
}

@test "cgroups: the cgroup is created at create time, before start" {
  create_container
  pid=$(pid_of "$ID")
  [ -n "$(cgroup_dirs "/ocrun-test/$ID")" ]
  grep -q ":/ocrun-test/$ID\$" "/proc/$pid/cgroup"
}

@test "cgroups: all cgroup dirs are gone after delete" {
  start_sleeper
  [ -n "$(cgroup_dirs "/ocrun-test/$ID")" ]
  runtime kill "$ID" KILL
  wait_for_status "$ID" stopped
  run runtime delete "$ID"
  assert_success
  run cgroup_dirs "/ocrun-test/$ID"
  [ -z "$output" ] || { echo "left behind: $output" >&2; false; }
}

@test "cgroups: delete --force of a running container removes its cgroup" {
  start_sleeper
  run runtime delete --force "$ID"
  assert_success
  run cgroup_dirs "/ocrun-test/$ID"
  [ -z "$output" ] || { echo "left behind: $output" >&2; false; }
  # Gone (a zombie until its parent reaps it at most).
  [ ! -d "/proc/$PID" ] || grep -qE '^State:\s+Z' "/proc/$PID/status"
}

@test "cgroups: run removes the cgroup when the container exits" {
  set_args cat /proc/self/cgroup
  run runtime run "$ID"
  assert_success
  assert_output_contains "/ocrun-test/$ID"
  run cgroup_dirs "/ocrun-test/$ID"
  [ -z "$output" ] || { echo "left behind: $output" >&2; false; }
}

@test "cgroups: processes forked in the container and exec'd into it share the cgroup" {
  set_args sh -c 'sleep 1000 & echo ready; wait'
  start_sleeper
  runtime exec --detach --pid-file "$BATS_TEST_TMPDIR/e.pid" "$ID" sleep 999 \
    >"$BATS_TEST_TMPDIR/exec.out" 2>&1
  d=$(cgroup_dirs "/ocrun-test/$ID" | grep /pids/)
  grep -qx "$(cat "$BATS_TEST_TMPDIR/e.pid")" "$d/cgroup.procs"
  [ "$(wc -l < "$d/cgroup.procs")" -ge 3 ]
}

@test "cgroups: create refuses a cgroup that already holds a process, and leaves it as it was" {
  requires_ocrun "runc joins a populated cgroup"
  mountpoint -q /sys/fs/cgroup/pids || skip "no v1 pids hierarchy here"
  # Only the pids hierarchy has it before create: create makes the others itself.
  d=/sys/fs/cgroup/pids/ocrun-test/$ID
  mkdir -p "$d"
  OCRUN_TEST_MARK=$MARK sleep 1000 &
  other=$!
  track_bg "$other"
  echo "$other" > "$d/cgroup.procs"
  track_container "$ID"
  # Output to a file: a create that wrongly succeeds leaves an init holding a pipe open.
  out=$BATS_TEST_TMPDIR/create.out
  if runtime create --bundle "$BUNDLE" "$ID" >"$out" 2>&1; then echo "create accepted a populated cgroup" >&2; false; fi
  grep -qF "already has 1 process(es)" "$out" || { cat "$out" >&2; false; }
  grep -qx "$other" "$d/cgroup.procs"
  [ -z "$(cgroup_dirs "/ocrun-test/$ID" | grep -v /pids/)" ]
  [ ! -e "$ROOT/$ID" ]
}

@test "cgroups: nested cgroupsPath is created and removed (parents stay)" {
  update_config '.linux.cgroupsPath = "/ocrun-test/" + $id + "/nested/leaf"' --arg id "$ID"
  start_sleeper
  d=$(cgroup_dirs "/ocrun-test/$ID/nested/leaf" | grep /pids/)
  grep -qx "$PID" "$d/cgroup.procs"
  runtime delete --force "$ID"
  [ -z "$(cgroup_dirs "/ocrun-test/$ID/nested/leaf")" ]
}


@test "cgroups: default cgroupsPath is /ocrun/<id>" {
  requires_ocrun "runc's default cgroup path differs"
  update_config 'del(.linux.cgroupsPath)'
  CGROUPS+=("/ocrun/$ID")
  start_sleeper
  d=$(cgroup_dirs "/ocrun/$ID" | grep /pids/)
  grep -qx "$PID" "$d/cgroup.procs"
  runtime delete --force "$ID"
  [ -z "$(cgroup_dirs "/ocrun/$ID")" ]
}

@test "cgroups: the process_api memory cgroup is never touched" {
  [ -d /sys/fs/cgroup/memory/process_api ] || skip "no /sys/fs/cgroup/memory/process_api here"
  start_sleeper
  # Neither in process_api itself nor in a cgroup below it.
  refute grep -qx "$PID" /sys/fs/cgroup/memory/process_api/cgroup.procs
  grep -qE '^[0-9]+:memory:/' "/proc/$PID/cgroup"
  refute grep -qE '^[0-9]+:memory:/process_api(/|$)' "/proc/$PID/cgroup"
  runtime delete --force "$ID"
  [ -d /sys/fs/cgroup/memory/process_api ]
}

# --- limits whose controller the host lacks (issue 8, bug 5) ---

# Whether a container's cgroup here can have controller $1: a mounted v1 hierarchy, or the
# cgroup2 root offers it (hybrid hosts: the unified hierarchy).
controller_here() {
  local u=/sys/fs/cgroup/unified/cgroup.controllers
  awk -v c="$1" '$1 == c && $2 != 0 { f = 1 } END { exit !f }' /proc/cgroups && return 0
  [ -f /sys/fs/cgroup/cgroup.controllers ] && u=/sys/fs/cgroup/cgroup.controllers
  [ -f "$u" ] && grep -qw -- "$1" "$u"
}

# The one resource limit, its config key and controller, of each case below.
MISSING_CASES=(
  'network.classID|net_cls|{"network": {"classID": 1048577}}'
  'network.priorities|net_prio|{"network": {"priorities": [{"name": "lo", "priority": 5}]}}'
  'rdma|rdma|{"rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}}}'
)

@test "cgroups: a limit whose controller is not mounted fails create and run, one line naming both, nothing left" {
  fake_node
  # `true`, and create's output in a file: where a runtime admits the config, neither `run`
  # nor a created init holds the pipe that bats reads.
  set_args true
  cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.orig"
  tried=0
  for c in "${MISSING_CASES[@]}"; do
    IFS='|' read -r key ctl res <<<"$c"
    if controller_here "$ctl"; then continue; fi
    cp "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json"
    update_config '.linux.resources += $r' --argjson r "$res"
    run create_container
    assert_failure
    want="ocrun: linux.resources.$key: the $ctl cgroup controller is not mounted on this host"
    if is_ocrun; then assert_equal "$output" "$want"; fi
    assert_nothing_left
    run runtime run --bundle "$BUNDLE" "$ID"
    assert_failure
    if is_ocrun; then assert_equal "$output" "$want"; fi
    assert_nothing_left
    tried=$((tried + 1))
  done
  [ "$tried" -gt 0 ] || skip "net_cls, net_prio and rdma are all mounted here"
}

@test "cgroups: restore with a limit whose controller is not mounted is refused before criu runs" {
  requires_ocrun "restore's error text"
  command -v criu >/dev/null || skip "criu not installed"
  controller_here net_cls && skip "net_cls is mounted here"
  fake_node
  mkdir "$BATS_TEST_TMPDIR/img"
  update_config '.linux.resources.network = {"classID": 1048577}'
  run runtime restore -d --image-path "$BATS_TEST_TMPDIR/img" --bundle "$BUNDLE" "$ID"
  assert_failure
  assert_equal "$output" "ocrun: linux.resources.network.classID: the net_cls cgroup controller is not mounted on this host"
  assert_nothing_left
}

@test "cgroups: update --resources with a limit whose controller is not mounted is refused, nothing changed" {
  controller_here net_cls && skip "net_cls is mounted here"
  fake_node
  update_config '.linux.resources.memory.limit = 268435456'
  start_sleeper
  charged() { ledger_doc | jq --arg id "$ID" '.entries[] | select(.id == $id) | .memory'; }
  assert_equal "$(charged)" 268435456
  d=$(cgroup_dirs "/ocrun-test/$ID" | grep -m1 -E '/memory/|^/sys/fs/cgroup/ocrun-test/')
  f=memory.limit_in_bytes
  [ -f "$d/$f" ] || f=memory.max
  printf '%s' '{"memory": {"limit": 134217728}, "network": {"classID": 1048577}}' >"$BATS_TEST_TMPDIR/res.json"
  run timeout 10 "$RUNTIME" --root "$ROOT" update --resources - "$ID" <"$BATS_TEST_TMPDIR/res.json"
  assert_failure
  if is_ocrun; then
    assert_equal "$output" "ocrun: linux.resources.network.classID: the net_cls cgroup controller is not mounted on this host"
  fi
  assert_equal "$(cat "$d/$f")" 268435456
  assert_equal "$(charged)" 268435456
  assert_equal "$(status_of "$ID")" running
}

# A hybrid host's unified hierarchy gets hugetlb enabled for a hugepageLimits container: put it
# back as found (the parent first, then the root).
unified_hugetlb_back_at_teardown() {
  local u=/sys/fs/cgroup/unified
  if [ -f "$u/cgroup.subtree_control" ] && ! grep -qw hugetlb "$u/cgroup.subtree_control"; then
    on_teardown "echo -hugetlb >$u/ocrun-test/cgroup.subtree_control; echo -hugetlb >$u/cgroup.subtree_control; true"
  fi
}

# The hugetlb file of page size $2 in the cgroup /ocrun-test/$1: the v1 hierarchy's, else the
# cgroup2 one's (pure v2, or the unified hierarchy of a hybrid host).
hugetlb_file() {
  local d
  for d in "/sys/fs/cgroup/hugetlb/ocrun-test/$1/hugetlb.$2.limit_in_bytes" \
    "/sys/fs/cgroup/unified/ocrun-test/$1/hugetlb.$2.max" "/sys/fs/cgroup/ocrun-test/$1/hugetlb.$2.max"; do
    [ -f "$d" ] && { echo "$d"; return 0; }
  done
  return 1
}

@test "cgroups: hugepageLimits land in the hugetlb controller, also the unified one of a hybrid host; update too" {
  controller_here hugetlb || skip "no hugetlb controller on this host"
  [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages on this kernel"
  if is_runc && [ -d /sys/fs/cgroup/unified ] && ! awk '$1 == "hugetlb" && $2 != 0 { f = 1 } END { exit !f }' /proc/cgroups; then
    skip "runc 1.1 refuses hugetlb on a hybrid host whose hugetlb is only in the unified hierarchy"
  fi
  unified_hugetlb_back_at_teardown
  update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
  start_sleeper
  f=$(hugetlb_file "$ID" 2MB)
  assert_equal "$(cat "$f")" 4194304
  printf '%s' '{"hugepageLimits": [{"pageSize": "2MB", "limit": 8388608}]}' >"$BATS_TEST_TMPDIR/res.json"
  run timeout 10 "$RUNTIME" --root "$ROOT" update --resources - "$ID" <"$BATS_TEST_TMPDIR/res.json"
  assert_success
  assert_equal "$(cat "$f")" 8388608
}

@test "cgroups: a hugepageLimits page size this host does not have is refused naming it, nothing left" {
  controller_here hugetlb || skip "no hugetlb controller on this host"
  [ ! -d /sys/kernel/mm/hugepages/hugepages-64kB ] || skip "this kernel has 64KB huge pages"
  fake_node
  unified_hugetlb_back_at_teardown
  update_config '.linux.resources.hugepageLimits = [{"pageSize": "64KB", "limit": 4194304}]'
  run create_container
  assert_failure
  if is_ocrun; then
    assert_output_matches '^ocrun: linux\.resources\.hugepageLimits: page size 64KB does not exist on this host \(hugetlb has [0-9A-Z, ]+\)$'
  fi
  [ "${#lines[@]}" -eq 1 ] || { echo "want one line, got: $output" >&2; false; }
  assert_nothing_left
}
