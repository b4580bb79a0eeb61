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
