#!/usr/bin/env bats
# Configs a runc user may have that ocrun's other suites never produce (issue 8, "Bugs found
# by trying it"): each test is a config runc runs, and what the container must see.

load ../lib/common

setup() {
  setup_bundle true
}

# podman's default profile in OCI form (as podman converts it, see seccomp.bats), minus the
# syscalls given, and with defaultErrnoRet removed so every denial is EPERM.
podman_profile_eperm_without() {
  local profile=/usr/share/containers/seccomp.json caps
  [ -r "$profile" ] || skip "$profile not installed (golang-github-containers-common)"
  caps=$(jq -c .process.capabilities.bounding "$BUNDLE/config.json")
  jq -c --argjson caps "$caps" --args '
    def arch_ok: (.includes.arches // []) as $a | ($a | length == 0) or ($a | index("amd64") != null);
    def caps_ok: (.includes.caps // []) | all(. as $c | $caps | index($c) != null);
    def not_excluded: ((.excludes.caps // []) | any(. as $c | $caps | index($c) != null)) | not;
    $ARGS.positional as $drop |
    {defaultAction,
     architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
     syscalls: [.syscalls[] | select(arch_ok and caps_ok and not_excluded)
                | {names: (.names - $drop), action} + (if .args then {args} else {} end)
                + (if .errnoRet then {errnoRet} else {} end)
                | select(.names | length > 0)]}' "$@" <"$profile"
}

@test "conformance: a seccomp profile without close_range (denials EPERM) runs, no runtime fd leaks" {
  oci=$(podman_profile_eperm_without close_range)
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
  oci=$(podman_profile_eperm_without close_range mkdir mkdirat |
        jq -c --arg sock "$sock" '.listenerPath = $sock
          | .syscalls += [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]')
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
