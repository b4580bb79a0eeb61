#!/usr/bin/env bats
# `exec --cap` granted inheritable capabilities (CVE-2022-29162: runc put the added capabilities
# in the inheritable set too, so a non-root process executing a program with inheritable file
# capabilities gained them). ocrun adds an --cap capability to the bounding, effective and
# permitted sets only, and sets the inheritable set only from the config (runtime/cmd_exec.c,
# runtime/process_creds.c).
# Shown to fail on a weakened build, tests/security/weaken/exec_caps.patch (--cap also added to
# the inheritable set): tests/security/prove.sh exec_caps.

load ../lib/common

CAP_NET_ADMIN=12

setup() {
  setup_bundle "${SLEEPER[@]}"
  # File capabilities are honoured only without no_new_privs, as for runc's exec by default.
  update_config '.process.noNewPrivileges = false'
}

# has_cap FIELD: whether the /proc/self/status FIELD in $output holds CAP_NET_ADMIN.
has_cap() { [ $(( (0x$(status_field "$1") >> CAP_NET_ADMIN) & 1 )) -eq 1 ]; }

@test "exec caps: exec --cap adds the capability, but never to the inheritable or ambient set" {
  start_sleeper
  run runtime exec --cap CAP_NET_ADMIN "$ID" grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status
  assert_success
  echo "$output"
  has_cap CapEff
  has_cap CapPrm
  [ "$(status_field CapInh)" = 0000000000000000 ]
  [ "$(status_field CapAmb)" = 0000000000000000 ]
}

@test "exec caps: a non-root exec --cap of a program with inheritable file caps gains nothing" {
  command -v setcap >/dev/null || skip "setcap not installed (libcap2-bin, tests/lib/install-deps.sh)"
  # The attacker's program: busybox (a copy, the rootfs' files are shared hardlinks) with the
  # inheritable and effective file capability bits for CAP_NET_ADMIN.
  mkdir "$BUNDLE/rootfs/capbin"
  cp "$BUNDLE/rootfs/bin/busybox" "$BUNDLE/rootfs/capbin/grep"
  setcap cap_net_admin+ei "$BUNDLE/rootfs/capbin/grep"
  start_sleeper
  run runtime exec --user 1000:1000 --cap CAP_NET_ADMIN "$ID" /capbin/grep -E '^Cap(Inh|Prm|Eff)' /proc/self/status
  assert_success
  echo "$output"
  # Without an inheritable CAP_NET_ADMIN in the process, the file's inheritable bit gives nothing.
  refute has_cap CapEff
  refute has_cap CapPrm
  [ "$(status_field CapInh)" = 0000000000000000 ]
}

@test "exec caps: the container's process has no inheritable capability the config does not list" {
  set_args grep -E '^Cap(Inh|Amb)' /proc/self/status
  run runtime run "$ID"
  assert_success
  [ "$(status_field CapInh)" = 0000000000000000 ]
  [ "$(status_field CapAmb)" = 0000000000000000 ]
}
