#!/usr/bin/env bats
# A kill -9 of `ocrun create` at any instant is recoverable. create stops at named points when
# OCRUN_TEST_PAUSE_AT=<phase> is set (test-only, runtime/create.c test_pause; inert otherwise)
# and the test kills it there, or kills it after a random delay. Then: `state` and `list` show
# the container as stopped, the next admission finds the killed create's capacity free again
# (the ledger's reconcile), and `delete --force` leaves no process, cgroup (in any hierarchy),
# mount, state dir or ledger entry.
# Every test runs on a fake node with room for exactly one 1 GiB container and its own ledger
# (as policy.bats does): the host's real ledger is never touched.
# Shown to fail on weakened builds (tests/security/prove.sh create_kill9):
# tests/security/weaken/create_kill9.patch (a state dir without state.json taken for no
# container: delete --force exits 0 and leaves it), create_kill9.cgroup.patch (delete does not
# look for the cgroup of an unfinished creation) and create_kill9.ledger.patch (reconcile keeps
# an entry while its state dir is there, the creator and init gone).

load ../lib/common

GIB=1073741824

setup() {
  requires_ocrun "OCRUN_TEST_PAUSE_AT and the admission ledger"
  setup_bundle "${SLEEPER[@]}"
  update_config '.linux.resources.memory = {limit: $l}' --argjson l "$GIB"
  export OCRUN_LEDGER_DIR=$BATS_TEST_TMPDIR/ledger
  # capacity = (1536 − the default 512 MB reserve) = 1024 MB
  export OCRUN_HOST_MEMORY_MB=1536 OCRUN_HOST_CPUS=8
  unset OCRUN_POLICY OCRUN_TEST_PAUSE_AT
  LEDGER=$OCRUN_LEDGER_DIR
  on_teardown "rm -rf -- '$OCRUN_LEDGER_DIR'"
}

# spawn_create [PHASE]: `ocrun create $ID` in the background, stopping at PHASE when given;
# CREATOR is its pid (no timeout wrapper in between: that pid is what the test kills).
spawn_create() {
  OCRUN_TEST_MARK=$MARK OCRUN_TEST_PAUSE_AT=${1:-} "$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$ID" \
    </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 3>&- &
  CREATOR=$!
  track_bg "$CREATOR"
}

# State of a process (/proc/PID/stat field 3).
_proc_state() { sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null; }
_stopped() { [ "$(_proc_state "$1")" = T ]; }

# kill_creator: kill -9 and reap it; CREATOR_RC is its exit status (137: killed, 0: finished).
kill_creator() {
  kill -9 "$CREATOR" 2>/dev/null || true
  CREATOR_RC=0
  wait "$CREATOR" 2>/dev/null || CREATOR_RC=$?
}

# list_status ID: the status `list --format json` gives ID ("" when not listed).
list_status() {
  runtime list --format json | jq -r --arg id "$1" '.[] | select(.id == $id) | .status'
}

# A second 1 GiB container B on the same rootfs: it only fits once $ID's entry is gone.
B=
second_bundle() {
  B=$ID-b
  track_container "$B"
  mkdir -p "$BATS_TEST_TMPDIR/b"
  jq --arg r "$BUNDLE/rootfs" --arg cg "/ocrun-test/$B" '.root.path = $r | .linux.cgroupsPath = $cg | del(.hooks)' \
    "$BUNDLE/config.json" > "$BATS_TEST_TMPDIR/b/config.json"
}

# create_b: create B; status and output as `run` sets them. The output goes through a file: a
# created container's init keeps the runtime's stdout open.
create_b() {
  status=0
  runtime create --bundle "$BATS_TEST_TMPDIR/b" "$B" >"$BATS_TEST_TMPDIR/b.out" 2>&1 || status=$?
  output=$(cat "$BATS_TEST_TMPDIR/b.out")
}

# B is admitted (so the ledger released $ID's entry), then goes away again.
assert_capacity_free() {
  second_bundle
  create_b
  assert_success
  run runtime delete --force "$B"
  assert_success
  assert_nothing_left "$B"
}

# After create was killed: visible as stopped, its capacity free, delete --force leaves nothing.
assert_recovered() {
  wait_for_status "$ID" stopped
  assert_equal "$(list_status "$ID")" stopped
  assert_capacity_free
  run runtime delete --force "$ID"
  assert_success
  assert_equal "$(status_of "$ID")" gone
  assert_nothing_left
}

# The phases of OCRUN_TEST_PAUSE_AT in order (runtime/create.c, tests/README.md).
PHASES=(mkdir state-dir admitted cgroup cloned go ready recorded)
_phase_index() {
  local i
  for i in "${!PHASES[@]}"; do [ "${PHASES[$i]}" = "$1" ] && echo "$i"; done
  return 0
}

# crash_at PHASE STATUS: create stops at PHASE, where `state` shows STATUS and what that phase
# made exists; it is killed there and recovered.
crash_at() {
  local n
  n=$(_phase_index "$1")
  spawn_create "$1"
  wait_for 10 _stopped "$CREATOR" || { cat "$BATS_TEST_TMPDIR/create.out" >&2; false; }
  [ -d "$ROOT/$ID" ]
  assert_equal "$(status_of "$ID")" "$2"
  if [ "$n" -ge 2 ]; then
    ledger_doc | jq -e --arg id "$ID" 'any(.entries[]; .id == $id)' >/dev/null
  fi
  if [ "$n" -ge 3 ]; then
    # in every hierarchy, so delete must find it in every one
    assert_equal "$(cgroup_dirs "/ocrun-test/$ID" | wc -l)" "$(ls -d /sys/fs/cgroup/*/ | wc -l)"
  fi
  if [ "$n" -ge 4 ]; then # the init is in it
    [ -n "$(cat "$(cgroup_dirs "/ocrun-test/$ID" | head -n 1)/cgroup.procs")" ]
  fi
  if [ "$n" -ge 5 ]; then [ "$(pid_of "$ID")" -gt 0 ]; fi
  kill_creator
  assert_recovered
}

@test "crash: kill -9 right after the state dir is made (no state.json yet)" {
  # A bare dir names no creator: stopped even while create is at work (for that moment only).
  crash_at mkdir stopped
}

@test "crash: kill -9 after state.json and the config copy" {
  crash_at state-dir creating
}

@test "crash: kill -9 after the ledger admission" {
  crash_at admitted creating
}

@test "crash: kill -9 after the cgroup is made" {
  crash_at cgroup creating
}

@test "crash: kill -9 after clone (init in the cgroup, waiting for GO)" {
  crash_at cloned creating
}

@test "crash: kill -9 after GO, before READY" {
  crash_at go creating
}

@test "crash: kill -9 after READY, before the pid file and state.json are final" {
  crash_at ready creating
}

@test "crash: kill -9 after state.json is final, before the init is told (DONE)" {
  # Recorded as created; the init exits once it sees create gone without DONE.
  crash_at recorded created
}

@test "crash: while the creator lives it is creating, delete refuses, delete --force kills it" {
  spawn_create go
  wait_for 10 _stopped "$CREATOR"
  assert_equal "$(status_of "$ID")" creating
  assert_equal "$(list_status "$ID")" creating
  [ "$(pid_of "$ID")" -gt 0 ]
  run runtime delete "$ID"
  assert_failure
  assert_output_contains "creating"
  # Its capacity is still taken: reconcile keeps an entry whose creator is at work.
  second_bundle
  create_b
  assert_failure
  assert_output_contains "insufficient MEMORY_MB"
  assert_nothing_left "$B"
  run runtime delete --force "$ID"
  assert_success
  wait_for 10 _gone "$CREATOR"
  assert_nothing_left
}

@test "crash: a process a killed create left in the cgroup is killed through the cgroup" {
  # No pid namespace: the hook's process outlives the init unless delete kills the cgroup.
  local hookpid=$BATS_TEST_TMPDIR/hook.pid
  update_config '.linux.namespaces |= map(select(.type != "pid")) |
    .hooks = {createContainer: [{path: "/bin/sh", env: ["OCRUN_TEST_MARK=" + $m],
      args: ["sh", "-c", "echo $$ > \($pidf); exec sleep 1000"]}]}' --arg m "$MARK" --arg pidf "$hookpid"
  spawn_create
  wait_for_file "$hookpid"
  local hook
  hook=$(cat "$hookpid")
  grep -q ":/ocrun-test/$ID\$" "/proc/$hook/cgroup"
  kill_creator
  # The init waits for its hook, the hook sleeps: neither will notice create is gone.
  kill -0 "$hook"
  assert_recovered
  wait_for 10 _gone "$hook"
}

@test "crash: a state dir an older ocrun left (config copy, no state.json) is found and removed" {
  # Older ocrun wrote state.json last: a kill -9 after the cgroup left config.json, the cgroup
  # and the ledger entry. delete finds the cgroup from the config copy.
  spawn_create cgroup
  wait_for 10 _stopped "$CREATOR"
  kill_creator
  rm -f "$ROOT/$ID/state.json"
  [ -n "$(cgroup_dirs "/ocrun-test/$ID")" ]
  assert_recovered
}

@test "crash: kill -9 at 20 random delays within create, each cleaned by delete --force" {
  # How long a whole create takes here (the fastest of 3), to spread the kills over it.
  local t0 t1 dur=1000 i ms before=0 mid=0 after=0
  for i in 1 2 3; do
    t0=$(date +%s%N)
    spawn_create
    wait "$CREATOR"
    t1=$(date +%s%N)
    [ $(((t1 - t0) / 1000000)) -ge "$dur" ] || dur=$(((t1 - t0) / 1000000))
    runtime delete --force "$ID"
    assert_nothing_left
  done
  for i in $(seq 1 20); do
    ms=$((RANDOM % (dur + 1)))
    spawn_create
    # The delay is the point here (a kill at an arbitrary instant), not a wait for something.
    sleep "$(printf '0.%03d' "$ms")"
    kill_creator
    # Killed before it made the state dir, in the middle, or after it finished: all the same.
    if [ "$CREATOR_RC" = 0 ]; then after=$((after + 1))
    elif [ -e "$ROOT/$ID" ]; then mid=$((mid + 1))
    else before=$((before + 1)); fi
    run runtime delete --force "$ID"
    assert_success
    assert_nothing_left || { echo "iteration $i: killed after ${ms} ms (create takes ${dur} ms)" >&2; false; }
  done
  echo "# create takes ${dur} ms; killed before the state dir: $before, during create: $mid, after: $after" >&3
}
