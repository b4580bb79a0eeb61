#!/bin/bash
# containerd.sh: a private containerd (own config, root, state, socket; CRI plugin off) driving
# $RUNTIME through containerd-shim-runc-v2 with `ctr run --runc-binary`. One line per check,
# last line `containerd: N passed, N failed`. See lib.sh for the environment variables.
set -uo pipefail
# shellcheck disable=SC2034  # read by lib.sh
SUITE=containerd
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages containerd:containerd ctr:containerd script:util-linux jq:jq
archive=$("$CLIENTS_DIR/image.sh") || die "could not build the image archive"
make_private_dir
make_runtime_wrapper

SOCK=$PRIV/containerd.sock
RROOT=$PRIV/runc-root          # --runc-root: the runtime's state root (the shim adds /<ns>)
NS=ocrun-test
CDPID=

c() { timeout -k 5 "$CLIENTS_TIMEOUT" ctr --address "$SOCK" --namespace "$NS" "$@"; }
ctr_run() { c run --runc-binary "$RT" --runc-root "$RROOT" --fifo-dir "$PRIV/fifo" "$@"; }
ctr_exec() { c task exec --fifo-dir "$PRIV/fifo" "$@"; }

# /run/containerd/{s,fifo} are hard-coded in containerd 1.6 (shim sockets): remove them at the
# end if this suite created them and they are empty.
created_run_dirs=()
for d in /run/containerd /run/containerd/s /run/containerd/fifo; do
  [ -e "$d" ] || created_run_dirs+=("$d")
done

stop_containerd() {
  local t
  for t in $(ctr --address "$SOCK" --namespace "$NS" task ls -q 2>/dev/null); do
    ctr --address "$SOCK" --namespace "$NS" task kill -a -s KILL "$t"
    ctr --address "$SOCK" --namespace "$NS" task rm -f "$t"
  done
  for t in $(ctr --address "$SOCK" --namespace "$NS" containers ls -q 2>/dev/null); do
    ctr --address "$SOCK" --namespace "$NS" containers rm "$t"
  done
  if [ -n "$CDPID" ]; then
    kill -TERM "$CDPID" 2>/dev/null
    for t in $(seq 100); do kill -0 "$CDPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CDPID" 2>/dev/null
    wait "$CDPID" 2>/dev/null
  fi
  # Shims outlive containerd; theirs carry our private socket path in their command line.
  kill_procs_matching "$SOCK"
  for ((t = ${#created_run_dirs[@]} - 1; t >= 0; t--)); do rmdir "${created_run_dirs[t]}"; done
  for t in "$CG_V1"/*/; do rmdir "$t$NS"; done
}

sed "s|@PRIV@|$PRIV|g" "$CLIENTS_DIR/containerd.toml.in" >"$PRIV/containerd.toml"
mkdir -p "$PRIV/fifo" "$RROOT"
containerd --config "$PRIV/containerd.toml" >"$PRIV/containerd.log" 2>&1 &
CDPID=$!
at_cleanup stop_containerd
wait_for 20 ctr --address "$SOCK" version ||
  die "private containerd did not come up: $(tail -n 5 "$PRIV/containerd.log")"
c images import "$archive" >/dev/null || die "ctr images import $archive failed"

# Helpers -------------------------------------------------------------------------------------

task_field() { c task ls | awk -v id="$1" -v f="$2" '$1 == id { print $f }'; }
task_status() { task_field "$1" 3; }
task_pid() { task_field "$1" 2; }
status_is() { [ "$(task_status "$1")" = "$2" ]; }

# no_leftovers ID: neither the runtime's state dir nor any cgroup dir of ID remains.
no_leftovers() {
  local id=$1 d left=()
  [ -e "$RROOT/$NS/$id" ] && left+=("$RROOT/$NS/$id")
  for d in "$CG_V1"/*/"$NS/$id"; do [ -e "$d" ] && left+=("$d"); done
  [ ${#left[@]} -eq 0 ] && return 0
  fail "left behind: ${left[*]}"
}

# remove ID: kill, delete and remove a (detached) container, quietly.
remove() {
  c task kill -a -s KILL "$1" >/dev/null 2>&1
  c task rm -f "$1" >/dev/null 2>&1
  c containers rm "$1" >/dev/null 2>&1
}

# cgroup_file ID CTRL FILE: the value of a cgroup file of ID's init, read on the host side via
# /proc/<pid>/cgroup (ctr mounts no cgroupfs in the container).
cgroup_file() {
  local pid path
  pid=$(task_pid "$1") && [ -n "$pid" ] || return 1
  path=$(cgroup_of "$pid" "$2") || return 1
  cat "$CG_V1/$2$path/$3"
}

# Checks --------------------------------------------------------------------------------------

t_output() {
  ID_RM=$(new_name r)
  run ctr_run --rm "$IMAGE" "$ID_RM" echo hello from ctr
  expect_out "hello from ctr"
}
t_rm_gone() { no_leftovers "$ID_RM"; }
t_exit0() { run ctr_run --rm "$IMAGE" "$(new_name e)" true; expect_rc 0; }
t_exit3() { run ctr_run --rm "$IMAGE" "$(new_name e)" sh -c 'exit 3'; expect_rc 3; }
t_env() {
  run ctr_run --rm --env FOO=bar "$IMAGE" "$(new_name v)" sh -c 'echo "$FOO:$PATH"'
  expect_match '^bar:.*/bin'
}
t_cwd() { run ctr_run --rm --cwd /tmp "$IMAGE" "$(new_name w)" pwd; expect_out /tmp; }
t_user() {
  run ctr_run --rm "$IMAGE_USER" "$(new_name u)" sh -c 'echo "$(id -u):$(id -g) $(pwd)"'
  expect_out "1000:1000 /home/user"
}
t_uts() {
  run ctr_run --rm "$IMAGE" "$(new_name h)" readlink /proc/self/ns/uts
  expect_match '^uts:' || return 1
  [ "$(printf '%s' "$OUT" | tr -d '\r')" != "$(readlink /proc/self/ns/uts)" ] ||
    fail "the container shares the host's uts namespace"
}
t_readonly() {
  run ctr_run --rm --read-only "$IMAGE" "$(new_name o)" \
    sh -c 'touch /x 2>/dev/null && echo writable || echo read-only'
  expect_out read-only
}
t_volume() {
  mkdir -p "$PRIV/vol"
  run ctr_run --rm --mount "type=bind,src=$PRIV/vol,dst=/data,options=rbind:rw" "$IMAGE" \
    "$(new_name b)" sh -c 'echo from-container >/data/f && cat /data/f'
  expect_out from-container || return 1
  [ "$(cat "$PRIV/vol/f" 2>/dev/null)" = from-container ] || fail "$PRIV/vol/f not written"
}
t_volume_ro() {
  run ctr_run --rm --mount "type=bind,src=$PRIV/vol,dst=/data,options=rbind:ro" "$IMAGE" \
    "$(new_name b)" sh -c 'cat /data/f; echo x 2>/dev/null >/data/g && echo writable || echo read-only'
  expect_out "from-container
read-only"
}
t_tty() {
  local cmd
  cmd="ctr --address $SOCK --namespace $NS run -t --runc-binary $RT --runc-root $RROOT"
  cmd+=" --fifo-dir $PRIV/fifo --rm $IMAGE $(new_name t) sh -c '[ -t 0 ] && [ -t 1 ] && tty'"
  run script -qec "$cmd" /dev/null
  expect_match '/dev/pts/[0-9]+'
}
t_stdin() {
  # ctr run never closes the task's stdin on EOF (ctr task exec does): read one line only.
  OUT=$(echo hi-stdin | ctr_run --rm "$IMAGE" "$(new_name i)" head -n 1 2>&1)
  RC=$?
  expect_out hi-stdin
}
t_fds() {
  # Only stdio may reach the container (the shim leaves its socket as fd 3 for `create`).
  local pid fds
  pid=$(task_pid "$D")
  fds=$(ls "/proc/$pid/fd" 2>&1 | sort -n | paste -sd ' ')
  [ "$fds" = "0 1 2" ] || fail "init (pid $pid) has fds: $fds"
}
t_limits() {
  local id mem shares quota period
  id=$(new_name l)
  run ctr_run -d --memory-limit 67108864 --cpu-shares 512 --cpu-quota 50000 --cpu-period 100000 \
    "$IMAGE" "$id" sleep 1000
  expect_rc 0 || { remove "$id"; return 1; }
  mem=$(cgroup_file "$id" memory memory.limit_in_bytes)
  shares=$(cgroup_file "$id" cpu cpu.shares)
  quota=$(cgroup_file "$id" cpu cpu.cfs_quota_us)
  period=$(cgroup_file "$id" cpu cpu.cfs_period_us)
  local pid path
  pid=$(task_pid "$id")
  path=$(cgroup_of "$pid" memory)
  remove "$id"
  [ "$path" = "/$NS/$id" ] || fail "memory cgroup is '$path', expected /$NS/$id" || return 1
  [ "$mem:$shares:$quota:$period" = "67108864:512:50000:100000" ] ||
    fail "memory.limit_in_bytes:cpu.shares:cfs_quota:cfs_period = $mem:$shares:$quota:$period"
}
# The built-in policy: `ctr run` without --memory-limit gets the default 1 GiB, swap off.
t_default_limit() {
  local id mem memsw
  id=$(new_name d)
  run ctr_run -d "$IMAGE" "$id" sleep 1000
  expect_rc 0 || { remove "$id"; return 1; }
  mem=$(cgroup_file "$id" memory memory.limit_in_bytes)
  memsw=$(cgroup_file "$id" memory memory.memsw.limit_in_bytes)
  remove "$id"
  [ "$mem $memsw" = "1073741824 1073741824" ] || fail "memory.limit_in_bytes memsw = $mem $memsw"
}
t_oom() {
  run ctr_run --rm --memory-limit 33554432 "$IMAGE" "$(new_name m)" \
    sh -c 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived ${#x}'
  expect_rc 137
}
t_seccomp() {
  run ctr_run --rm --seccomp "$IMAGE" "$(new_name s)" grep Seccomp: /proc/self/status
  expect_match 'Seccomp:[[:space:]]+2'
}
t_masked() {
  run ctr_run --rm "$IMAGE" "$(new_name k)" sh -c '
    for f in /proc/kcore /proc/keys /proc/timer_list; do
      printf "%s=%s " $f $(cat $f 2>/dev/null | wc -c); done'
  expect_out "/proc/kcore=0 /proc/keys=0 /proc/timer_list=0"
}

# The detached container D for exec, ps, metrics, pause/resume and rm -f.
t_detached() {
  D=$(new_name d)
  run ctr_run -d "$IMAGE" "$D" sleep 1000
  expect_rc 0 || return 1
  wait_for 10 status_is "$D" RUNNING || fail "task status '$(task_status "$D")', expected RUNNING" || return 1
  kill -0 "$(task_pid "$D")" || fail "task pid $(task_pid "$D") is not alive"
}
t_exec_rc() { run ctr_exec --exec-id x1 "$D" sh -c 'exit 5'; expect_rc 5; }
t_exec_user() { run ctr_exec --exec-id x2 --user 1000 "$D" id -u; expect_out 1000; }
t_exec_cwd() { run ctr_exec --exec-id x3 --cwd /tmp "$D" pwd; expect_out /tmp; }
t_exec_tty() {
  run script -qec "ctr --address $SOCK --namespace $NS task exec --fifo-dir $PRIV/fifo -t --exec-id x4 $D tty" /dev/null
  expect_match '/dev/pts/[0-9]+'
}
t_exec_stdin() {
  OUT=$(echo hi-exec | ctr_exec --exec-id x5 "$D" cat 2>&1)
  RC=$?
  expect_out hi-exec
}
t_exec_missing() {
  run ctr_exec --exec-id x6 "$D" /no/such/program
  [ "$RC" != 0 ] || fail "exec of a missing program exited 0" || return 1
  printf '%s' "$OUT" | grep -Eqi 'no such file|not found' ||
    fail "error does not say the program is missing: $(printf '%s' "$OUT" | tail -n 1)"
}
t_ps() {
  local pid
  pid=$(task_pid "$D")
  run c task ps "$D"
  expect_match "^${pid}[[:space:]]"
}
t_metrics() {
  run c task metrics "$D"
  expect_match 'memory.usage_in_bytes[[:space:]]+[1-9]' || return 1
  printf '%s' "$OUT" | grep -Eq 'pids.current[[:space:]]+[1-9]' || fail "no pids.current: $OUT"
}
t_pause() {
  run c task pause "$D"
  expect_rc 0 || return 1
  wait_for 5 status_is "$D" PAUSED || fail "status '$(task_status "$D")' after pause" || return 1
  local st
  st=$(cgroup_file "$D" freezer freezer.state)
  [ "$st" = FROZEN ] || fail "freezer.state is '$st' after pause"
}
t_resume() {
  run c task resume "$D"
  expect_rc 0 || return 1
  wait_for 5 status_is "$D" RUNNING || fail "status '$(task_status "$D")' after resume" || return 1
  local st
  st=$(cgroup_file "$D" freezer freezer.state)
  [ "$st" = THAWED ] || fail "freezer.state is '$st' after resume"
}
t_rm_force() {
  run c task rm -f "$D"
  expect_rc 0 || return 1
  c containers rm "$D" >/dev/null 2>&1
  no_leftovers "$D"
}

t_stop_term() {
  local id
  id=$(new_name st)
  run ctr_run -d "$IMAGE" "$id" sh -c 'trap "exit 7" TERM; touch /tmp/ready; while :; do sleep 0.1; done'
  expect_rc 0 && wait_for 10 ctr_exec --exec-id r1 "$id" test -e /tmp/ready ||
    { remove "$id"; fail "container not ready"; return 1; }
  run c task kill "$id"
  expect_rc 0 || { remove "$id"; return 1; }
  wait_for 10 status_is "$id" STOPPED || { remove "$id"; fail "not STOPPED after SIGTERM"; return 1; }
  run c task rm "$id"
  c containers rm "$id" >/dev/null 2>&1
  expect_match 'exit code 7' || return 1
  no_leftovers "$id"
}
t_stop_kill() {
  local id
  id=$(new_name sk)
  run ctr_run -d "$IMAGE" "$id" sh -c 'trap "echo got-term >/tmp/t" TERM; touch /tmp/ready; while :; do sleep 0.1; done'
  expect_rc 0 && wait_for 10 ctr_exec --exec-id r2 "$id" test -e /tmp/ready ||
    { remove "$id"; fail "container not ready"; return 1; }
  c task kill "$id" >/dev/null 2>&1
  if ! wait_for 10 ctr_exec --exec-id t1 "$id" grep -q got-term /tmp/t; then
    remove "$id"
    fail "the TERM trap did not run"
    return 1
  fi
  status_is "$id" RUNNING || { remove "$id"; fail "stopped on the ignored SIGTERM"; return 1; }
  c task kill -s SIGKILL "$id" >/dev/null 2>&1
  wait_for 10 status_is "$id" STOPPED || { remove "$id"; fail "not STOPPED after SIGKILL"; return 1; }
  run c task rm "$id"
  c containers rm "$id" >/dev/null 2>&1
  expect_match 'exit code 137'
}
t_kill_all() {
  local id procs p left=()
  id=$(new_name ka)
  run ctr_run -d --with-ns "pid:/proc/$$/ns/pid" "$IMAGE" "$id" sh -c 'sleep 1001 & exec sleep 1002'
  expect_rc 0 || { remove "$id"; return 1; }
  wait_for 5 eval "[ \$(wc -l <$CG_V1/pids/$NS/$id/cgroup.procs) -ge 2 ]"
  procs=$(cat "$CG_V1/pids/$NS/$id/cgroup.procs" 2>/dev/null)
  [ "$(echo "$procs" | wc -w)" -ge 2 ] || { remove "$id"; fail "expected 2 processes, cgroup has: $procs"; return 1; }
  run c task kill --all -s SIGKILL "$id"
  expect_rc 0 || { remove "$id"; return 1; }
  wait_for 10 status_is "$id" STOPPED
  for p in $procs; do
    wait_for 5 eval "! kill -0 $p" || left+=("$p")
  done
  remove "$id"
  [ ${#left[@]} -eq 0 ] || fail "still alive after kill --all: ${left[*]}" || return 1
  grep -q "kill --all $id 9" "$TRACE" || [ "${CLIENTS_TRACE:-1}" = 0 ] ||
    fail "the shim never called kill --all"
}

check "run prints the output" t_output
check "run --rm leaves no runtime state or cgroup" t_rm_gone
check "exit code 0" t_exit0
check "exit code 3" t_exit3
check "env" t_env
check "cwd" t_cwd
check "user and workdir from the image" t_user
check "own uts namespace (ctr sets no hostname)" t_uts
check "read-only rootfs" t_readonly
check "bind volume" t_volume
check "read-only bind volume" t_volume_ro
check "tty" t_tty
check "stdin" t_stdin
check "memory and cpu limits in the cgroup" t_limits
check "run without --memory-limit: the default 1 GiB limit, swap off" t_default_limit
skip "pids limit" "ctr run has no pids limit flag"
check "OOM kill gives 137" t_oom
check "seccomp (--seccomp)" t_seccomp
check "masked paths" t_masked
check "detached container" t_detached
check "only stdio fds reach the container" t_fds
check "exec exit code" t_exec_rc
check "exec user" t_exec_user
check "exec cwd" t_exec_cwd
check "exec tty" t_exec_tty
check "exec stdin" t_exec_stdin
check "exec of a missing program fails" t_exec_missing
check "ps" t_ps
check "task metrics" t_metrics
check "pause" t_pause
check "resume" t_resume
check "rm -f of a running task leaves no state or cgroup" t_rm_force
skip "update" "ctr 1.6 has no update command"
check "stop with SIGTERM" t_stop_term
check "SIGKILL after an ignored SIGTERM" t_stop_kill
check "kill --all with the host pid namespace" t_kill_all

suite_summary
