#!/usr/bin/env bats
# process.terminal: the pty master goes to --console-socket (SCM_RIGHTS); the container sees a tty.

load ../lib/common

setup() {
  setup_bundle true
  update_config '.process.terminal = true'
}

@test "terminal: the master is passed through --console-socket and the container has a tty" {
  start_recvtty
  update_config '.process.consoleSize = {height: 30, width: 100}'
  set_args sh -c 'tty; stty size; test -t 0 && test -t 1 && test -t 2 && echo all-tty'
  create_container "$ID" --console-socket "$CONSOLE_SOCKET"
  run runtime start "$ID"
  assert_success
  run wait_recvtty
  assert_success
  assert_output_matches '^/dev/(console|pts/0)$'
  assert_output_contains "30 100"
  assert_output_contains all-tty
  grep -qx fds=1 "$TTY_OUT.meta"
}

@test "terminal: input written to the master reaches the container" {
  start_recvtty --input $'hello\n'
  set_args sh -c 'read line; echo "got:$line"'
  run_detached "$ID" --console-socket "$CONSOLE_SOCKET"
  run wait_recvtty
  assert_success
  assert_output_contains got:hello
}

@test "terminal: /dev/console is the container's pty" {
  start_recvtty
  set_args sh -c 'stat -c "%F %t" /dev/console; readlink /proc/self/fd/0'
  run_detached "$ID" --console-socket "$CONSOLE_SOCKET"
  run wait_recvtty
  assert_success
  # Unix98 pty slaves have major 136 (0x88).
  assert_output_contains "character special file 88"
  assert_output_matches '^/dev/(console|pts/[0-9]+)$'
}

@test "terminal: the container is a session leader with the tty as controlling terminal" {
  start_recvtty
  set_args sh -c 'cat /proc/self/stat'
  run_detached "$ID" --console-socket "$CONSOLE_SOCKET"
  run wait_recvtty
  assert_success
  rest=${output##*) }
  read -r -a f <<<"$rest"
  # f[2]=pgrp f[3]=session f[4]=tty_nr f[5]=tpgid: sh is pid 1, session leader, foreground.
  [ "${f[3]}" = 1 ]
  [ "${f[4]}" != 0 ]
  [ "${f[5]}" = 1 ]
}

@test "terminal: create with terminal but no --console-socket fails" {
  run runtime create --bundle "$BUNDLE" "$ID"
  assert_failure
  assert_output_matches 'console.socket|console socket'
  [ "$(status_of "$ID")" = gone ]
  [ -z "$(cgroup_dirs "/ocrun-test/$ID")" ]
}

@test "terminal: --console-socket without terminal fails" {
  start_recvtty
  update_config '.process.terminal = false'
  run runtime create --bundle "$BUNDLE" --console-socket "$CONSOLE_SOCKET" "$ID"
  assert_failure
  assert_output_matches 'console'
  [ "$(status_of "$ID")" = gone ]
}

@test "terminal: a console socket path that does not exist fails naming it" {
  run runtime create --bundle "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/nosuch.sock" "$ID"
  assert_failure
  assert_output_contains nosuch.sock
  [ "$(status_of "$ID")" = gone ]
}
