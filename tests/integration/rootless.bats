#!/usr/bin/env bats
# Rootless mode on this hybrid host: an unprivileged user the file creates (and removes) runs
# the bundle `ocrun spec --rootless` writes. Its state lives under $XDG_RUNTIME_DIR (or
# /tmp/ocrun-$UID), its ledger beside it, nothing under /run or /sys/fs/cgroup is written, and
# without a delegated cgroup the container runs without one (tests/guest/cases/95-rootless.sh
# proves limits in a delegated cgroup v2 subtree).

load ../lib/common

setup_file() {
  export RL_USER=ocrunrl$$
  export RL_DIR
  RL_DIR=$(mktemp -d /tmp/ocrun-rootless.XXXXXX)
  chmod 755 "$RL_DIR"
  # The user must be able to run the binary: a copy outside the (maybe private) checkout.
  cp "$RUNTIME" "$RL_DIR/ocrun"
  chmod 755 "$RL_DIR/ocrun"
  useradd -M -d /nonexistent -s /usr/sbin/nologin "$RL_USER"
  export RL_UID RL_GID
  RL_UID=$(id -u "$RL_USER")
  RL_GID=$(id -g "$RL_USER")
}

teardown_file() {
  local p
  # Processes of the test user are ours (it exists only for this file): by pid.
  for p in $(ps -o pid= -u "$RL_UID" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  userdel "$RL_USER" 2>/dev/null
  rm -rf "/tmp/ocrun-$RL_UID" "/tmp/ocrun-ledger-$RL_UID" "$RL_DIR"
}

setup() {
  requires_ocrun "rootless defaults (--root under XDG_RUNTIME_DIR, per-user ledger) are ocrun's"
  [ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ] || skip "user.max_user_namespaces is 0"
  setup_bundle true
  make_bundle_traversable
  XDG=$BATS_TEST_TMPDIR/xdg
  mkdir -m 700 "$XDG"
  chown "$RL_UID:$RL_GID" "$XDG" "$BUNDLE"
  ROOT=$XDG/ocrun
  LEDGER=$XDG/ocrun-ledger
  # The user writes its own config, as a user would.
  rm "$BUNDLE/config.json"
  as_user spec --rootless
  # no terminal: the tests read the output as it is
  update_config '.process.terminal = false | .process.env += ["OCRUN_TEST_MARK=" + $m]' --arg m "$MARK"
}

teardown() {
  local d
  for d in "$ROOT"/*; do [ -d "$d" ] && as_user delete --force "$(basename "$d")" >/dev/null 2>&1; done
  cleanup_test
  rm -rf "$XDG"
}

# as_user ARGS...: ocrun ARGS as the test user, in the bundle, with XDG_RUNTIME_DIR=$XDG (set
# XDG= empty for none). No --root: the default is under test.
as_user() {
  local xdg=(-u XDG_RUNTIME_DIR)
  [ -z "$XDG" ] || xdg=("XDG_RUNTIME_DIR=$XDG")
  (cd "$BUNDLE" && OCRUN_TEST_MARK=$MARK timeout -k 5 "$RUNTIME_TIMEOUT" \
    setpriv --reuid "$RL_UID" --regid "$RL_GID" --clear-groups \
    env "${xdg[@]}" HOME=/nonexistent "$RL_DIR/ocrun" "$@" </dev/null 3>&-)
}

# The user's sleeper: run -d, then wait for "ready".
user_sleeper() {
  set_args "${SLEEPER[@]}"
  as_user run --detach "$ID" >"$BATS_TEST_TMPDIR/$ID.out" 2>&1 || { cat "$BATS_TEST_TMPDIR/$ID.out" >&2; return 1; }
  wait_for_file "$BATS_TEST_TMPDIR/$ID.out" ready
}

user_status() { as_user state "$1" | jq -r .status; }
_user_status_is() { [ "$(user_status "$1")" = "$2" ]; }

@test "rootless: runc's rootless bundle runs as an unprivileged user; state under \$XDG_RUNTIME_DIR/ocrun" {
  set_args id -u
  run as_user run "$ID"
  assert_success
  # root in the container is the user outside
  assert_equal "$output" 0
  [ "$(stat -c '%u %a' "$ROOT")" = "$RL_UID 700" ]
  [ "$(stat -c '%u %a' "$XDG/ocrun-ledger")" = "$RL_UID 700" ]
  [ ! -e "/run/ocrun/$ID" ]
  assert_nothing_left
}

@test "rootless: lifecycle (create start state list exec ps kill delete) without a cgroup" {
  set_args "${SLEEPER[@]}"
  # (the init keeps a pipe open: create's output goes to files)
  as_user --debug create "$ID" >"$BATS_TEST_TMPDIR/create.out" 2>&1
  # said once, and only under --debug
  [ "$(grep -c 'runs without a cgroup' "$BATS_TEST_TMPDIR/create.out")" -eq 1 ]
  as_user create "${ID}b" >"$BATS_TEST_TMPDIR/createb.out" 2>&1
  refute grep -q 'cgroup' "$BATS_TEST_TMPDIR/createb.out"
  run as_user delete --force "${ID}b"
  assert_success
  assert_equal "$(user_status "$ID")" created
  run as_user start "$ID"
  assert_success
  assert_equal "$(user_status "$ID")" running
  run as_user list --quiet
  assert_equal "$output" "$ID"
  run as_user exec "$ID" cat /proc/self/uid_map
  assert_success
  read -r inside outside size <<<"$output"
  assert_equal "$inside $outside $size" "0 $RL_UID 1"
  as_user exec --detach "$ID" sleep 1000 >/dev/null 2>&1
  run as_user ps --format json "$ID"
  assert_success
  pid=$(as_user state "$ID" | jq .pid)
  # the init and the exec'd sleep, found through the pid namespace (there is no cgroup)
  jq -e --argjson p "$pid" 'length == 3 and any(. == $p)' <<<"$output"
  run as_user ps "$ID"
  assert_output_contains "sleep 1000"
  # no cgroup anywhere for it
  [ -z "$(cgroup_dirs "/ocrun/$ID")" ]
  [ -z "$(cgroup_dirs "/ocrun-test/$ID")" ]
  run as_user kill "$ID" TERM
  assert_success
  wait_for 10 _user_status_is "$ID" stopped
  run as_user delete "$ID"
  assert_success
  assert_nothing_left
}

@test "rootless: kill --all reaches exec'd processes without a cgroup; delete --force" {
  user_sleeper
  as_user exec --detach "$ID" sleep 1000 >/dev/null 2>&1
  [ "$(as_user ps --format json "$ID" | jq length)" -eq 3 ]
  # The init (pid 1 inside) has no USR1 handler and ignores it: only --all reaches the others,
  # whose end ends the init's wait.
  run as_user kill "$ID" USR1
  assert_success
  [ "$(as_user ps --format json "$ID" | jq length)" -eq 3 ]
  run as_user kill --all "$ID" USR1
  assert_success
  wait_for 10 _user_status_is "$ID" stopped
  user_sleeper_id=$ID
  ID=${ID}c
  user_sleeper
  run as_user delete --force "$ID"
  assert_success
  ID=$user_sleeper_id
  run as_user list --quiet
  assert_equal "$output" "$ID"
  run as_user delete "$ID"
  assert_success
  assert_nothing_left
}

@test "rootless: a limit that needs a cgroup is refused, naming it, and nothing is left" {
  update_config '.linux.resources = {"memory": {"limit": 67108864}}'
  run as_user run "$ID"
  assert_failure
  assert_output_contains "linux.resources.memory.limit: cannot be applied without a cgroup"
  [ "${#lines[@]}" -eq 1 ]
  update_config '.linux.resources = {"pids": {"limit": 10}}'
  run as_user run "$ID"
  assert_failure
  assert_output_contains "linux.resources.pids.limit"
  update_config 'del(.linux.resources)'
  run as_user run --memory 512m "$ID"
  assert_failure
  assert_output_contains "linux.resources.memory.limit"
  # a policy that refuses containers without a memory limit refuses every one without a cgroup
  echo '{"no_limit_policy": "reject"}' > "$BATS_TEST_TMPDIR/policy.json"
  chmod 644 "$BATS_TEST_TMPDIR/policy.json"
  chmod o+x "$BATS_TEST_TMPDIR"
  run as_user --policy "$BATS_TEST_TMPDIR/policy.json" run "$ID"
  assert_failure
  assert_output_contains "refused: no memory limit"
  assert_nothing_left
}

@test "rootless: capacity is the per-user view, the container counted unbounded and no-cgroup" {
  user_sleeper
  run as_user capacity --no-legend
  assert_success
  assert_output_contains "view: per-user (uid $RL_UID)"
  assert_output_contains "ledger $XDG/ocrun-ledger"
  run as_user capacity --format json
  jq -e --arg id "$ID" '.view == "user" and any(.containers[]; .id == $id and .no_cgroup and .unbounded)' <<<"$output"
  # the user's container is not in the host's ledger
  run ! jq -e --arg id "$ID" 'any(.entries[]; .id == $id)' <<<"$(ledger_doc /run/ocrun-ledger)"
  run as_user delete --force "$ID"
  assert_success
  ledger_doc | jq -e '.entries == []'
}

@test "rootless: without XDG_RUNTIME_DIR the root is /tmp/ocrun-\$UID, refused when not the user's own" {
  [ ! -e "/tmp/ocrun-$RL_UID" ] || skip "/tmp/ocrun-$RL_UID exists already"
  set_args true
  XDG='' run as_user run "$ID"
  assert_success
  [ "$(stat -c '%u %a' "/tmp/ocrun-$RL_UID")" = "$RL_UID 700" ]
  [ "$(stat -c '%u %a' "/tmp/ocrun-ledger-$RL_UID")" = "$RL_UID 700" ]
  rm -rf "/tmp/ocrun-$RL_UID" "/tmp/ocrun-ledger-$RL_UID"
  # made by someone else first (here root): refused, never used
  mkdir -m 777 "/tmp/ocrun-$RL_UID"
  XDG='' run as_user list
  rm -rf "/tmp/ocrun-$RL_UID"
  assert_failure
  assert_output_contains "it must be yours"
}

@test "rootless: uid and gid ranges through newuidmap/newgidmap" {
  command -v newuidmap >/dev/null || skip "newuidmap not installed (Debian package uidmap)"
  read -r sub_start sub_count < <(awk -F: -v u="$RL_USER" '$1 == u { print $2, $3 }' /etc/subuid)
  read -r gsub_start gsub_count < <(awk -F: -v u="$RL_USER" '$1 == u { print $2, $3 }' /etc/subgid)
  [ -n "$sub_start" ] && [ -n "$gsub_start" ] || skip "useradd gave $RL_USER no /etc/subuid or /etc/subgid range"
  update_config '.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": $s, "size": 1000}]
               | .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1}, {"containerID": 1, "hostID": $gs, "size": 1000}]' \
    --argjson u "$RL_UID" --argjson s "$sub_start" --argjson g "$RL_GID" --argjson gs "$gsub_start"
  set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/f && chown 500:500 /tmp/f && stat -c "%u %g" /tmp/f'
  update_config '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]'
  run as_user run "$ID"
  assert_success
  [ "$(awk 'NR <= 2 { print $1, $2, $3 }' <<<"$output" | tr '\n' ' ')" = "0 $RL_UID 1 1 $sub_start 1000 " ]
  [ "$(awk 'NR == 3 || NR == 4 { print $1, $2, $3 }' <<<"$output" | tr '\n' ' ')" = "0 $RL_GID 1 1 $gsub_start 1000 " ]
  assert_equal "${lines[4]}" "500 500"
  # a range the user was not given: newuidmap's own reason, one line
  update_config '.linux.uidMappings[1].hostID = 1'
  run as_user run "$ID"
  assert_failure
  assert_output_contains "linux.uidMappings: newuidmap failed"
  [ "${#lines[@]}" -eq 1 ]
  assert_nothing_left
}

@test "rootless: network namespace with only lo, up; sysfs falls back to a bind of the host's /sys" {
  update_config '.linux.namespaces += [{"type": "network"}]'
  set_args ip -o link show
  run as_user run "$ID"
  assert_success
  [ "${#lines[@]}" -eq 1 ]
  assert_output_matches "^1: lo: <LOOPBACK,UP"
  # a sysfs mount without a network namespace of its own: the host's /sys, read-only
  update_config 'del(.linux.namespaces[] | select(.type == "network"))
               | .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]} else . end)'
  set_args sh -c 'test -d /sys/kernel && touch /sys/x 2>&1 || true'
  run as_user --debug run "$ID"
  assert_success
  assert_output_contains "binding the host's /sys instead"
  assert_output_contains "Read-only file system"
  assert_nothing_left
}

@test "rootless: a time namespace with offsets shifts CLOCK_MONOTONIC and CLOCK_BOOTTIME" {
  update_config '.linux.namespaces += [{"type": "time"}]
    | .linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}, monotonic: {secs: 86400, nanosecs: 0}}'
  gcc -static -O2 -Wall -Wextra -Werror -o "$BUNDLE/rootfs/bin/clocks" "$REPO/tests/lib/clocks.c"
  chmod 755 "$BUNDLE/rootfs/bin/clocks"
  set_args clocks
  b=($("$BUNDLE/rootfs/bin/clocks"))
  run as_user run "$ID"
  a=($("$BUNDLE/rootfs/bin/clocks"))
  assert_success
  in=($output)
  echo "host before ${b[*]}, after ${a[*]}; container ${in[*]}" >&2
  [ "${in[0]}" -ge $((b[0] + 86400)) ] && [ "${in[0]}" -le $((a[0] + 86400)) ]
  [ "${in[1]}" -ge $((b[1] + 864000)) ] && [ "${in[1]}" -le $((a[1] + 864000)) ]
  assert_nothing_left
}

@test "rootless: a mount that needs host privilege is refused with a clear error" {
  update_config '.mounts += [{"destination": "/mnt", "type": "debugfs", "source": "debugfs"}]'
  run as_user run "$ID"
  assert_failure
  assert_output_contains "mount debugfs on /mnt: a debugfs filesystem needs privilege on the host"
  assert_output_contains "Operation not permitted"
  assert_nothing_left
}

@test "cgroup paths in errors have no double slash" {
  # as root: a cgroupsPath below a cgroup file cannot be made (ENOTDIR)
  update_config '.linux.cgroupsPath = "/ocrun-test/" + $id + "/cgroup.procs/x"' --arg id "$ID"
  set_args true
  run runtime run "$ID"
  assert_failure
  assert_output_contains "/ocrun-test/$ID"
  refute grep -q '//' <<<"$output"
}
