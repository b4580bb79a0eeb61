#!/usr/bin/env bats
# CVE-2019-5736: a process of the container must never reach an executable that is the host's
# runtime binary. The attack (tests/lib/exe_attack.c, static): the rootfs holds the runtime's
# shared libraries and loader (as any glibc image does) and /bin/evilsh, the one line
# `#!/proc/self/exe`; when the runtime execs it inside the container, the kernel starts the
# runtime's own binary there; the attacker takes an O_PATH fd on its /proc/N/exe and, once it
# has exited, reopens the fd for writing and appends. A hook inside the container holds /proc/1/exe
# (the init, still the runtime) instead. Every test attacks a private copy of the runtime (a
# vulnerable runtime damages only the copy) and checks that its sha256 did not change and that
# the attacker saw the runtime and was refused (with CAP_SYS_ADMIN it also tries to make the
# exe's mount writable first).
# Shown to fail on the runtime before the fix (main at e827663): the exec, run, create+start,
# memfd and static tests got "result: WRITTEN"; the hook tests were refused there already (it
# re-executed from a memfd when a config had such hooks) and get WRITTEN when oc_exe_protect
# returns 0 at once.
# Repeatable: tests/security/weaken/exe_overwrite.patch (oc_exe_protect returns at once),
# tests/security/prove.sh exe_overwrite.

load ../lib/common

setup_file() {
  export ATTACK_BIN=$BATS_FILE_TMPDIR/exe_attack
  gcc -static -O2 -Wall -Wextra -Werror -o "$ATTACK_BIN" "$REPO/tests/lib/exe_attack.c"
}

setup() {
  # Container A runs the attacker as its process.
  setup_bundle /bin/exe_attack scan /attack.out 20 "${RUNTIME_NAME%%.*}"
}

# use_copy [BINARY]: the runtime under attack is a private copy of BINARY (default $RUNTIME);
# SUM is its sha256. Then arm A's rootfs.
use_copy() {
  local bin=${1:-$RUNTIME}
  mkdir "$BATS_TEST_TMPDIR/rt"
  cp "$bin" "$BATS_TEST_TMPDIR/rt/$(basename "$bin")"
  RUNTIME=$BATS_TEST_TMPDIR/rt/$(basename "$bin")
  SUM=$(sha256sum < "$RUNTIME")
  arm_rootfs "$BUNDLE/rootfs"
}

# arm_rootfs DIR: the runtime's libraries and loader at the paths ldd gives (none for a static
# binary), /bin/evilsh and the attacker. The rootfs' files are hardlinks of a shared cache: only
# new files are written.
arm_rootfs() {
  local root=$1 lib
  for lib in $(ldd "$RUNTIME" 2>/dev/null | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib" || return
  done
  printf '#!/proc/self/exe\n' > "$root/bin/evilsh" && chmod 755 "$root/bin/evilsh" &&
    cp "$ATTACK_BIN" "$root/bin/exe_attack"
}

# start_attacker: container A, detached, once the attacker scans; PID is its init.
start_attacker() {
  run_detached || return
  wait_for_file "$BATS_TEST_TMPDIR/$ID.out" scanning || return
  PID=$(pid_of "$ID") && [ "$PID" -gt 0 ]
}

# make_joiner: a new bundle B2 (container ID2) whose process is /bin/evilsh, in A's pid
# namespace so that the attacker sees it.
make_joiner() {
  ID2=$(new_id)
  B2=$BATS_TEST_TMPDIR/bundle-$ID2
  track_container "$ID2"
  CGROUP_NAME=$ID2 "$LIB/make-bundle.sh" "$B2" /bin/evilsh && arm_rootfs "$B2/rootfs" &&
    jq --arg p "/proc/$PID/ns/pid" --arg m "$MARK" \
    '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)
     | .process.env += ["OCRUN_TEST_MARK=" + $m]' "$B2/config.json" > "$B2/config.json.new" &&
    mv "$B2/config.json.new" "$B2/config.json"
}

# until_seen CMD...: run CMD (one attempt to put the runtime into the container) until the
# attacker reports it caught the runtime, at most 5 times: the runtime lives there for well
# under a millisecond (unknown command, exit), and on 2 loaded cores the attacker may not get to
# run in that time.
until_seen() {
  local i
  for i in 1 2 3 4 5; do
    "$@" || return
    if wait_for 2 grep -q '^saw: ' "$BUNDLE/rootfs/attack.out"; then
      [ "$i" -eq 1 ] || echo "caught at attempt $i"
      return 0
    fi
  done
  echo "the attacker never caught the runtime in 5 attempts" >&2
  return 1
}

# assert_refused REPORT [EXE_PATTERN]: the attacker saw the runtime (its exe matching
# EXE_PATTERN, when given), its write was refused, and the binary is unchanged.
assert_refused() {
  local report=$1
  # The attacker retries while the runtime still executes the file (ETXTBSY), up to 20 s.
  wait_for_file "$report" '^result: ' 30 || { cat "$report" >&2; return 1; }
  echo "attacker's report:"
  sed 's/^/  /' "$report"
  grep -q '^saw: ' "$report" || { echo "the attacker never caught the runtime" >&2; return 1; }
  if [ "$(sha256sum < "$RUNTIME")" != "$SUM" ]; then
    echo "the runtime binary was changed from inside the container" >&2
    return 1
  fi
  refute grep -q '^result: WRITTEN' "$report"
  grep -q '^result: REFUSED' "$report"
  # With CAP_SYS_ADMIN it also tried to make the exe's mount writable: never allowed.
  refute grep -q '^unlock: .*: done$' "$report"
  [ -z "${2:-}" ] || grep -qE "^saw: .* exe $2" "$report" ||
    { echo "the runtime's exe does not match /$2/" >&2; return 1; }
}

# The exe the runtime's processes in a container run from: the read-only mount (path "/"), or
# the sealed memfd when OCRUN_PROTECT_EXE=memfd. Not checked for other runtimes.
expected_exe() {
  is_ocrun || return 0
  if [ "${OCRUN_PROTECT_EXE:-}" = memfd ]; then echo '/memfd:ocrun'; else echo '/ argv0'; fi
}

# One attempt each; they run under `||` (until_seen), where set -e does not apply: hence &&.
exec_evilsh() {
  run runtime exec "$ID" /bin/evilsh
  # The runtime's binary ran inside the container: it took /bin/evilsh for a command.
  assert_failure && assert_output_contains evilsh
}
attack_exec() {
  start_attacker
  until_seen exec_evilsh
  assert_refused "$BUNDLE/rootfs/attack.out" "$(expected_exe)"
}

run_evilsh() {
  make_joiner || return
  run runtime run --bundle "$B2" "$ID2"
  assert_failure && assert_output_contains evilsh
}
attack_run() {
  start_attacker
  until_seen run_evilsh
  assert_refused "$BUNDLE/rootfs/attack.out" "$(expected_exe)"
}

create_start_evilsh() {
  make_joiner &&
    runtime create --bundle "$B2" "$ID2" >"$BATS_TEST_TMPDIR/$ID2.out" 2>&1 &&
    runtime start "$ID2" &&
    wait_for_status "$ID2" stopped &&
    grep -q evilsh "$BATS_TEST_TMPDIR/$ID2.out"
}

@test "exe overwrite: exec of a #!/proc/self/exe script" {
  use_copy
  attack_exec
}

@test "exe overwrite: run of a #!/proc/self/exe container process (joined pid namespace)" {
  use_copy
  attack_run
}

@test "exe overwrite: create + start of a #!/proc/self/exe container process" {
  use_copy
  start_attacker
  until_seen create_start_evilsh
  assert_refused "$BUNDLE/rootfs/attack.out" "$(expected_exe)"
}

@test "exe overwrite: a createContainer hook holding /proc/1/exe (create + start)" {
  use_copy
  set_args "${SLEEPER[@]}"
  # Runs before pivot_root: the rootfs, and the container's /proc in it, by their host paths.
  update_config '.hooks.createContainer = [{path: ($r + "/bin/exe_attack"),
      args: ["exe_attack", "hook", ($r + "/proc"), ($r + "/hook.out"), "20"]}]' \
    --arg r "$BUNDLE/rootfs"
  create_container
  runtime start "$ID"
  assert_refused "$BUNDLE/rootfs/hook.out"
}

@test "exe overwrite: a startContainer hook holding /proc/1/exe (run --detach)" {
  use_copy
  set_args "${SLEEPER[@]}"
  update_config '.hooks.startContainer = [{path: "/bin/exe_attack",
      args: ["exe_attack", "hook", "/proc", "/hook.out", "20"]}]'
  run_detached
  assert_refused "$BUNDLE/rootfs/hook.out"
}

@test "exe overwrite: exec, with the sealed memfd copy (OCRUN_PROTECT_EXE=memfd)" {
  requires_ocrun "OCRUN_PROTECT_EXE"
  export OCRUN_PROTECT_EXE=memfd
  use_copy
  attack_exec
}

@test "exe overwrite: run, with the sealed memfd copy (OCRUN_PROTECT_EXE=memfd)" {
  requires_ocrun "OCRUN_PROTECT_EXE"
  export OCRUN_PROTECT_EXE=memfd
  use_copy
  attack_run
}

@test "exe overwrite: exec, static binary (no libraries needed in the rootfs)" {
  requires_ocrun "ocrun.static"
  # The static build next to the runtime under test (./ocrun.static for ./ocrun).
  local static=${RUNTIME%.static}.static
  [ -x "$static" ] || skip "$static not built (make static)"
  use_copy "$static"
  attack_exec
}

@test "exe overwrite: exec, the attacker with CAP_SYS_ADMIN cannot make the mount writable" {
  use_copy
  update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
  attack_exec
  # It tried (what it got is in the report above); with no capability these fail with EPERM.
  grep -q '^unlock: mount_setattr' "$BUNDLE/rootfs/attack.out"
}

@test "exe overwrite: OCRUN_PROTECT_EXE takes only memfd" {
  requires_ocrun "OCRUN_PROTECT_EXE"
  OCRUN_PROTECT_EXE=off run runtime run "$ID"
  assert_failure
  assert_output_contains 'OCRUN_PROTECT_EXE=off'
  assert_nothing_left
}

@test "exe overwrite: a startContainer hook reopens /proc/1/exe for writing once the init exec'd" {
  # Run a private copy of the runtime so that a vulnerable runtime only damages the copy.
  mkdir "$BATS_TEST_TMPDIR/rt"
  cp "$RUNTIME" "$BATS_TEST_TMPDIR/rt/$RUNTIME_NAME"
  RUNTIME=$BATS_TEST_TMPDIR/rt/$RUNTIME_NAME
  sum=$(sha256sum < "$RUNTIME")
  HOOKS=$BATS_TEST_TMPDIR/hooks
  mkdir -p "$HOOKS"
  set_args "${SLEEPER[@]}"
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

@test "exe overwrite: the container cannot write to its own init's /proc/1/exe" {
  set_args sh -c 'printf X >> /proc/1/exe 2>&1; echo rc=$?'
  run runtime run "$ID"
  assert_success
  assert_output_contains rc=1
}
