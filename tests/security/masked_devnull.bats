#!/usr/bin/env bats
# Masked paths bind the container's /dev/null, which the container can swap for something else
# (CVE-2025-31133: runc bound whatever /dev/null had become over the masked files, a symlink to
# a writable procfs file included). Here the image brings its own /dev (the config mounts
# nothing on it) where /dev/null is a symlink or a plain file, holding "LEAKED": the masked files
# must read empty and be the null device, or the container is refused — never the attacker's
# file (namespaces/masked_paths.c: /dev/null opened without following, checked to be char 1:3,
# bound from that fd).
# Shown to fail on a weakened build, tests/security/weaken/masked_devnull.patch (/dev/null
# followed and not checked): tests/security/prove.sh masked_devnull.

load ../lib/common

setup() {
  setup_bundle true
  update_config '.mounts |= map(select(.destination != "/dev"))'
  echo LEAKED > "$BUNDLE/rootfs/etc/leak"
}

# masked_or_refused: the container reads the masked /proc/timer_list (and /proc/kcore when there)
# as an empty null device, or is refused because of /dev/null.
masked_or_refused() {
  set_args sh -c 'for f in /proc/timer_list /proc/kcore; do [ -e $f ] || continue
                    echo "$f $(stat -L -c "%F %t:%T" $f) $(head -c 64 $f | wc -c) $(head -c 64 $f)"; done'
  run runtime run "$ID"
  if [ "$status" -ne 0 ]; then
    assert_output_contains 'not the null device'
    assert_nothing_left
    return 0
  fi
  echo "$output"
  refute grep -q LEAKED <<<"$output"
  assert_output_contains "/proc/timer_list character special file 1:3 0"
  if grep -v ' character special file 1:3 0 *$' <<<"$output"; then false; fi
}

@test "masked /dev/null: a symlink to a file of the image is never bound over masked paths" {
  rm -f "$BUNDLE/rootfs/dev/null"
  ln -s /etc/leak "$BUNDLE/rootfs/dev/null"
  masked_or_refused
}

@test "masked /dev/null: a symlink that climbs out of the rootfs is never bound" {
  echo LEAKED > "$BATS_TEST_TMPDIR/host-leak"
  rm -f "$BUNDLE/rootfs/dev/null"
  ln -s "../../../../../../../../../../..$BATS_TEST_TMPDIR/host-leak" "$BUNDLE/rootfs/dev/null"
  masked_or_refused
}

@test "masked /dev/null: a plain file in its place is never bound" {
  rm -f "$BUNDLE/rootfs/dev/null"
  echo LEAKED > "$BUNDLE/rootfs/dev/null"
  masked_or_refused
}
