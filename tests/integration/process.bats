#!/usr/bin/env bats
# The container's process: args, env, cwd, user, capabilities, rlimits, noNewPrivileges,
# oomScoreAdj, hostname/domainname, scheduling and personality — checked from inside.

load ../lib/common

setup() {
  setup_bundle true
}

# Capability numbers (linux/capability.h) -> mask for /proc/self/status comparisons.
capmask() {
  local m=0 c
  for c in "$@"; do m=$((m | (1 << c))); done
  printf '%016x\n' "$m"
}
CAP_CHOWN=0 CAP_DAC_OVERRIDE=1 CAP_FOWNER=3 CAP_FSETID=4 CAP_KILL=5 CAP_SETGID=6 CAP_SETUID=7
CAP_SETPCAP=8 CAP_NET_BIND_SERVICE=10 CAP_NET_ADMIN=12 CAP_NET_RAW=13 CAP_SYS_CHROOT=18
CAP_MKNOD=27 CAP_AUDIT_WRITE=29 CAP_SETFCAP=31

@test "process: args are passed as given, including spaces" {
  set_args sh -c 'echo "$#"; for a; do echo "[$a]"; done' zero one "two words" ""
  run runtime run "$ID"
  assert_success
  [ "$output" = "$(printf '3\n[one]\n[two words]\n[]')" ]
}

@test "process: args[0] is looked up in PATH" {
  update_config '.process.env = ["PATH=/bin", "OCRUN_TEST_MARK=" + $m]' --arg m "$MARK"
  set_args hostname
  run runtime run "$ID"
  assert_success
  [ "$output" = ocrun ]
}

@test "process: env is exactly the configured environment" {
  update_config '.process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY=", "OCRUN_TEST_MARK=" + $m]' --arg m "$MARK"
  set_args env
  run runtime run "$ID"
  assert_success
  assert_output_contains "FOO=bar baz"
  assert_output_contains "EMPTY="
  assert_output_contains "PATH=/bin:/usr/bin"
  # Nothing from the runtime's own environment leaks in.
  refute grep -q RUNTIME_TIMEOUT <<<"$output"
  refute grep -q BATS_ <<<"$output"
}

@test "process: HOME is set from /etc/passwd when not configured" {
  update_config '.process.env = ["PATH=/bin", "OCRUN_TEST_MARK=" + $m] | .process.user = {uid: 1000, gid: 1000}' --arg m "$MARK"
  set_args sh -c 'echo "home=$HOME"'
  run runtime run "$ID"
  assert_success
  [ "$output" = home=/home/user ]
}

@test "process: cwd" {
  update_config '.process.cwd = "/tmp"'
  set_args pwd
  run runtime run "$ID"
  assert_success
  [ "$output" = /tmp ]
}

@test "process: a missing cwd is created" {
  update_config '.process.cwd = "/var/new/dir"'
  set_args pwd
  run runtime run "$ID"
  assert_success
  [ "$output" = /var/new/dir ]
}

@test "process: user uid, gid and additionalGids" {
  update_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [5, 100]}'
  set_args sh -c 'id -u; id -g; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 1000 ]
  [ "$(status_field Uid)" = 1000 ]
  [ "$(status_field Gid)" = 1000 ]
  [ "$(awk '$1 == "Groups:" { $1 = ""; print }' <<<"$output" | xargs)" = "5 100" ]
}

@test "process: root user has no supplementary groups unless asked" {
  set_args sh -c 'grep ^Groups: /proc/self/status'
  run runtime run "$ID"
  assert_success
  [[ "$output" == Groups:* ]]
  [ "$(awk '{ $1 = ""; print }' <<<"$output" | xargs)" = "" ]
}

@test "process: umask" {
  update_config '.process.user.umask = 63'
  set_args sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = 0077 ]
  [ "${lines[1]}" = 600 ]
}

@test "process: default umask is 0022" {
  set_args sh -c 'umask'
  run runtime run "$ID"
  assert_success
  [ "$output" = 0022 ]
}

@test "process: default capabilities as root (bounding = effective = permitted)" {
  set_args cat /proc/self/status
  run runtime run "$ID"
  assert_success
  want=$(capmask $CAP_CHOWN $CAP_DAC_OVERRIDE $CAP_FSETID $CAP_FOWNER $CAP_MKNOD $CAP_NET_RAW \
    $CAP_SETGID $CAP_SETUID $CAP_SETFCAP $CAP_SETPCAP $CAP_NET_BIND_SERVICE $CAP_SYS_CHROOT \
    $CAP_KILL $CAP_AUDIT_WRITE)
  [ "$want" = 00000000a80425fb ]
  assert_equal "$(status_field CapBnd)" "$want"
  assert_equal "$(status_field CapEff)" "$want"
  assert_equal "$(status_field CapPrm)" "$want"
  assert_equal "$(status_field CapInh)" 0000000000000000
  assert_equal "$(status_field CapAmb)" 0000000000000000
}

@test "process: all five capability sets for a non-root user" {
  # For uid != 0 the kernel keeps bounding and inheritable, and after execve the permitted and
  # effective sets are exactly the ambient set (which needs the cap in permitted+inheritable).
  update_config '.process.user = {uid: 1000, gid: 1000}
    | .process.noNewPrivileges = false
    | .process.capabilities = {
        bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_NET_BIND_SERVICE"],
        effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        inheritable: ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
        ambient: ["CAP_NET_BIND_SERVICE"]
      }'
  set_args cat /proc/self/status
  run runtime run "$ID"
  assert_success
  assert_equal "$(status_field CapBnd)" "$(capmask $CAP_CHOWN $CAP_KILL $CAP_SETUID $CAP_NET_BIND_SERVICE)"
  assert_equal "$(status_field CapInh)" "$(capmask $CAP_KILL $CAP_NET_BIND_SERVICE)"
  assert_equal "$(status_field CapAmb)" "$(capmask $CAP_NET_BIND_SERVICE)"
  assert_equal "$(status_field CapPrm)" "$(capmask $CAP_NET_BIND_SERVICE)"
  assert_equal "$(status_field CapEff)" "$(capmask $CAP_NET_BIND_SERVICE)"
}

@test "process: root with noNewPrivileges gets no more than the permitted set" {
  update_config '.process.noNewPrivileges = true
    | .process.capabilities = {
        bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID"],
        effective: ["CAP_KILL"],
        permitted: ["CAP_KILL"],
        inheritable: []
      }'
  set_args cat /proc/self/status
  run runtime run "$ID"
  assert_success
  assert_equal "$(status_field CapBnd)" "$(capmask $CAP_CHOWN $CAP_KILL $CAP_SETUID)"
  assert_equal "$(status_field CapPrm)" "$(capmask $CAP_KILL)"
  assert_equal "$(status_field CapEff)" "$(capmask $CAP_KILL)"
}

@test "process: empty capabilities" {
  update_config '.process.capabilities = {}'
  set_args cat /proc/self/status
  run runtime run "$ID"
  assert_success
  assert_equal "$(status_field CapBnd)" 0000000000000000
  assert_equal "$(status_field CapEff)" 0000000000000000
}

@test "process: an unknown capability name is named in an error or a warning" {
  # runc ignores unknown capabilities with a warning (newer specs add caps); either way the
  # name must be reported.
  update_config '.process.capabilities.bounding += ["CAP_NO_SUCH_THING"]'
  run runtime run "$ID"
  assert_output_contains CAP_NO_SUCH_THING
}

@test "process: rlimits" {
  update_config '.process.rlimits = [
    {type: "RLIMIT_NOFILE", soft: 256, hard: 512},
    {type: "RLIMIT_NPROC", soft: 300, hard: 400},
    {type: "RLIMIT_CORE", soft: 0, hard: 0}]'
  set_args sh -c 'ulimit -n; ulimit -Hn; ulimit -u; ulimit -Hu; ulimit -c'
  run runtime run "$ID"
  assert_success
  [ "$output" = "$(printf '256\n512\n300\n400\n0')" ]
}

@test "process: RLIMIT_NOFILE 1048576 fails here (hard limit 20000, no CAP_SYS_RESOURCE)" {
  [ "$(ulimit -Hn)" -lt 1048576 ] || skip "host hard RLIMIT_NOFILE is already >= 1048576"
  bnd=$(awk '/^CapBnd/ { print $2 }' /proc/self/status)
  [ $(( (0x$bnd >> 24) & 1 )) -eq 0 ] || skip "host has CAP_SYS_RESOURCE"
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1048576, hard: 1048576}]'
  run runtime run "$ID"
  assert_failure
  assert_output_matches 'operation not permitted'
  assert_output_matches 'rlimit|RLIMIT_NOFILE|type 7'
  [ "$(status_of "$ID")" = gone ]
  [ -z "$(cgroup_dirs "/ocrun-test/$ID")" ]
}

@test "process: an unknown rlimit type is an error" {
  update_config '.process.rlimits = [{type: "RLIMIT_BOGUS", soft: 1, hard: 1}]'
  run runtime run "$ID"
  assert_failure
  assert_output_contains RLIMIT_BOGUS
}

@test "process: noNewPrivileges true" {
  update_config '.process.noNewPrivileges = true'
  set_args grep NoNewPrivs /proc/self/status
  run runtime run "$ID"
  assert_success
  [ "$(status_field NoNewPrivs)" = 1 ]
}

@test "process: noNewPrivileges false" {
  update_config '.process.noNewPrivileges = false'
  set_args grep NoNewPrivs /proc/self/status
  run runtime run "$ID"
  assert_success
  [ "$(status_field NoNewPrivs)" = 0 ]
}

@test "process: oomScoreAdj" {
  update_config '.process.oomScoreAdj = 500'
  set_args cat /proc/self/oom_score_adj
  run runtime run "$ID"
  assert_success
  [ "$output" = 500 ]
}

@test "process: hostname" {
  update_config '.hostname = "box-1"'
  set_args sh -c 'hostname; cat /proc/sys/kernel/hostname'
  run runtime run "$ID"
  assert_success
  [ "$output" = "$(printf 'box-1\nbox-1')" ]
  [ "$(hostname)" != box-1 ]
}

@test "process: domainname" {
  requires_ocrun "runc 1.1.5 ignores domainname"
  update_config '.domainname = "example.org"'
  set_args cat /proc/sys/kernel/domainname
  run runtime run "$ID"
  assert_success
  [ "$output" = example.org ]
  [ "$(cat /proc/sys/kernel/domainname)" != example.org ]
}

@test "process: hostname without a uts namespace is an error" {
  update_config '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "nope"'
  run runtime run "$ID"
  assert_failure
  assert_output_matches 'uts|hostname'
}

@test "process: scheduler policy (SCHED_BATCH) and nice" {
  requires_ocrun "runc 1.1.5 has no process.scheduler"
  update_config '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
  set_args cat /proc/self/stat
  run runtime run "$ID"
  assert_success
  # Fields after the ")" of comm: 19 is nice, 41 is policy (SCHED_BATCH = 3).
  rest=${output##*) }
  read -r -a f <<<"$rest"
  [ "${f[16]}" = 5 ]
  [ "${f[38]}" = 3 ]
}

@test "process: ioPriority" {
  requires_ocrun "runc 1.1.5 has no process.ioPriority"
  update_config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
  set_args ionice
  run runtime run "$ID"
  assert_success
  assert_output_matches 'best-effort.*6'
}

@test "process: personality LINUX32" {
  requires_ocrun "runc 1.1.5 has no linux.personality"
  update_config '.linux.personality = {domain: "LINUX32"}'
  set_args uname -m
  run runtime run "$ID"
  assert_success
  [ "$output" = i686 ]
}

@test "process: execCPUAffinity.final" {
  requires_ocrun "runc 1.1.5 has no execCPUAffinity"
  update_config '.process.execCPUAffinity = {final: "0"}'
  set_args grep Cpus_allowed_list /proc/self/status
  run runtime run "$ID"
  assert_success
  [ "$(status_field Cpus_allowed_list)" = 0 ]
}

@test "process: linux.memoryPolicy reaches init and exec (numa_maps), a node the host lacks fails create" {
  requires_ocrun "runc 1.1.5 has no linux.memoryPolicy"
  [ -d /sys/devices/system/node/node0 ] || skip "no NUMA node 0 (kernel without CONFIG_NUMA)"
  update_config '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
  set_args sh -c 'head -n 1 /proc/self/numa_maps; sleep 100'
  create_container
  run runtime start "$ID"
  assert_success
  wait_for_file "$BATS_TEST_TMPDIR/$ID.out" interleave
  run container_output
  assert_output_contains ' interleave=static:0 '
  run runtime exec "$ID" head -n 1 /proc/self/numa_maps
  assert_success
  assert_output_contains ' interleave=static:0 '
  run runtime delete --force "$ID"
  assert_success

  # Node 1023 is in range for the config, but no machine here has it: the kernel refuses.
  update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "1023"}'
  run runtime run "$ID"
  assert_failure
  assert_output_contains 'linux.memoryPolicy: set_mempolicy(MPOL_BIND, nodes "1023"'
  assert_nothing_left
}

@test "process: apparmorProfile/selinuxLabel without that LSM active is a clear error" {
  requires_ocrun "runc 1.1.5 ignores an apparmor profile when AppArmor is off"
  if grep -qw apparmor /sys/kernel/security/lsm 2>/dev/null; then
    skip "AppArmor is active on this host"
  fi
  update_config '.process.apparmorProfile = "ocrun-test-profile"'
  run runtime run "$ID"
  assert_failure
  assert_output_matches 'apparmor'
}
