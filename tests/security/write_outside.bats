#!/usr/bin/env bats
# Files written outside the rootfs through a symlink (crun CVE-2025-24965: crun created a file in
# the container by a path string, and a symlink planted by the image sent it to the host). What
# ocrun creates in the container (the placeholder a file bind mount needs, /dev nodes, links and
# the /dev/console placeholder) is made with O_CREAT|O_EXCL|O_NOFOLLOW (or mknodat, symlinkat)
# beside a parent fd resolved inside the rootfs, and a dangling symlink is followed by ocrun
# itself, inside the root (namespaces/path_in_root.c). The image plants dangling symlinks, to
# absolute host paths and climbing out with "..", exactly where ocrun creates files.
# Shown to fail on a weakened build, tests/security/weaken/write_outside.patch (the file
# created with a plain O_CREAT, which follows the symlink): tests/security/prove.sh write_outside.

load ../lib/common

setup() {
  setup_bundle true
  HOSTW=$BATS_TEST_TMPDIR/hostw
  mkdir -p "$HOSTW"
  echo payload > "$BATS_TEST_TMPDIR/payload"
  UP=../../../../../../../../../../../../../../../..
}

# nothing_on_host: the host dir the symlinks point at is still empty.
nothing_on_host() {
  [ -z "$(ls -A "$HOSTW")" ] || { echo "written on the host:" >&2; ls -l "$HOSTW" >&2; return 1; }
}

@test "write outside: a file bind mount onto a dangling symlink to a host path is made inside" {
  ln -s "$HOSTW/abs-file" "$BUNDLE/rootfs/etc/abs-file"
  ln -s "$UP$HOSTW/rel-file" "$BUNDLE/rootfs/etc/rel-file"
  update_config '.mounts += [
      {destination: "/etc/abs-file", type: "bind", source: $p, options: ["bind", "ro"]},
      {destination: "/etc/rel-file", type: "bind", source: $p, options: ["bind", "ro"]}]' \
    --arg p "$BATS_TEST_TMPDIR/payload"
  set_args sh -c 'cat /etc/abs-file /etc/rel-file'
  run runtime run "$ID"
  assert_success
  [ "$output" = "$(printf 'payload\npayload')" ]
  nothing_on_host
  [ -f "$BUNDLE/rootfs$HOSTW/abs-file" ]
  [ -f "$BUNDLE/rootfs$HOSTW/rel-file" ]
}

@test "write outside: a file bind mount under a dangling symlinked dir is made inside" {
  ln -s "$HOSTW/newdir" "$BUNDLE/rootfs/etc/newdir"
  update_config '.mounts += [{destination: "/etc/newdir/deep/file", type: "bind", source: $p, options: ["bind"]}]' \
    --arg p "$BATS_TEST_TMPDIR/payload"
  set_args cat /etc/newdir/deep/file
  run runtime run "$ID"
  assert_success
  [ "$output" = payload ]
  nothing_on_host
}

@test "write outside: /dev/console and /dev entries made by the runtime never follow the image's symlinks" {
  # The image brings its own /dev (nothing mounted on it) with dangling symlinks to the host
  # where the runtime makes the console placeholder, device nodes and links.
  update_config '.process.terminal = true | .mounts |= map(select(.destination != "/dev"))'
  for n in console zero full fd stdin; do
    rm -f "$BUNDLE/rootfs/dev/$n"
    ln -s "$HOSTW/dev-$n" "$BUNDLE/rootfs/dev/$n"
  done
  start_recvtty
  set_args true
  run_runtime_via_files run --detach --console-socket "$CONSOLE_SOCKET" "$ID"
  # Refused or run: either way nothing reaches the host.
  echo "$output"
  [ "$status" -ne 0 ] || wait_for_status "$ID" stopped
  nothing_on_host
}
