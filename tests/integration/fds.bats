#!/usr/bin/env bats
# No runtime fd reaches the container, even one the caller leaves inheritable (containerd's
# shim leaves fd 3, its listening socket, open without close-on-exec).

load ../lib/common

setup() {
  setup_bundle true
}

# The runtime with whatever fds the caller redirects (nothing closed).
runtime_keep_fds() {
  OCRUN_TEST_MARK=$MARK timeout -k 5 "$RUNTIME_TIMEOUT" "$RUNTIME" --root "$ROOT" "$@" </dev/null
}

@test "fds: run with an inherited fd 3: the container has only 0 1 2 (+ ls's own dir fd)" {
  set_args ls /proc/self/fd
  run runtime_fd3 run "$ID"
  assert_success
  [ "$(xargs <<<"$output")" = "0 1 2 3" ]
}

@test "fds: create+start with inherited fds 3 and 7: init has only 0 1 2" {
  set_args "${SLEEPER[@]}"
  runtime_keep_fds create --bundle "$BUNDLE" "$ID" 3</dev/null 7</dev/null \
    >"$BATS_TEST_TMPDIR/$ID.out" 2>&1
  pid=$(pid_of "$ID")
  # While waiting for start the init may hold its own (close-on-exec) fds, but not ours.
  for fd in "/proc/$pid/fd"/*; do
    n=${fd##*/}
    [ "$n" -le 2 ] || [ "$(readlink "$fd")" != /dev/null ] || {
      ls -l "/proc/$pid/fd" >&2
      false
    }
  done
  runtime start "$ID"
  wait_for_file "$BATS_TEST_TMPDIR/$ID.out" ready
  [ "$(ls "/proc/$pid/fd" | sort -n | xargs)" = "0 1 2" ] || {
    ls -l "/proc/$pid/fd" >&2
    false
  }
}

@test "fds: the container's fds point to nothing of the runtime" {
  set_args ls -l /proc/self/fd
  run runtime_fd3 run "$ID"
  assert_success
  assert_output_contains " 1 -> "
  refute grep -qE "$ROOT|$BUNDLE|exec.fifo|\\.sock|cgroup" <<<"$output"
}

@test "fds: exec with an inherited fd 3: the process has only 0 1 2 (+ ls's dir fd)" {
  set_args "${SLEEPER[@]}"
  start_sleeper
  run runtime_fd3 exec "$ID" ls /proc/self/fd
  assert_success
  [ "$(xargs <<<"$output")" = "0 1 2 3" ]
}

@test "fds: exec --detach with inherited fds: the process has only 0 1 2" {
  set_args "${SLEEPER[@]}"
  start_sleeper
  runtime_keep_fds exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 1000 \
    3</dev/null 5</dev/null >"$BATS_TEST_TMPDIR/exec.out" 2>&1
  pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
  [ "$(ls "/proc/$pid/fd" | sort -n | xargs)" = "0 1 2" ]
}

@test "fds: --preserve-fds 1 passes fd 3 and nothing above it" {
  echo preserved > "$BATS_TEST_TMPDIR/data"
  set_args sh -c 'cat <&3; ls /proc/self/fd | xargs'
  run runtime_keep_fds run --preserve-fds 1 "$ID" 3<"$BATS_TEST_TMPDIR/data" 4</dev/null 7</dev/null
  assert_success
  [ "${lines[0]}" = preserved ]
  # 0-2, the preserved 3, and ls's dir fd 4.
  [ "${lines[1]}" = "0 1 2 3 4" ]
}

@test "fds: exec --preserve-fds 1 passes fd 3" {
  set_args "${SLEEPER[@]}"
  start_sleeper
  echo exec-preserved > "$BATS_TEST_TMPDIR/data"
  run runtime_keep_fds exec --preserve-fds 1 "$ID" cat /proc/self/fd/3 3<"$BATS_TEST_TMPDIR/data"
  assert_success
  [ "$output" = exec-preserved ]
}

@test "fds: stdio of the container are the caller's (pipes stay pipes)" {
  set_args sh -c 'readlink /proc/self/fd/1; readlink /proc/self/fd/0'
  run runtime run "$ID"
  assert_success
  [[ "${lines[0]}" == pipe:* ]] || { echo "$output" >&2; false; }
  # runc's foreground run copies stdin through a pipe of its own; passing it through is fine too.
  [[ "${lines[1]}" == /dev/null || "${lines[1]}" == pipe:* ]] || { echo "$output" >&2; false; }
}
