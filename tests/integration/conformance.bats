#!/usr/bin/env bats
# Configs a runc user may have that ocrun's other suites never produce (issue 8, "Bugs found
# by trying it"): each test is a config runc runs, and what the container must see.

load ../lib/common

setup() {
  setup_bundle true
}

# OCI=podman's default profile in OCI form (as podman converts it, see seccomp.bats), minus the
# syscalls given, and with defaultErrnoRet removed so every denial is EPERM. Not in a $(...):
# a skip there would only end the subshell.
podman_profile_eperm_without() {
  local profile=/usr/share/containers/seccomp.json caps
  [ -r "$profile" ] || skip "$profile not installed (golang-github-containers-common)"
  caps=$(jq -c .process.capabilities.bounding "$BUNDLE/config.json")
  OCI=$(jq -c --argjson caps "$caps" --argjson drop "$(jq -nc '$ARGS.positional' --args "$@")" --argjson eperm true \
    -f "$LIB/podman-seccomp.jq" "$profile")
}

@test "conformance: a seccomp profile without close_range (denials EPERM) runs, no runtime fd leaks" {
  podman_profile_eperm_without close_range
  oci=$OCI
  jq -e '[.syscalls[].names[]] | index("close_range") == null' <<<"$oci" >/dev/null
  jq -e '.defaultAction == "SCMP_ACT_ERRNO" and (has("defaultErrnoRet") | not)' <<<"$oci" >/dev/null
  update_config '.linux.seccomp = $s' --argjson s "$oci"
  set_args sh -c 'echo started; ls /proc/self/fd; grep ^Seccomp: /proc/self/status'
  run runtime_fd3 run "$ID"
  assert_success
  assert_output_contains started
  [ "$(status_field Seccomp)" = 2 ]
  # ls lists its own directory fd (3) too; nothing else may be open.
  fds=$(grep -xE '[0-9]+' <<<"$output" | tr '\n' ' ')
  assert_equal "$fds" "0 1 2 3 "
}

@test "conformance: the same profile with an SCMP_ACT_NOTIFY rule (filter loaded before start) runs" {
  sock=$BATS_TEST_TMPDIR/notify.sock
  out=$BATS_TEST_TMPDIR/notify.out
  "$PYTHON" "$LIB/seccomp-listener.py" "$sock" "$out" --errno 18 \
    </dev/null >"$BATS_TEST_TMPDIR/listener.log" 2>&1 3>&- &
  track_bg $!
  wait_for 10 test -S "$sock"
  podman_profile_eperm_without close_range mkdir mkdirat
  oci=$(jq -c --arg sock "$sock" '.listenerPath = $sock
          | .syscalls += [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]' <<<"$OCI")
  update_config '.linux.seccomp = $s' --argjson s "$oci"
  set_args sh -c 'mkdir /tmp/d; echo rc=$?; ls /proc/self/fd'
  create_container
  wait_for_file "$out" fds=1
  run runtime start "$ID"
  assert_success
  wait_for_status "$ID" stopped
  run container_output
  assert_output_contains -i "Invalid cross-device link"
  assert_output_contains rc=1
  fds=$(grep -xE '[0-9]+' <<<"$output" | tr '\n' ' ')
  assert_equal "$fds" "0 1 2 3 "
}

# The mounts of the host's (this shell's) mount namespace under this test's temp dir.
host_mounts_here() {
  awk -v t="$BATS_TEST_TMPDIR" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo
}

# No mount namespace: no masked or read-only paths either (they need one).
drop_mount_ns() {
  update_config '.linux.namespaces |= map(select(.type != "mount"))
                 | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
}

@test "conformance: no mount namespace: the container runs chrooted in its rootfs, the host's mounts come back as they were" {
  drop_mount_ns
  echo "in-rootfs" > "$BUNDLE/rootfs/marker"
  assert_equal "$(host_mounts_here)" ""
  set_args sh -c 'cat /marker; ls /proc/self/ns >/dev/null && echo proc-ok; echo ready; sleep 1000 & wait'
  create_container
  # The mounts are made in the caller's namespace (so it can see them while the container lives).
  [ -n "$(host_mounts_here)" ]
  grep -qx "$BUNDLE/rootfs/proc" <<<"$(host_mounts_here)"
  runtime start "$ID"
  wait_for_file "$BATS_TEST_TMPDIR/$ID.out" ready
  run container_output
  assert_output_contains in-rootfs
  assert_output_contains proc-ok
  # exec lands in the container's root too.
  run runtime exec "$ID" cat /marker
  assert_success
  assert_equal "$output" in-rootfs
  run runtime delete --force "$ID"
  assert_success
  assert_equal "$(host_mounts_here)" ""
  assert_nothing_left
}

@test "conformance: no namespaces at all: run works and leaves no mount behind" {
  update_config '.linux.namespaces = [] | .linux.maskedPaths = [] | .linux.readonlyPaths = []
                 | del(.hostname)'
  echo "in-rootfs" > "$BUNDLE/rootfs/marker"
  set_args cat /marker
  run runtime run "$ID"
  assert_success
  assert_equal "$output" in-rootfs
  assert_equal "$(host_mounts_here)" ""
  assert_nothing_left
  # exec joins no namespace at all, and still lands in the container's root.
  set_args "${SLEEPER[@]}"
  start_sleeper
  run runtime exec "$ID" cat /marker
  assert_success
  assert_equal "$output" in-rootfs
  run runtime delete --force "$ID"
  assert_success
  assert_equal "$(host_mounts_here)" ""
  assert_nothing_left
}

@test "conformance: no mount namespace: a create that fails (no such program) removes its mounts" {
  drop_mount_ns
  set_args /no-such-program
  run runtime run "$ID"
  assert_failure
  assert_output_contains no-such-program
  assert_equal "$(host_mounts_here)" ""
  assert_nothing_left
}

@test "conformance: no mount namespace: a create that is never started leaves no mount after delete" {
  drop_mount_ns
  create_container
  [ -n "$(host_mounts_here)" ]
  run runtime delete "$ID"
  assert_success
  assert_equal "$(host_mounts_here)" ""
  assert_nothing_left
}

@test "conformance: no mount namespace with maskedPaths or readonlyPaths is refused, nothing left" {
  update_config '.linux.namespaces |= map(select(.type != "mount")) | .linux.readonlyPaths = []'
  run runtime run "$ID"
  assert_failure
  assert_output_contains "linux.maskedPaths"
  assert_output_contains "mount namespace"
  [ "${#lines[@]}" -eq 1 ]
  assert_equal "$(host_mounts_here)" ""
  assert_nothing_left
  update_config '.linux.maskedPaths = [] | .linux.readonlyPaths = ["/proc/sys"]'
  run runtime run "$ID"
  assert_failure
  assert_output_contains "linux.readonlyPaths"
  assert_nothing_left
}

@test "conformance: no mount namespace under a shared mount: nothing propagates to its peers, propagation unchanged" {
  drop_mount_ns
  shared=$BATS_TEST_TMPDIR/shared peer=$BATS_TEST_TMPDIR/peer
  mkdir "$shared" "$peer"
  mount -t tmpfs tmpfs "$shared"
  mount --make-shared "$shared"
  mount --bind "$shared" "$peer"
  cp -a "$BUNDLE/rootfs" "$shared/rootfs"
  update_config '.root.path = $p' --arg p "$shared/rootfs"
  prop() { awk -v m="$1" '$5 == m { print $7 }' /proc/self/mountinfo; }
  before=$(prop "$shared")
  [[ "$before" == shared:* ]]
  set_args "${SLEEPER[@]}"
  start_sleeper
  # The container's /proc is a mount of the host's namespace, but it stays below the private
  # bind of the rootfs: the peer never sees it.
  grep -qx "$shared/rootfs/proc" <<<"$(host_mounts_here)"
  refute grep -q "^$peer/rootfs/" <<<"$(host_mounts_here)"
  run runtime delete --force "$ID"
  assert_success
  assert_equal "$(host_mounts_here | grep -c rootfs)" 0
  assert_equal "$(prop "$shared")" "$before"
  umount "$peer"
  umount "$shared"
  assert_nothing_left
}

# A UTS namespace of its own, kept by a bind mount on a file of the test.
make_uts_ns() {
  UTS=$BATS_TEST_TMPDIR/uts
  touch "$UTS"
  unshare --uts="$UTS" true
  on_teardown "umount '$UTS'"
  update_config '.linux.namespaces |= map(if .type == "uts" then .path = $p else . end)' --arg p "$UTS"
}

@test "conformance: hostname is set inside a UTS namespace joined by path" {
  make_uts_ns
  host_name=$(hostname)
  update_config '.hostname = "joined-host"'
  set_args hostname
  run runtime run "$ID"
  assert_success
  assert_equal "$output" joined-host
  # Set in the joined namespace (which keeps it), not in the host's.
  assert_equal "$(nsenter --uts="$UTS" hostname)" joined-host
  assert_equal "$(hostname)" "$host_name"
}

@test "conformance: domainname is set inside a UTS namespace joined by path" {
  requires_ocrun "runc 1.1.5 does not know domainname"
  make_uts_ns
  host_domain=$(cat /proc/sys/kernel/domainname)
  update_config '.domainname = "joined-domain"'
  set_args cat /proc/sys/kernel/domainname
  run runtime run "$ID"
  assert_success
  assert_equal "$output" joined-domain
  assert_equal "$(nsenter --uts="$UTS" cat /proc/sys/kernel/domainname)" joined-domain
  assert_equal "$(cat /proc/sys/kernel/domainname)" "$host_domain"
}

@test "conformance: a bind mount with options the runtime does not know (mode=755) is made, its flags applied" {
  src=$BATS_TEST_TMPDIR/src
  mkdir "$src"
  echo bound > "$src/file"
  update_config '.mounts += [{destination: "/data", type: "bind", source: $s,
                              options: ["rbind", "mode=755", "size=1m", "ro"]}]' --arg s "$src"
  set_args sh -c 'cat /data/file; touch /data/new 2>/dev/null && echo writable || echo read-only'
  run runtime run "$ID"
  assert_success
  assert_equal "${lines[0]}" bound
  assert_equal "${lines[1]}" read-only
}

@test "conformance: an option the kernel rejects for a filesystem fails with the kernel's word and the mount named" {
  update_config '.mounts += [{destination: "/scratch", type: "tmpfs", source: "tmpfs", options: ["mode=755", "bogus=1"]}]'
  run runtime run "$ID"
  assert_failure
  [ "${#lines[@]}" -eq 1 ]
  assert_output_contains "bogus=1"
  assert_output_contains "/scratch"
  assert_nothing_left
}

@test "conformance: hooks leave no signal ignored or blocked in the container process (SigIgn, SigBlk)" {
  set_args sh -c 'grep -E "^Sig(Ign|Blk):" /proc/self/status'
  run runtime run "$ID"
  assert_success
  local plain=$output
  [ -n "$plain" ]
  # Hooks that exit without reading the state on stdin, before and inside the container.
  local h
  h=$(jq -nc '{path: "/bin/sh", args: ["sh", "-c", "exit 0"]}')
  update_config '.hooks = {prestart: [$h, $h], createRuntime: [$h], createContainer: [$h, $h], startContainer: [$h]}' \
    --argjson h "$h"
  run runtime run "$ID"
  assert_success
  assert_equal "$output" "$plain"
}

@test "conformance: runc's own spec runs without warnings, with runc's capability sets" {
  command -v runc >/dev/null || skip "Debian's runc is not installed (the reference)"
  local b=$BATS_TEST_TMPDIR/runc-spec rroot=$BATS_TEST_TMPDIR/runc-root
  mkdir -p "$b"
  (cd "$b" && runc spec)
  jq --arg r "$BUNDLE/rootfs" --arg cg "/ocrun-test/$ID" \
    '.root.path = $r | .process.terminal = false | .linux.cgroupsPath = $cg |
     .process.args = ["sh", "-c", "grep ^Cap /proc/self/status"]' "$b/config.json" > "$b/c.json"
  mv "$b/c.json" "$b/config.json"
  jq -e '.process.capabilities.ambient | length > 0' "$b/config.json" >/dev/null
  run runtime run --bundle "$b" "$ID"
  assert_success
  refute grep -qi warning <<<"$output"
  local ours=$output
  run timeout 60 runc --root "$rroot" run --bundle "$b" "$ID" </dev/null
  assert_success
  assert_equal "$ours" "$output"
  # Under --debug the dropped ambient capabilities are said, as debug lines.
  run runtime --debug run --bundle "$b" "$ID"
  assert_success
  assert_output_contains "ocrun: debug: can't raise ambient capability CAP_KILL"
}

@test "conformance: a missing process.cwd is created under root.readonly (runc's spec has both)" {
  update_config '.root.readonly = true | .process.cwd = "/not/yet/here"'
  set_args pwd
  run runtime run "$ID"
  assert_success
  assert_equal "$output" /not/yet/here
}
