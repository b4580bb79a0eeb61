#!/usr/bin/env bats
# Symlinks inside the rootfs redirect mounts or file creation to the host (CVE-2019-18837,
# CVE-2021-30465, CVE-2024-45310, CVE-2026-41579 through a /dev symlink). The image plants
# symlinks, relative ones with ".." enough to climb out of the rootfs and absolute ones naming
# host paths, where the runtime mounts or creates things; every path under the rootfs must be
# resolved inside it (namespaces/path_in_root.c: openat2 RESOLVE_IN_ROOT), so the host paths stay
# untouched and the mounts land inside the rootfs.
# Shown to fail on a weakened build, tests/security/weaken/symlink_escape.patch (paths under the
# rootfs resolved relative to its fd but without RESOLVE_IN_ROOT, as a path string would be):
# tests/security/prove.sh symlink_escape.

load ../lib/common

setup() {
  setup_bundle true
  HOSTDIR=$BATS_TEST_TMPDIR/host
  mkdir -p "$HOSTDIR"
  # ../ enough times to reach / from anywhere in the rootfs.
  UP=../../../../../../../../../../../../../../../..
}

@test "symlink escape: a mount destination through a symlink stays inside the rootfs" {
  echo payload > "$HOSTDIR/payload"
  escape=$BATS_TEST_TMPDIR/escaped
  # ../ enough times to reach / from the rootfs, then an absolute host path.
  ln -s "../../../../../../../../../../../../..$escape" "$BUNDLE/rootfs/evil"
  ln -s "$escape-abs" "$BUNDLE/rootfs/evil-abs"
  update_config '.mounts += [
      {destination: "/evil", type: "bind", source: $d, options: ["rbind", "ro"]},
      {destination: "/evil-abs", type: "tmpfs", source: "tmpfs"}]' --arg d "$HOSTDIR"
  set_args sh -c "cat $escape/payload; grep -c ' $escape-abs ' /proc/self/mountinfo"
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = payload ]
  [ "${lines[1]}" = 1 ]
  # Nothing was created (or mounted) on the host side.
  [ ! -e "$escape" ]
  [ ! -e "$escape-abs" ]
  [ -e "$BUNDLE/rootfs$escape" ]
}

@test "symlink escape: missing parents of a mount destination, under a symlinked dir, are made inside" {
  escape=$BATS_TEST_TMPDIR/escaped-dir
  mkdir "$escape"
  ln -s "$UP$escape" "$BUNDLE/rootfs/rel"
  ln -s "$escape" "$BUNDLE/rootfs/abs"
  update_config '.mounts += [
      {destination: "/rel/a/b", type: "tmpfs", source: "tmpfs"},
      {destination: "/abs/c/d", type: "tmpfs", source: "tmpfs"}]'
  set_args sh -c "grep -c ' $escape/a/b \\| $escape/c/d ' /proc/self/mountinfo"
  run runtime run "$ID"
  assert_success
  [ "$output" = 2 ]
  # Made inside the rootfs, nothing on the host side.
  [ -z "$(ls -A "$escape")" ] || { ls -lR "$escape" >&2; false; }
  [ -d "$BUNDLE/rootfs$escape/a/b" ]
  [ -d "$BUNDLE/rootfs$escape/c/d" ]
}

# dev_attack LINK: the rootfs's /dev is the symlink LINK to the host dir $HOSTDIR/dev, and the
# config mounts nothing on /dev (so the devices are made in the rootfs's own /dev, as runc and
# ocrun do for such configs): the device nodes, the /dev links and the mounts under /dev must
# all land inside the rootfs, never in the host's dir.
dev_attack() {
  mkdir "$HOSTDIR/dev"
  rm -rf "$BUNDLE/rootfs/dev"
  ln -s "$1" "$BUNDLE/rootfs/dev"
  update_config '.mounts |= map(select(.destination != "/dev"))'
  set_args sh -c 'echo x > /dev/null && stat -c "%F %t:%T" /dev/null; readlink /dev/ptmx'
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = "character special file 1:3" ]
  [ "${lines[1]}" = pts/ptmx ]
  [ -z "$(ls -A "$HOSTDIR/dev")" ] || { echo "made on the host:" >&2; ls -l "$HOSTDIR/dev" >&2; false; }
  [ -c "$BUNDLE/rootfs$HOSTDIR/dev/null" ]
}

@test "symlink escape: /dev a relative symlink out of the rootfs: devices are made inside" {
  dev_attack "$UP$HOSTDIR/dev"
}

@test "symlink escape: /dev an absolute symlink to a host dir: devices are made inside" {
  dev_attack "$HOSTDIR/dev"
}
