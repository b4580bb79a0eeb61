#!/usr/bin/env bats
# A container could write host cgroups (CVE-2023-25809: rootless runc mounted /sys/fs/cgroup
# writable). Through a writable cgroup mount a container raises its own limits or makes cgroups
# on the host. ocrun mounts /sys/fs/cgroup read-only unless the config asks for "rw"
# (namespaces/mount_cgroup.c), also when the config's options do not say "ro".
# Shown to fail on a weakened build, tests/security/weaken/cgroup_rw.patch (the cgroup mount
# left writable): tests/security/prove.sh cgroup_rw.

load ../lib/common

setup() {
  setup_bundle true
}

@test "cgroup rw: the cgroup mount shows the container's own cgroup, read-only" {
  set_args sh -c 'cat /sys/fs/cgroup/pids/cgroup.procs; touch /sys/fs/cgroup/pids/x 2>&1; true'
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = 1 ]
  assert_output_matches 'read-only'
}

# cgroup_attack: the container tries to raise its own memory limit, to make a cgroup in every
# hierarchy and to join the host's root cgroup; all refused, the host sees no change.
cgroup_attack() {
  local mem=/sys/fs/cgroup/memory/ocrun-test/$ID limit
  set_args sh -c 'echo 9223372036854771712 > /sys/fs/cgroup/memory/memory.limit_in_bytes 2>&1
                  for d in /sys/fs/cgroup/*/; do mkdir ${d}escape 2>&1; done
                  echo $$ > /sys/fs/cgroup/pids/cgroup.procs 2>&1; echo done'
  create_container
  limit=$(cat "$mem/memory.limit_in_bytes")
  runtime start "$ID"
  wait_for_status "$ID" stopped
  run container_output
  echo "$output"
  assert_output_contains done
  [ "$(cat "$mem/memory.limit_in_bytes")" = "$limit" ]
  left=$(find /sys/fs/cgroup/*/ocrun-test/"$ID" -maxdepth 1 -name escape 2>/dev/null)
  [ -z "$left" ] || { echo "made on the host: $left" >&2; false; }
  # Each attempt failed because the mount is read-only (not for lack of permission).
  if grep -v '^done$' <<<"$output" | grep -vi 'read-only'; then false; fi
}

@test "cgroup rw: the container cannot raise its limits or make cgroups (options with ro)" {
  cgroup_attack
}

@test "cgroup rw: read-only also when the config's cgroup mount does not say ro" {
  update_config '.mounts |= map(if .destination == "/sys/fs/cgroup" then .options = ["nosuid", "noexec", "nodev"] else . end)'
  cgroup_attack
}
