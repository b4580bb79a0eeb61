#!/usr/bin/env bats
# exec: a new process in a running container, plain and with --process, --env, --cwd, --user,
# --cap, --tty, --detach, --pid-file; exit codes and error texts.

load ../lib/common

setup() {
  setup_bundle "${SLEEPER[@]}"
  update_config '.hostname = "exechost"'
}

@test "exec: plain exec joins the container's namespaces and cgroup" {
  start_sleeper
  run runtime exec "$ID" sh -c 'hostname; for n in pid mnt net ipc uts; do readlink /proc/self/ns/$n; done; cat /proc/self/cgroup'
  assert_success
  [ "${lines[0]}" = exechost ]
  i=1
  for n in pid mnt net ipc uts; do
    [ "${lines[$i]}" = "$(readlink "/proc/$PID/ns/$n")" ] || { echo "$n differs" >&2; false; }
    i=$((i + 1))
  done
  assert_output_contains "pids:/ocrun-test/$ID"
}

@test "exec: the process gets the container's env, cwd, user and rlimits by default" {
  update_config '.process.env += ["FROM_CONFIG=1"] | .process.cwd = "/tmp"
    | .process.rlimits = [{type: "RLIMIT_NOFILE", soft: 300, hard: 300}]'
  start_sleeper
  run runtime exec "$ID" sh -c 'echo $FROM_CONFIG; pwd; ulimit -n; id -u'
  assert_success
  [ "$output" = "$(printf '1\n/tmp\n300\n0')" ]
}

@test "exec: exit code propagates" {
  start_sleeper
  run runtime exec "$ID" sh -c 'exit 7'
  [ "$status" -eq 7 ]
}

@test "exec: stdout and stderr reach the caller" {
  start_sleeper
  run --separate-stderr runtime exec "$ID" sh -c 'echo to-out; echo to-err >&2'
  assert_success
  [ "$output" = to-out ]
  [ "$stderr" = to-err ]
}

@test "exec: --process file" {
  start_sleeper
  cat > "$BATS_TEST_TMPDIR/process.json" <<'EOF'
{
  "terminal": false,
  "user": {"uid": 1000, "gid": 1000, "additionalGids": [5]},
  "args": ["sh", "-c", "echo $FOO; pwd; id -u; id -G; exit 3"],
  "env": ["PATH=/bin", "FOO=from-process-file"],
  "cwd": "/tmp",
  "noNewPrivileges": true
}
EOF
  run runtime exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
  [ "$status" -eq 3 ]
  [ "${lines[0]}" = from-process-file ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = 1000 ]
  [ "${lines[3]}" = "1000 5" ]
}

@test "exec: --env adds and overrides variables" {
  update_config '.process.env += ["KEEP=k", "OVER=old"]'
  start_sleeper
  run runtime exec --env OVER=new --env NEWVAR=n "$ID" env
  assert_success
  assert_output_contains KEEP=k
  assert_output_contains OVER=new
  assert_output_contains NEWVAR=n
  refute grep -qx OVER=old <<<"$output"
}

@test "exec: --cwd" {
  start_sleeper
  run runtime exec --cwd /etc "$ID" pwd
  assert_success
  [ "$output" = /etc ]
}

@test "exec: --user uid:gid and --additional-gids" {
  start_sleeper
  run runtime exec --user 1000:1000 "$ID" sh -c 'id -u; id -g; grep ^NoNewPrivs /proc/self/status'
  assert_success
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 1000 ]
}

@test "exec: --cap adds a capability" {
  start_sleeper
  run runtime exec "$ID" grep ^CapEff /proc/self/status
  assert_success
  before=$(status_field CapEff)
  [ $(( (0x$before >> 12) & 1 )) -eq 0 ]
  run runtime exec --cap CAP_NET_ADMIN "$ID" grep -E '^Cap(Eff|Bnd)' /proc/self/status
  assert_success
  [ $(( (0x$(status_field CapEff) >> 12) & 1 )) -eq 1 ]
  [ $(( (0x$(status_field CapBnd) >> 12) & 1 )) -eq 1 ]
}

@test "exec: --no-new-privs" {
  update_config '.process.noNewPrivileges = false'
  start_sleeper
  run runtime exec "$ID" grep ^NoNewPrivs /proc/self/status
  [ "$(status_field NoNewPrivs)" = 0 ]
  run runtime exec --no-new-privs "$ID" grep ^NoNewPrivs /proc/self/status
  assert_success
  [ "$(status_field NoNewPrivs)" = 1 ]
}

@test "exec: --tty with --console-socket" {
  start_sleeper
  start_recvtty
  run runtime exec --tty --console-socket "$CONSOLE_SOCKET" --detach "$ID" sh -c 'tty; stty size'
  assert_success
  run wait_recvtty
  assert_success
  assert_output_matches '^/dev/pts/[0-9]+$'
}

@test "exec: --detach with --pid-file" {
  start_sleeper
  # A detached process keeps its stdio: not bats' capture pipe.
  runtime exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" sleep 1000 \
    >"$BATS_TEST_TMPDIR/exec.out" 2>&1
  content=$(cat "$BATS_TEST_TMPDIR/exec.pid")
  [[ "$content" =~ ^[0-9]+$ ]]
  [ "$(wc -c < "$BATS_TEST_TMPDIR/exec.pid")" -eq "${#content}" ]
  [ -d "/proc/$content" ]
  [ "$(readlink "/proc/$content/ns/pid")" = "$(readlink "/proc/$PID/ns/pid")" ]
  grep -q "pids:/ocrun-test/$ID\$" "/proc/$content/cgroup"
  [ "$(tr '\0' ' ' < "/proc/$content/cmdline")" = "sleep 1000 " ]
}

@test "exec: a missing executable fails with 'executable file not found'" {
  start_sleeper
  run runtime exec "$ID" no-such-command
  assert_failure
  assert_output_contains "executable file not found"
  run runtime exec "$ID" /no/such/path
  assert_failure
  assert_output_matches 'no such file or directory'
  [ "$(status_of "$ID")" = running ]
}

@test "exec: the process's failure to join the namespaces is the error reported, every time" {
  requires_ocrun "the config copy in the state dir is ocrun's"
  start_sleeper
  # A user namespace the init does not have: the process's setns fails with EINVAL (it would
  # join its own). Its ERROR races with the runtime's GO; the error shown must be the ERROR.
  jq '.linux.namespaces += [{"type": "user"}]' "$ROOT/$ID/config.json" > "$BATS_TEST_TMPDIR/c.json"
  cp "$BATS_TEST_TMPDIR/c.json" "$ROOT/$ID/config.json"
  local i
  for i in $(seq 30); do
    run runtime exec "$ID" true
    assert_failure
    assert_output_contains "join the namespaces of the container"
  done
  [ "$(status_of "$ID")" = running ]
}

@test "exec: a non-executable file fails with 'permission denied'" {
  start_sleeper
  run runtime exec "$ID" /etc/passwd
  assert_failure
  assert_output_matches 'permission denied'
}

@test "exec: in a stopped container fails" {
  set_args true
  create_container
  runtime start "$ID"
  wait_for_status "$ID" stopped
  run runtime exec "$ID" true
  assert_failure
  assert_output_matches 'stopped|not running'
}

@test "exec: in a created (not started) container" {
  create_container
  run runtime exec "$ID" echo works
  # runc allows exec into a created container; either way no crash and a clear result.
  if [ "$status" -eq 0 ]; then
    [ "$output" = works ]
  else
    assert_output_matches 'created|not running'
  fi
}

@test "exec: in a missing container fails with 'does not exist'" {
  run runtime exec nosuchcontainer true
  assert_failure
  assert_output_contains -i "does not exist"
}

@test "exec: without a command fails" {
  start_sleeper
  run runtime exec "$ID"
  assert_failure
}
