#!/usr/bin/env bats
# The security baseline no CVE class owns: the container sees only its own processes, cannot
# write /proc/sys or /proc/sysrq-trigger, cannot mount without CAP_SYS_ADMIN and cannot see the
# runtime's state dir. (Each CVE class has its own file in this folder, see tests/README.md.)

load ../lib/common

setup() {
  setup_bundle "${SLEEPER[@]}"
}

@test "security: the container sees only its own processes" {
  set_args sh -c 'ls -d /proc/[0-9]* | wc -l; cat /proc/1/cmdline | tr "\0" " "'
  run runtime run "$ID"
  assert_success
  # sh, ls (maybe wc/cat): a handful, never the host's hundreds.
  [ "${lines[0]}" -le 4 ]
}

@test "security: /proc/sys and /proc/sysrq-trigger are not writable" {
  # Write the host's own value back: harmless should the write get through.
  v=$(cat /proc/sys/kernel/printk_ratelimit_burst)
  set_args sh -c "echo $v > /proc/sys/kernel/printk_ratelimit_burst && echo sysctl-written
                  if [ -e /proc/sysrq-trigger ]; then echo h > /proc/sysrq-trigger && echo sysrq-written; fi
                  echo done"
  run runtime run "$ID"
  assert_success
  assert_output_contains done
  refute grep -q written <<<"$output"
}

@test "security: mounting is refused without CAP_SYS_ADMIN" {
  set_args sh -c 'mount -t tmpfs none /mnt 2>&1; echo rc=$?'
  run runtime run "$ID"
  assert_success
  assert_output_matches 'permission denied|operation not permitted'
  assert_output_contains rc=
  refute grep -qx rc=0 <<<"$output"
}

@test "security: the host's runtime state dir is not reachable from the container" {
  set_args sh -c "ls $ROOT 2>&1; true"
  run runtime run "$ID"
  assert_success
  assert_output_matches 'no such file'
}
