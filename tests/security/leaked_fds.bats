#!/usr/bin/env bats
# Leaked fds (CVE-2024-21626: runc leaked a directory fd of the host into the init, and
# process.cwd = /proc/self/fd/N put the container's process in the host's filesystem). No
# runtime fd reaches the container, even one the caller leaves inheritable (containerd's shim
# leaves fd 3, its listening socket, open without close-on-exec), and a cwd through one of the
# runtime's own fds, still open at chdir time, is refused (runtime/process_chdir.c verify_cwd).
# Shown to fail on weakened builds: tests/security/weaken/leaked_fds.patch (the cwd not verified:
# the cwd tests, which passed before on such a build because they took a non-zero exit for a
# refusal) and leaked_fds.close.patch (no close_range before execve: the fd tests):
# tests/security/prove.sh leaked_fds.

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

# cwd_inside N: after `run` of `sh -c 'echo started; pwd -P; ls'`: refused, or the process ran
# with a cwd inside the container (a path, none of the host's files around it). The exit status
# says nothing: a process running in the host's directory may well exit non-zero.
cwd_inside() {
  grep -qx started <<<"$output" || return 0
  if grep -qE 'unreachable|host-marker|state\.json|config\.json|cgroup\.procs' <<<"$output"; then
    echo "fd $1: the process ran outside the container: $output" >&2
    return 1
  fi
  [[ "${lines[1]}" == /* ]] || { echo "fd $1: cwd '${lines[1]}'" >&2; return 1; }
}

# The caller leaks a host directory as fd 3 (as containerd leaks its socket); the runtime's own
# fds (the state dir, host cgroup dirs) are open too while the init changes to the cwd.
@test "fds: cwd through a leaked fd (/proc/self/fd/N) can't escape the rootfs" {
  mkdir "$BATS_TEST_TMPDIR/hostside"
  touch "$BATS_TEST_TMPDIR/hostside/host-marker"
  set_args sh -c 'echo started; pwd -P; ls'
  for n in $(seq 3 24); do
    update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
    run runtime_keep_fds run "$ID" 3<"$BATS_TEST_TMPDIR/hostside"
    cwd_inside "$n"
    [ "$(status_of "$ID")" = gone ]
  done
}

@test "fds: exec --cwd through a leaked fd can't escape the rootfs" {
  set_args "${SLEEPER[@]}"
  start_sleeper
  mkdir "$BATS_TEST_TMPDIR/hostside"
  touch "$BATS_TEST_TMPDIR/hostside/host-marker"
  for n in $(seq 3 24); do
    run runtime_keep_fds exec --cwd "/proc/self/fd/$n" "$ID" sh -c 'echo started; pwd -P; ls' \
      3<"$BATS_TEST_TMPDIR/hostside"
    cwd_inside "$n"
  done
}
