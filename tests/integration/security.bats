#!/usr/bin/env bats
# Security baseline: the runtime binary can't be reopened for writing from the container
# (CVE-2019-5736), a cwd through a leaked fd can't escape (CVE-2024-21626), mount destinations
# are resolved inside the rootfs (symlink escapes), the container sees only its own processes.

load ../lib/common

setup() {
  setup_bundle "${SLEEPER[@]}"
  HOOKS=$BATS_TEST_TMPDIR/hooks
  mkdir -p "$HOOKS"
}

@test "security: the runtime binary can't be reopened for writing from inside the container" {
  # Run a private copy of the runtime so that a vulnerable runtime only damages the copy.
  mkdir "$BATS_TEST_TMPDIR/rt"
  cp "$RUNTIME" "$BATS_TEST_TMPDIR/rt/$RUNTIME_NAME"
  RUNTIME=$BATS_TEST_TMPDIR/rt/$RUNTIME_NAME
  sum=$(sha256sum < "$RUNTIME")
  # A startContainer hook runs inside the container while pid 1 is still the runtime: it keeps
  # an fd on /proc/1/exe; once pid 1 has exec'd the user program and the host says go, it
  # tries to reopen that fd for writing and to append to it.
  update_config '.mounts += [{destination: "/hooks", type: "bind", source: $d, options: ["rbind"]}]
    | .hooks = {startContainer: [{path: "/bin/sh", args: ["sh", "-c", $script]}]}' \
    --arg d "$HOOKS" --arg script '
      exec 5</proc/1/exe || { echo open-failed > /hooks/result; exit 0; }
      readlink /proc/1/exe > /hooks/exe-during
      (
        i=0
        while [ ! -e /hooks/go ] && [ $i -lt 500 ]; do usleep 20000; i=$((i+1)); done
        readlink /proc/1/exe > /hooks/exe-after
        if printf X >> /proc/self/fd/5; then echo WRITABLE; else echo refused; fi > /hooks/result 2>&1
      ) </dev/null >/dev/null 2>&1 &'
  create_container
  runtime start "$ID"
  wait_for_file "$BATS_TEST_TMPDIR/$ID.out" ready
  touch "$HOOKS/go"
  wait_for_file "$HOOKS/result"
  echo "during: $(cat "$HOOKS/exe-during" 2>/dev/null) after: $(cat "$HOOKS/exe-after" 2>/dev/null)"
  refute grep -q WRITABLE "$HOOKS/result"
  [ "$(sha256sum < "$RUNTIME")" = "$sum" ]
}

@test "security: the container cannot write to its own init's /proc/1/exe" {
  set_args sh -c 'printf X >> /proc/1/exe 2>&1; echo rc=$?'
  run runtime run "$ID"
  assert_success
  assert_output_contains rc=1
}

@test "security: cwd through a leaked fd (/proc/self/fd/N) can't escape the rootfs" {
  for n in 3 4 5 6 7 8 9 10; do
    update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
    set_args sh -c 'pwd -P; ls -d ../../../sys/fs/cgroup 2>/dev/null'
    run runtime run "$ID"
    # Refused, or started with a cwd inside the container.
    if [ "$status" -eq 0 ]; then
      if grep -q unreachable <<<"$output"; then echo "fd $n: escaped: $output" >&2; false; fi
      [[ "${lines[0]}" == /* ]] || { echo "fd $n: cwd '${lines[0]}'" >&2; false; }
    fi
    [ "$(status_of "$ID")" = gone ]
  done
}

@test "security: exec --cwd through a leaked fd can't escape the rootfs" {
  start_sleeper
  for n in 3 4 5 6 7 8 9 10; do
    run runtime exec --cwd "/proc/self/fd/$n" "$ID" pwd -P
    if [ "$status" -eq 0 ]; then
      if grep -q unreachable <<<"$output"; then echo "fd $n: escaped: $output" >&2; false; fi
    fi
  done
}

@test "security: a mount destination through a symlink stays inside the rootfs" {
  echo payload > "$HOOKS/payload"
  escape=$BATS_TEST_TMPDIR/escaped
  # ../ enough times to reach / from the rootfs, then an absolute host path.
  ln -s "../../../../../../../../../../../../..$escape" "$BUNDLE/rootfs/evil"
  ln -s "$escape-abs" "$BUNDLE/rootfs/evil-abs"
  update_config '.mounts += [
      {destination: "/evil", type: "bind", source: $d, options: ["rbind", "ro"]},
      {destination: "/evil-abs", type: "tmpfs", source: "tmpfs"}]' --arg d "$HOOKS"
  set_args sh -c "cat $escape/payload; grep -c ' $escape-abs ' /proc/self/mountinfo"
  run runtime run "$ID"
  assert_success
  [ "${lines[0]}" = payload ]
  [ "${lines[1]}" = 1 ]
  # Nothing was created (or mounted) on the host side.
  [ ! -e "$escape" ]
  [ ! -e "$escape-abs" ]
  [ -e "$BUNDLE/rootfs$escape" ]
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
