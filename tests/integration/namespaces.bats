#!/usr/bin/env bats
# Namespaces: each of the eight new, joined by path, user namespace id maps, time offsets.

load ../lib/common

setup() {
  setup_bundle true
}

# add_ns TYPE: add a new namespace of TYPE (if not already there).
add_ns() {
  update_config '.linux.namespaces |= (map(select(.type != $t)) + [{type: $t}])' --arg t "$1"
}
del_ns() {
  update_config '.linux.namespaces |= map(select(.type != $t))' --arg t "$1"
}
userns_maps() {
  make_bundle_traversable
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
}

# check_new_ns PROCNAME: the container's /proc/self/ns/PROCNAME differs from the host's.
check_new_ns() {
  set_args readlink "/proc/self/ns/$1"
  run runtime run "$ID"
  assert_success
  [[ "$output" == "$1:["*"]" ]]
  [ "$output" != "$(readlink "/proc/self/ns/$1")" ]
}
# check_host_ns PROCNAME: the same as the host's.
check_host_ns() {
  set_args readlink "/proc/self/ns/$1"
  run runtime run "$ID"
  assert_success
  [ "$output" = "$(readlink "/proc/self/ns/$1")" ]
}

@test "namespaces: new pid namespace (init is pid 1)" {
  check_new_ns pid
  set_args sh -c 'echo $$'
  run runtime run "$ID"
  assert_success
  [ "$output" = 1 ]
}

@test "namespaces: new network namespace has only lo" {
  check_new_ns net
  set_args ls /sys/class/net
  run runtime run "$ID"
  assert_success
  [ "$output" = lo ]
}

@test "namespaces: new ipc namespace" {
  check_new_ns ipc
}

@test "namespaces: new uts namespace" {
  check_new_ns uts
}

@test "namespaces: new mount namespace" {
  check_new_ns mnt
}

@test "namespaces: new cgroup namespace (own cgroup is /)" {
  add_ns cgroup
  check_new_ns cgroup
  set_args cat /proc/self/cgroup
  run runtime run "$ID"
  assert_success
  grep -q ':pids:/$' <<<"$output"
  refute grep -q ocrun-test <<<"$output"
}

@test "namespaces: new user namespace with uid/gid mappings" {
  add_ns user
  userns_maps
  check_new_ns user
  set_args sh -c 'cat /proc/self/uid_map; cat /proc/self/gid_map; id -u; id -g'
  run runtime run "$ID"
  assert_success
  [ "$(xargs <<<"${lines[0]}")" = "0 100000 65536" ]
  [ "$(xargs <<<"${lines[1]}")" = "0 100000 65536" ]
  [ "${lines[2]}" = 0 ]
  [ "${lines[3]}" = 0 ]
}

@test "namespaces: user namespace: host uid of the container process is mapped" {
  add_ns user
  userns_maps
  update_config '.process.user = {uid: 1000, gid: 1000}'
  set_args "${SLEEPER[@]}"
  start_sleeper
  pid=$PID
  [ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = 101000 ]
  [ "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" = 101000 ]
  # The init (root of the user namespace) cannot remove start.sock from the host's state dir:
  # `start` does, or the container would read "created" forever.
  [ "$(status_of "$ID")" = running ]
}

@test "namespaces: user namespace with several mapping ranges" {
  add_ns user
  make_bundle_traversable
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 200000, size: 1000},
                                       {containerID: 1000, hostID: 201000, size: 64536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
  set_args cat /proc/self/uid_map
  run runtime run "$ID"
  assert_success
  [ "$(xargs <<<"${lines[0]}")" = "0 200000 1000" ]
  [ "$(xargs <<<"${lines[1]}")" = "1000 201000 64536" ]
}

@test "namespaces: new time namespace" {
  requires_ocrun "runc 1.1.5 has no time namespace"
  add_ns time
  check_new_ns time
}

# time_offsets_bundle: a new time namespace with offsets monotonic +1 day and boottime +10
# days, running tests/lib/clocks (static) then `cat /proc/uptime`.
time_offsets_bundle() {
  add_ns time
  update_config '.linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0},
                                       monotonic: {secs: 86400, nanosecs: 0}}'
  gcc -static -O2 -Wall -Wextra -Werror -o "$BUNDLE/rootfs/bin/clocks" "$REPO/tests/lib/clocks.c"
  chmod 755 "$BUNDLE/rootfs/bin/clocks"
  set_args sh -c 'clocks; cat /proc/uptime'
}

# check_time_offsets BEFORE AFTER: $output (of the bundle above) shows both clocks shifted by
# their offsets against the host's clocks read BEFORE and AFTER the run ("MONO BOOT" each).
check_time_offsets() {
  local b=($1) a=($2) in=(${lines[0]}) up=${lines[1]%%.*}
  echo "host before ${b[*]}, after ${a[*]}; container ${in[*]}, uptime $up" >&2
  [ "${in[0]}" -ge $((b[0] + 86400)) ] && [ "${in[0]}" -le $((a[0] + 86400)) ]
  [ "${in[1]}" -ge $((b[1] + 864000)) ] && [ "${in[1]}" -le $((a[1] + 864000)) ]
  [ "$up" -ge $((b[1] + 864000 - 1)) ] && [ "$up" -le $((a[1] + 864000)) ]
}

@test "namespaces: time namespace offsets shift CLOCK_MONOTONIC, CLOCK_BOOTTIME and /proc/uptime" {
  requires_ocrun "runc 1.1.5 has no time namespace"
  time_offsets_bundle
  before=$("$BUNDLE/rootfs/bin/clocks")
  run runtime run "$ID"
  after=$("$BUNDLE/rootfs/bin/clocks")
  assert_success
  check_time_offsets "$before" "$after"
}

@test "namespaces: time namespace offsets with a new user namespace (written before the init is not dumpable)" {
  requires_ocrun "runc 1.1.5 has no time namespace"
  add_ns user
  userns_maps
  time_offsets_bundle
  before=$("$BUNDLE/rootfs/bin/clocks")
  run runtime run "$ID"
  after=$("$BUNDLE/rootfs/bin/clocks")
  assert_success
  check_time_offsets "$before" "$after"
}

@test "namespaces: without a network namespace the host's is used" {
  del_ns network
  check_host_ns net
}

@test "namespaces: without a cgroup namespace the host's is used" {
  del_ns cgroup
  check_host_ns cgroup
}

@test "namespaces: join a network namespace by path (ip netns add)" {
  ns=ocrun-test-$ID
  add_netns "$ns"
  ip netns exec "$ns" ip link add dummy0 type dummy 2>/dev/null || true
  update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
    --arg p "/var/run/netns/$ns"
  set_args readlink /proc/self/ns/net
  run runtime run "$ID"
  assert_success
  [ "$output" = "net:[$(stat -L -c %i "/var/run/netns/$ns")]" ]
}

@test "namespaces: join another container's ipc, uts and pid namespaces by path" {
  set_args "${SLEEPER[@]}"
  update_config '.hostname = "first"'
  start_sleeper
  pid=$PID

  id2=$(new_id)
  track_container "$id2"
  update_config '.linux.cgroupsPath = "/ocrun-test/" + $id2 | del(.hostname)
    | .linux.namespaces |= map(if .type == "ipc" or .type == "uts" or .type == "pid"
        then .path = "/proc/" + $pid + "/ns/" + .type else . end)' \
    --arg id2 "$id2" --arg pid "$pid"
  set_args sh -c 'readlink /proc/self/ns/ipc; hostname; readlink /proc/self/ns/pid; ps -o pid,args | grep -c "sleep 1000"'
  run runtime run "$id2"
  assert_success
  [ "${lines[0]}" = "$(readlink "/proc/$pid/ns/ipc")" ]
  [ "${lines[1]}" = first ]
  [ "${lines[2]}" = "$(readlink "/proc/$pid/ns/pid")" ]
  # The first container's sleep is visible in the joined pid namespace.
  [ "${lines[3]}" -ge 1 ]
}

@test "namespaces: a namespace path of the wrong type is an error" {
  update_config '.linux.namespaces |= map(if .type == "ipc" then .path = "/proc/self/ns/net" else . end)'
  run runtime run "$ID"
  assert_failure
  [ "$(status_of "$ID")" = gone ]
}

@test "namespaces: a missing namespace path is an error naming it" {
  update_config '.linux.namespaces |= map(if .type == "network" then .path = "/var/run/netns/ocrun-no-such" else . end)'
  run runtime run "$ID"
  assert_failure
  assert_output_contains ocrun-no-such
  [ "$(status_of "$ID")" = gone ]
}

# The runtime run from the network namespace NS (its "host" for linux.netDevices), so no test
# moves a device of the real host.
runtime_in_netns() {
  local ns=$1
  shift
  OCRUN_TEST_MARK=$MARK timeout -k 5 "$RUNTIME_TIMEOUT" \
    nsenter --net="/var/run/netns/$ns" "$RUNTIME" --root "$ROOT" "$@" </dev/null 3>&-
}

# A netns of the test's own standing in for the host, with a veth pair oc-a/oc-b in it and
# addresses on oc-a.
netdev_host() {
  HOSTNS=ocrun-test-h$ID
  add_netns "$HOSTNS"
  ip -n "$HOSTNS" link add oc-a type veth peer name oc-b
  ip -n "$HOSTNS" addr add 10.199.0.1/24 brd + dev oc-a
  ip -n "$HOSTNS" -6 addr add fd00:199::1/64 dev oc-a nodad
}

@test "namespaces: linux.netDevices moves a device in, renamed, with its global addresses, up" {
  requires_ocrun "runc 1.1.5 has no linux.netDevices"
  netdev_host
  update_config '.linux.netDevices = {"oc-a": {name: "eth0"}}'
  set_args sh -c 'ip -o addr show dev eth0; ip -o link show dev eth0'
  run runtime_in_netns "$HOSTNS" run "$ID"
  assert_success
  assert_output_contains 'inet 10.199.0.1/24 brd 10.199.0.255 scope global eth0'
  assert_output_contains 'inet6 fd00:199::1/64 scope global'
  assert_output_matches 'eth0@[a-z0-9]+: <[A-Z,-]*[<,]UP[,>]'
  run ip -n "$HOSTNS" link show oc-a
  assert_failure
  assert_nothing_left
}

@test "namespaces: linux.netDevices into a network namespace joined by path, name template eth%d" {
  requires_ocrun "runc 1.1.5 has no linux.netDevices"
  netdev_host
  ns=ocrun-test-$ID
  add_netns "$ns"
  update_config '.linux.netDevices = {"oc-a": {name: "eth%d"}}
    | .linux.namespaces |= map(if .type == "network" then .path = $p else . end)' --arg p "/var/run/netns/$ns"
  set_args true
  run runtime_in_netns "$HOSTNS" run "$ID"
  assert_success
  # The joined namespace outlives the container: the device stays there.
  run ip -n "$ns" -o addr show dev eth0
  assert_success
  assert_output_contains 'inet 10.199.0.1/24'
  assert_nothing_left
}

@test "namespaces: linux.netDevices refused before anything moves: no such device, a name taken inside, no network namespace" {
  requires_ocrun "runc 1.1.5 has no linux.netDevices"
  netdev_host
  update_config '.linux.netDevices = {"oc-none": {}}'
  run runtime_in_netns "$HOSTNS" run "$ID"
  assert_failure
  assert_output_contains 'linux.netDevices: oc-none: no such network device'
  assert_nothing_left

  # The kernel would move oc-a first and fail the rename inside, losing the veth with the
  # namespace: the name is checked before the move.
  update_config '.linux.netDevices = {"oc-a": {}, "oc-b": {name: "lo"}}'
  run runtime_in_netns "$HOSTNS" run "$ID"
  assert_failure
  assert_output_contains 'linux.netDevices: oc-b: a device named "lo" already exists in the container'
  run ip -n "$HOSTNS" -o addr show dev oc-a
  assert_success
  assert_output_contains 'inet 10.199.0.1/24'
  assert_nothing_left

  del_ns network
  update_config '.linux.netDevices = {"oc-a": {}}'
  run runtime_in_netns "$HOSTNS" run "$ID"
  assert_failure
  assert_output_contains "linux.netDevices: needs a network namespace of the container's own"
  assert_nothing_left
}
