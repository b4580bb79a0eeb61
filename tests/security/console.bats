#!/usr/bin/env bats
# /dev/console bound by a path the container controls (CVE-2025-52565: runc bound /dev/pts/N over
# /dev/console by path, and a container could redirect that bind onto a file of its choice).
# ocrun binds the pty peer itself (TIOCGPTPEER) onto a /dev/console opened without following
# symlinks and checked to be a file or a device (namespaces/console.c). The attack here: the
# image brings its own /dev (the config mounts nothing on it) in which /dev/console is a symlink
# to another file; the pty must never be mounted over that file.
# The source side (the pty's own fd, never its /dev/pts/N path) is structural: only a race with
# another process changing /dev/pts/N at the instant of the bind could tell the two apart, and no
# small patch makes that race reproducible here; this file tests the destination side.
# Shown to fail on a weakened build, tests/security/weaken/console.patch (/dev/console opened
# by path, following symlinks): tests/security/prove.sh console.

load ../lib/common

setup() {
  setup_bundle true
  update_config '.process.terminal = true | .mounts |= map(select(.destination != "/dev"))'
  echo TARGET > "$BUNDLE/rootfs/etc/target"
  rm -f "$BUNDLE/rootfs/dev/console"
}

# console_attack: run with a terminal; either refused because of /dev/console, or the target
# file is still the image's regular file and /dev/console the pty.
console_attack() {
  start_recvtty
  set_args sh -c 'stat -c "%F" /etc/target; cat /etc/target; stat -L -c "%F %t" /dev/console'
  run_runtime_via_files run --detach --console-socket "$CONSOLE_SOCKET" "$ID"
  if [ "$status" -ne 0 ]; then
    assert_output_contains '/dev/console in the container is neither a file nor a device'
    assert_nothing_left
    return 0
  fi
  run wait_recvtty
  assert_success
  echo "$output"
  [ "${lines[0]}" = "regular file" ]
  [ "${lines[1]}" = TARGET ]
  [ "$(stat -c %F "$BUNDLE/rootfs/etc/target")" = "regular file" ]
  [ "$(cat "$BUNDLE/rootfs/etc/target")" = TARGET ]
}

@test "console: /dev/console a symlink to a file of the image: the pty is never bound over it" {
  ln -s /etc/target "$BUNDLE/rootfs/dev/console"
  console_attack
}

@test "console: /dev/console a relative symlink: the pty is never bound over its target" {
  ln -s ../etc/target "$BUNDLE/rootfs/dev/console"
  console_attack
}
