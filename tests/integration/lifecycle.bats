#!/usr/bin/env bats
# create / start / state / kill / delete / run / list, seen from outside the container.

load ../lib/common

setup() {
  setup_bundle "${SLEEPER[@]}"
}

@test "lifecycle: create -> created with pid -> start -> running -> kill -> stopped -> delete" {
  create_container
  run runtime state "$ID"
  assert_success
  [ "$(jq -r .status <<<"$output")" = created ]
  pid=$(jq -r .pid <<<"$output")
  [ "$pid" -gt 0 ]
  [ -d "/proc/$pid" ]

  run runtime start "$ID"
  assert_success
  wait_for_status "$ID" running
  wait_for_file "$BATS_TEST_TMPDIR/$ID.out" ready

  # Default signal is SIGTERM; the init traps it and exits.
  run runtime kill "$ID"
  assert_success
  wait_for_status "$ID" stopped

  run runtime delete "$ID"
  assert_success
  run runtime state "$ID"
  assert_failure
  assert_output_contains -i "does not exist"
  [ ! -e "$ROOT/$ID" ]
}

@test "lifecycle: create does not run the user program before start" {
  set_args sh -c 'echo started > /tmp/started'
  create_container
  [ "$(status_of "$ID")" = created ]
  # The process exists but waits for start: nothing written yet.
  [ ! -e "$BUNDLE/rootfs/tmp/started" ]
  run runtime start "$ID"
  assert_success
  wait_for_file "$BUNDLE/rootfs/tmp/started" started
  wait_for_status "$ID" stopped
}

@test "lifecycle: run propagates the exit status" {
  set_args sh -c 'echo out; exit 42'
  run runtime run "$ID"
  [ "$status" -eq 42 ]
  assert_output_contains out
  # run deletes the container when it exits.
  run runtime state "$ID"
  assert_failure
}

@test "lifecycle: run of a successful process exits 0 and prints its output" {
  set_args echo hello world
  run runtime run "$ID"
  assert_success
  [ "$output" = "hello world" ]
}

@test "lifecycle: run exit status of a process killed by a signal is 128+N" {
  # Not pid 1 of a pid namespace: init can't be killed by its own signal.
  update_config '.linux.namespaces |= map(select(.type != "pid"))'
  set_args sh -c 'kill -9 $$'
  run runtime run "$ID"
  [ "$status" -eq 137 ]
}

@test "lifecycle: run --detach leaves a running container" {
  run_detached
  wait_for_status "$ID" running
  wait_for_file "$BATS_TEST_TMPDIR/$ID.out" ready
  pid=$(pid_of "$ID")
  [ -d "/proc/$pid" ]
  run runtime kill "$ID" KILL
  assert_success
  wait_for_status "$ID" stopped
  run runtime delete "$ID"
  assert_success
}

@test "lifecycle: run --keep keeps the stopped container" {
  requires_ocrun "runc 1.1.5 has no run --keep"
  set_args true
  run runtime run --keep "$ID"
  assert_success
  [ "$(status_of "$ID")" = stopped ]
  run runtime delete "$ID"
  assert_success
}

@test "lifecycle: start twice fails" {
  create_container
  run runtime start "$ID"
  assert_success
  wait_for_status "$ID" running
  run runtime start "$ID"
  assert_failure
  assert_output_matches 'already running|not in created state|cannot start'
  [ "$(status_of "$ID")" = running ]
}

@test "lifecycle: start of a stopped container fails" {
  set_args true
  create_container
  runtime start "$ID"
  wait_for_status "$ID" stopped
  run runtime start "$ID"
  assert_failure
  assert_output_matches 'stopped|cannot start'
}

@test "lifecycle: delete of a running container without --force fails" {
  run_detached
  wait_for_status "$ID" running
  run runtime delete "$ID"
  assert_failure
  assert_output_matches 'running|not stopped'
  [ "$(status_of "$ID")" = running ]
  run runtime delete --force "$ID"
  assert_success
  [ "$(status_of "$ID")" = gone ]
}

@test "lifecycle: delete --force of a created container kills it" {
  create_container
  pid=$(pid_of "$ID")
  run runtime delete --force "$ID"
  assert_success
  wait_for 5 test ! -d "/proc/$pid"
  [ "$(status_of "$ID")" = gone ]
  [ ! -e "$ROOT/$ID" ]
}

@test "lifecycle: delete --force of a missing container exits 0" {
  run runtime delete --force nosuchcontainer
  assert_success
}

@test "lifecycle: delete of a missing container fails with 'does not exist'" {
  run runtime delete nosuchcontainer
  assert_failure
  assert_output_contains -i "does not exist"
}

@test "lifecycle: state of a missing container fails with 'does not exist'" {
  run runtime state nosuchcontainer
  assert_failure
  assert_output_contains -i "does not exist"
}

@test "lifecycle: kill of a missing container fails with 'does not exist'" {
  run runtime kill nosuchcontainer 9
  assert_failure
  assert_output_contains -i "does not exist"
}

@test "lifecycle: kill of a stopped, not deleted container" {
  set_args true
  create_container
  runtime start "$ID"
  wait_for_status "$ID" stopped
  # containerd sends 'kill --all ID 9' to exited containers and needs exit 0.
  run runtime kill --all "$ID" 9
  assert_success
  # A plain kill reports that the container is not running (text clients classify).
  run runtime kill "$ID" 15
  if [ "$status" -ne 0 ]; then
    assert_output_matches 'not running|no such process'
  fi
  [ "$(status_of "$ID")" = stopped ]
}

@test "lifecycle: kill by signal number and by name (with and without SIG)" {
  set_args sh -c 'trap "echo usr1" USR1; trap "echo usr2" USR2; trap "exit 0" TERM; echo ready; while :; do sleep 1 & wait; done'
  start_sleeper
  run runtime kill "$ID" 10
  assert_success
  wait_for_file "$BATS_TEST_TMPDIR/$ID.out" usr1
  run runtime kill "$ID" SIGUSR2
  assert_success
  wait_for_file "$BATS_TEST_TMPDIR/$ID.out" usr2
  run runtime kill "$ID" TERM
  assert_success
  wait_for_status "$ID" stopped
}

_has_procs() { [ "$(wc -l < "$1/cgroup.procs")" -ge "$2" ]; }

@test "lifecycle: kill --all reaches every process of the container" {
  # Without a pid namespace killing init does not kill the others: only --all does.
  update_config '.linux.namespaces |= map(select(.type != "pid"))'
  set_args sh -c 'sleep 1000 & sleep 1000 & echo ready; wait'
  start_sleeper
  cg=$(cgroup_dirs "/ocrun-test/$ID" | grep /pids/)
  wait_for 5 _has_procs "$cg" 3
  pids=$(cat "$cg/cgroup.procs")
  run runtime kill --all "$ID" KILL
  assert_success
  for p in $pids; do
    wait_for 5 test ! -d "/proc/$p"
  done
  wait_for_status "$ID" stopped
}

@test "lifecycle: pid file holds the pid without a trailing newline" {
  create_container "$ID" --pid-file "$BATS_TEST_TMPDIR/init.pid"
  content=$(cat "$BATS_TEST_TMPDIR/init.pid")
  [[ "$content" =~ ^[0-9]+$ ]]
  [ "$(wc -c < "$BATS_TEST_TMPDIR/init.pid")" -eq "${#content}" ]
  [ "$content" = "$(pid_of "$ID")" ]
}

@test "lifecycle: relative pid file path is relative to the caller's cwd" {
  mkdir "$BATS_TEST_TMPDIR/cwd"
  cd "$BATS_TEST_TMPDIR/cwd"
  create_container "$ID" --pid-file rel.pid
  pid=$(cat "$BATS_TEST_TMPDIR/cwd/rel.pid")
  [[ "$pid" =~ ^[0-9]+$ ]]
  [ "$pid" = "$(pid_of "$ID")" ]
}

@test "lifecycle: state JSON has ociVersion, id, status, pid, bundle and annotations" {
  update_config '.annotations = {"org.ocrun.test": "yes", "other": "1"}'
  create_container
  run runtime state "$ID"
  assert_success
  jq -e . <<<"$output" >/dev/null
  [ -n "$(jq -r .ociVersion <<<"$output")" ]
  [ "$(jq -r .id <<<"$output")" = "$ID" ]
  [ "$(jq -r .status <<<"$output")" = created ]
  [ "$(jq -r .pid <<<"$output")" -gt 0 ]
  [ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
  [ "$(jq -r '.annotations["org.ocrun.test"]' <<<"$output")" = yes ]
  [ "$(jq -r '.annotations.other' <<<"$output")" = 1 ]
}

@test "lifecycle: --bundle given as a relative path is stored absolute" {
  cd "$BATS_TEST_TMPDIR"
  runtime create --bundle bundle "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1
  [ "$(runtime state "$ID" | jq -r .bundle)" = "$BUNDLE" ]
}

@test "lifecycle: create without --bundle uses the current directory" {
  cd "$BUNDLE"
  runtime create "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1
  [ "$(runtime state "$ID" | jq -r .bundle)" = "$BUNDLE" ]
}

@test "lifecycle: list -q and list --format json" {
  create_container
  id2=$(new_id)
  update_config '.linux.cgroupsPath = "/ocrun-test/" + $id' --arg id "$id2"
  run_detached "$id2"
  wait_for_status "$id2" running

  run runtime list -q
  assert_success
  [ "$(sort <<<"$output")" = "$(printf '%s\n' "$ID" "$id2" | sort)" ]

  run runtime list --format json
  assert_success
  [ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" = created ]
  [ "$(jq -r --arg id "$id2" '.[] | select(.id == $id) | .status' <<<"$output")" = running ]
  [ "$(jq -r --arg id "$id2" '.[] | select(.id == $id) | .bundle' <<<"$output")" = "$BUNDLE" ]
  [ "$(jq -r --arg id "$id2" '.[] | select(.id == $id) | .pid' <<<"$output")" -gt 0 ]

  run runtime list
  assert_success
  assert_output_contains "$ID"
  assert_output_matches 'ID +PID +STATUS'
}

@test "lifecycle: list with an empty root prints no container" {
  run runtime list -q
  assert_success
  [ -z "$output" ]
  run runtime list --format json
  assert_success
  [ "$(jq length <<<"$output")" -eq 0 ]
}

_ps_count_at_least() { [ "$(runtime ps --format json "$ID" | jq length)" -ge "$1" ]; }

@test "lifecycle: ps --format json lists the container's host pids" {
  set_args sh -c 'sleep 1000 & echo ready; wait'
  start_sleeper
  pid=$PID
  wait_for 5 _ps_count_at_least 2
  run runtime ps --format json "$ID"
  assert_success
  jq -e --argjson p "$pid" 'index($p) != null' <<<"$output"
}

@test "lifecycle: --version and --help" {
  run "$RUNTIME" --version
  assert_success
  assert_output_matches 'version'
  run "$RUNTIME" --help
  assert_success
  assert_output_contains create
  run "$RUNTIME" create --help
  assert_success
  assert_output_contains -- --bundle
}

@test "lifecycle: --flag=value forms are accepted" {
  runtime --log="$BATS_TEST_TMPDIR/log.json" --log-format=json create --bundle="$BUNDLE" \
    --pid-file="$BATS_TEST_TMPDIR/p.pid" "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1
  pid=$(cat "$BATS_TEST_TMPDIR/p.pid")
  [[ "$pid" =~ ^[0-9]+$ ]]
  [ "$pid" = "$(pid_of "$ID")" ]
}
