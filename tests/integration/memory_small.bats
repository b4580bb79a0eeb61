#!/usr/bin/env bats
# A container runs under a tiny hard memory limit (512 KiB, crun's claim; runc fails at 4 MiB):
# the runtime's own work inside the container's cgroup must fit, and the limit must be set.

load ../lib/common

KIB512=524288

setup() {
  setup_bundle "${SLEEPER[@]}"
  update_config '.linux.resources.memory.limit = $l' --argjson l "$KIB512"
}

# memory_limit_of ID: the hard limit of the container's memory cgroup (v1 or v2), in bytes.
memory_limit_of() {
  if [ -f "/sys/fs/cgroup/memory/ocrun-test/$1/memory.limit_in_bytes" ]; then
    cat "/sys/fs/cgroup/memory/ocrun-test/$1/memory.limit_in_bytes"
  else
    cat "/sys/fs/cgroup/ocrun-test/$1/memory.max"
  fi
}

@test "memory 512 KiB: the container runs and its cgroup's hard limit is 512 KiB" {
  start_sleeper
  kill -0 "$PID"
  assert_equal "$(memory_limit_of "$ID")" "$KIB512"
  assert_equal "$(status_of "$ID")" running
}

@test "memory 512 KiB: a foreground run of true exits 0" {
  set_args /bin/true
  run runtime run --bundle "$BUNDLE" "$ID"
  assert_success
}
