#!/usr/bin/env bats
# /proc replaced by a symlink or a fake filesystem (CVE-2019-19921, CVE-2023-27561,
# CVE-2023-28642, CVE-2025-52881): an image or a volume that puts something else where /proc
# belongs makes the runtime's writes through /proc (LSM labels, sysctls) land in the attacker's
# files. Mount targets for proc must be real directories, what is mounted at /proc must be the
# root of a procfs, nothing but a few known files may be mounted inside /proc, and sysctls are
# written only through a /proc/sys verified to be procfs (namespaces/mounts.c, sysctl.c).
# Shown to fail on a weakened build, tests/security/weaken/fake_proc.patch (those procfs checks
# removed): tests/security/prove.sh fake_proc.

load ../lib/common

setup() {
  setup_bundle true
  # The attacker's fake /proc on the host side, as a volume would bring it: a sysctl file whose
  # write would "succeed" there instead of reaching the kernel.
  FAKE=$BATS_TEST_TMPDIR/fakeproc
  mkdir -p "$FAKE/sys/kernel"
  echo untouched > "$FAKE/sys/kernel/shmmni"
  update_config '.linux.sysctl = {"kernel.shmmni": "1000"}'
}

# refused PATTERN: create fails with PATTERN, leaves nothing, and the fake sysctl is unwritten.
refused() {
  run_runtime_via_files create --bundle "$BUNDLE" "$ID"
  assert_failure
  assert_output_matches "$1"
  [ "$(cat "$FAKE/sys/kernel/shmmni")" = untouched ]
  assert_nothing_left
}

@test "fake proc: /proc a symlink in the rootfs is refused" {
  rmdir "$BUNDLE/rootfs/proc"
  mkdir "$BUNDLE/rootfs/fakeproc"
  ln -s /fakeproc "$BUNDLE/rootfs/proc"
  refused 'proc must be mounted on an ordinary directory'
}

@test "fake proc: /proc a symlink out of the rootfs is refused" {
  rmdir "$BUNDLE/rootfs/proc"
  ln -s "../../../../../../../../../..$FAKE" "$BUNDLE/rootfs/proc"
  refused 'proc must be mounted on an ordinary directory'
}

@test "fake proc: a host dir bound over /proc is refused, the sysctl is not written into it" {
  update_config '.mounts += [{destination: "/proc", type: "bind", source: $f, options: ["rbind"]}]' --arg f "$FAKE"
  refused '/proc.*not the root of a procfs'
}

@test "fake proc: a tmpfs over /proc/sys is refused" {
  update_config '.mounts += [{destination: "/proc/sys", type: "tmpfs", source: "tmpfs"}]'
  refused '/proc/sys.*inside /proc'
}

@test "fake proc: a host dir bound over /proc/sys is refused" {
  update_config '.mounts += [{destination: "/proc/sys", type: "bind", source: $f, options: ["rbind"]}]' \
    --arg f "$FAKE/sys"
  refused '/proc/sys.*inside /proc'
}

@test "fake proc: the real procfs still takes the sysctl" {
  set_args cat /proc/sys/kernel/shmmni
  run runtime run "$ID"
  assert_success
  [ "$output" = 1000 ]
}
