#!/usr/bin/env bats
# linux.seccomp with libseccomp: actions, errnoRet, defaultErrnoRet, argument comparisons,
# flags, architectures, SCMP_ACT_NOTIFY with listenerPath, podman's default profile.

load ../lib/common

setup() {
  setup_bundle true
}

# seccomp JSON -> config.
set_seccomp() {
  update_config '.linux.seccomp = $s' --argjson s "$1"
}

# Every x86_64 syscall name the installed kernel headers know, minus the given ones, as JSON.
all_syscalls_except() {
  local hdr=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
  [ -r "$hdr" ] || skip "$hdr missing (linux-libc-dev)"
  sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/\1/p' "$hdr" | grep -vxF -f <(printf '%s\n' "$@") |
    jq -R . | jq -sc .
}

@test "seccomp: SCMP_ACT_ERRNO with errnoRet makes mkdir fail with that errno" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
  set_args sh -c 'mkdir /tmp/d; echo rc=$?; touch /tmp/f && echo touch-ok'
  run runtime run "$ID"
  assert_success
  assert_output_contains -i "Invalid cross-device link"
  assert_output_contains rc=1
  assert_output_contains touch-ok
}

@test "seccomp: SCMP_ACT_ERRNO without errnoRet is EPERM" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  set_args sh -c 'mkdir /tmp/d; true'
  run runtime run "$ID"
  assert_success
  assert_output_contains -i "Operation not permitted"
}

@test "seccomp: Seccomp: 2 in /proc/self/status" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
  set_args grep -E '^Seccomp(_filters)?:' /proc/self/status
  run runtime run "$ID"
  assert_success
  [ "$(status_field Seccomp)" = 2 ]
  [ "$(status_field Seccomp_filters)" -ge 1 ]
}

@test "seccomp: no seccomp section means no filter" {
  set_args grep -E '^Seccomp:' /proc/self/status
  run runtime run "$ID"
  assert_success
  [ "$(status_field Seccomp)" = 0 ]
}

@test "seccomp: defaultErrnoRet applies to every syscall not allowed" {
  allow=$(all_syscalls_except mkdir mkdirat)
  set_seccomp "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,
                \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
                \"syscalls\": [{\"names\": $allow, \"action\": \"SCMP_ACT_ALLOW\"}]}"
  set_args sh -c 'mkdir /tmp/d; echo rc=$?; echo alive'
  run runtime run "$ID"
  assert_success
  assert_output_contains -i "Function not implemented"
  assert_output_contains alive
}

@test "seccomp: argument comparison (kill with signal == SIGUSR1 denied)" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                              "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}'
  set_args sh -c 'trap "echo got-usr2" USR2; trap "echo got-usr1" USR1
                  kill -USR1 $$; echo usr1-rc=$?; kill -USR2 $$; echo usr2-rc=$?'
  run runtime run "$ID"
  assert_success
  assert_output_contains usr1-rc=1
  assert_output_contains got-usr2
  assert_output_contains usr2-rc=0
  refute grep -q got-usr1 <<<"$output"
}

@test "seccomp: argument comparison with SCMP_CMP_MASKED_EQ" {
  # Deny umask() when (mask & 0o077) == 0o077.
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["umask"], "action": "SCMP_ACT_KILL_PROCESS",
                              "args": [{"index": 0, "value": 63, "valueTwo": 63, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
  set_args sh -c 'sh -c "umask 022; echo small-ok"; sh -c "umask 077; echo not-reached"; echo rc=$?'
  run runtime run "$ID"
  assert_success
  assert_output_contains small-ok
  refute grep -q not-reached <<<"$output"
  assert_output_contains rc=159
}

@test "seccomp: SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS and SCMP_ACT_TRAP kill with SIGSYS" {
  for action in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_TRAP; do
    set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
                  \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"$action\"}]}"
    set_args sh -c 'sh -c "mkdir /tmp/d"; echo rc=$?'
    run runtime run "$ID"
    assert_success
    # 128 + SIGSYS(31)
    assert_output_contains rc=159
  done
}

@test "seccomp: SCMP_ACT_TRACE without a tracer fails the syscall with ENOSYS" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_TRACE", "errnoRet": 1}]}'
  set_args sh -c 'mkdir /tmp/d; echo rc=$?'
  run runtime run "$ID"
  assert_success
  assert_output_contains -i "Function not implemented"
}

@test "seccomp: SCMP_ACT_LOG allows the syscall" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]}'
  set_args sh -c 'mkdir /tmp/d && echo made'
  run runtime run "$ID"
  assert_success
  assert_output_contains made
}

@test "seccomp: architectures are accepted" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
  set_args sh -c 'mkdir /tmp/d; grep ^Seccomp: /proc/self/status'
  run runtime run "$ID"
  assert_success
  assert_output_contains -i "Invalid cross-device link"
  [ "$(status_field Seccomp)" = 2 ]
}

@test "seccomp: flags are accepted" {
  requires_ocrun "runc 1.1.5: seccomp flags are not yet supported"
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
                "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
  set_args sh -c 'mkdir /tmp/d; grep ^Seccomp: /proc/self/status'
  run runtime run "$ID"
  assert_success
  assert_output_contains -i "Invalid cross-device link"
  [ "$(status_field Seccomp)" = 2 ]
}

@test "seccomp: unknown syscall names are skipped (profiles list names newer than libseccomp)" {
  set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
                "syscalls": [{"names": ["ocrun_no_such_syscall", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
  set_args sh -c 'mkdir /tmp/d; true'
  run runtime run "$ID"
  assert_success
  assert_output_contains -i "Invalid cross-device link"
}

@test "seccomp: an unknown action is an error" {
  set_seccomp '{"defaultAction": "SCMP_ACT_BOGUS"}'
  run runtime run "$ID"
  assert_failure
  assert_output_contains SCMP_ACT_BOGUS
  [ "$(status_of "$ID")" = gone ]
}

@test "seccomp: SCMP_ACT_NOTIFY sends the fd to listenerPath and the agent answers" {
  sock=$BATS_TEST_TMPDIR/notify.sock
  out=$BATS_TEST_TMPDIR/notify.out
  "$PYTHON" "$LIB/seccomp-listener.py" "$sock" "$out" --errno 18 \
    </dev/null >"$BATS_TEST_TMPDIR/listener.log" 2>&1 3>&- &
  track_bg $!
  wait_for 10 test -S "$sock"
  set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$sock\",
                \"listenerMetadata\": \"ocrun-meta\",
                \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
  set_args sh -c 'mkdir /tmp/d; echo rc=$?'
  create_container
  wait_for_file "$out" fds=1
  jq -e --arg id "$ID" '.state.id == $id and .metadata == "ocrun-meta" and (.fds | index("seccompFd") != null)' \
    "$out.state"
  run runtime start "$ID"
  assert_success
  wait_for_status "$ID" stopped
  run container_output
  assert_output_contains -i "Invalid cross-device link"
  grep -qE '^nr=(83|258) pid=[0-9]+$' "$out"
}

@test "seccomp: exec with SCMP_ACT_NOTIFY sends its own listener fd to the agent" {
  requires_ocrun "runc 1.1.5 does not forward the exec listener here"
  sock=$BATS_TEST_TMPDIR/notify.sock
  out=$BATS_TEST_TMPDIR/notify.out
  "$PYTHON" "$LIB/seccomp-listener.py" "$sock" "$out" --errno 18 \
    </dev/null >"$BATS_TEST_TMPDIR/listener.log" 2>&1 3>&- &
  track_bg $!
  wait_for 10 test -S "$sock"
  set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$sock\",
                \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
  set_args "${SLEEPER[@]}"
  run_detached
  wait_for_file "$out" fds=1
  # A second agent on the same path for the exec'd process (the first serves one container).
  rm -f "$sock"
  "$PYTHON" "$LIB/seccomp-listener.py" "$sock" "$out.exec" --errno 18 \
    </dev/null >"$BATS_TEST_TMPDIR/listener2.log" 2>&1 3>&- &
  track_bg $!
  wait_for 10 test -S "$sock"
  run runtime exec "$ID" sh -c 'mkdir /tmp/e; echo rc=$?'
  assert_success
  assert_output_contains -i "Invalid cross-device link"
  grep -qE '^nr=(83|258) pid=[0-9]+$' "$out.exec"
}

@test "seccomp: podman's default profile loads" {
  profile=/usr/share/containers/seccomp.json
  [ -r "$profile" ] || skip "$profile not installed (golang-github-containers-common)"
  caps=$(jq -c .process.capabilities.bounding "$BUNDLE/config.json")
  oci=$(jq -c --argjson caps "$caps" --argjson drop '[]' --argjson eperm false -f "$LIB/podman-seccomp.jq" "$profile")
  [ "$(jq '.syscalls | length' <<<"$oci")" -gt 10 ]
  set_seccomp "$oci"
  set_args sh -c 'mkdir /tmp/d && echo made; grep ^Seccomp: /proc/self/status'
  run runtime run "$ID"
  assert_success
  assert_output_contains made
  [ "$(status_field Seccomp)" = 2 ]
}
