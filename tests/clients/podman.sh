#!/bin/bash
# podman.sh: podman (through conmon) driving $RUNTIME with private --root/--runroot/--tmpdir, a
# private containers.conf (CONTAINERS_CONF), --cgroup-manager cgroupfs, --events-backend file and
# --network none. One line per check, last line `podman: N passed, N failed`.
# See lib.sh for the environment variables.
set -uo pipefail
# shellcheck disable=SC2034  # read by lib.sh
SUITE=podman
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_packages podman:podman conmon:conmon catatonit:catatonit \
  /usr/lib/cni/loopback:containernetworking-plugins script:util-linux jq:jq
archive=$("$CLIENTS_DIR/image.sh") || die "could not build the image archive"
make_private_dir
make_runtime_wrapper

STATE_ROOT=$(runtime_default_root)   # podman passes no --root to the runtime
export CONTAINERS_CONF=$PRIV/containers.conf
sed -e "s|@PRIV@|$PRIV|g" -e "s|@RUNTIME_NAME@|$RUNTIME_NAME|g" -e "s|@RUNTIME@|$RT|g" \
  "$CLIENTS_DIR/containers.conf.in" >"$CONTAINERS_CONF"
mkdir -p "$PRIV/cni"
PM=(--root "$PRIV/storage" --runroot "$PRIV/run" --tmpdir "$PRIV/tmp" --storage-driver overlay
  --runtime "$RT" --cgroup-manager cgroupfs --events-backend file)
p() { timeout -k 5 "$CLIENTS_TIMEOUT" podman "${PM[@]}" "$@"; }
prun() { p run --network none "$@"; }
# The podman command line as one string, for `script -c`.
PCMD="podman$(printf ' %q' "${PM[@]}")"

stop_podman() {
  podman "${PM[@]}" rm -f -a -t 0
  podman "${PM[@]}" system reset -f
  local d
  for d in "$CG_V1"/*/libpod_parent; do
    rmdir "$d/conmon" "$d"
  done
}
at_cleanup stop_podman
p load -q -i "$archive" >/dev/null || die "podman load -i $archive failed"

# Helpers -------------------------------------------------------------------------------------

insp() { p inspect --format "$2" "$1" 2>/dev/null; }
state_is() { [ "$(insp "$1" '{{.State.Status}}')" = "$2" ]; }

# no_leftovers FULLID: neither the runtime's state dir nor any cgroup dir of the container remains.
no_leftovers() {
  local id=$1 d left=()
  [ -n "$id" ] || fail "no container id" || return 1
  [ -e "$STATE_ROOT/$id" ] && left+=("$STATE_ROOT/$id")
  for d in "$CG_V1"/*/libpod_parent/libpod-"$id"; do [ -e "$d" ] && left+=("$d"); done
  [ ${#left[@]} -eq 0 ] && return 0
  fail "left behind: ${left[*]}"
}

remove() { p rm -f -t 0 "$1" >/dev/null 2>&1; }

# host_cgroup_file NAME CTRL FILE: a cgroup file of the container, read on the host side.
host_cgroup_file() {
  local pid path
  pid=$(insp "$1" '{{.State.Pid}}') && [ -n "$pid" ] && [ "$pid" != 0 ] || return 1
  path=$(cgroup_of "$pid" "$2") || return 1
  cat "$CG_V1/$2$path/$3"
}

# wait_ready NAME: the container's command touched /tmp/ready (its signal traps are set).
wait_ready() { wait_for 10 p exec "$1" test -e /tmp/ready; }

# Checks --------------------------------------------------------------------------------------

t_output() { run prun --rm "$IMAGE" echo hello from podman; expect_out "hello from podman"; }
t_exit0() { run prun --rm "$IMAGE" true; expect_rc 0; }
t_exit3() {
  R3=$(new_name x)
  run prun --name "$R3" "$IMAGE" sh -c 'exit 3'
  expect_rc 3
}
t_rm() {
  local id
  id=$(insp "$R3" '{{.Id}}')
  run p rm "$R3"
  expect_rc 0 || return 1
  no_leftovers "$id"
}
t_run_missing() { run prun --rm "$IMAGE" /no/such/program; expect_rc 127; }
t_run_noexec() { run prun --rm "$IMAGE" /etc/passwd; expect_rc 126; }
t_env() { run prun --rm -e FOO=bar "$IMAGE" sh -c 'echo "$FOO"'; expect_out bar; }
t_cwd() { run prun --rm -w /tmp "$IMAGE" pwd; expect_out /tmp; }
t_user() {
  run prun --rm --user 1000:1000 "$IMAGE" sh -c 'echo "$(id -u):$(id -g)"'
  expect_out 1000:1000
}
t_hostname() { run prun --rm --hostname ocrun-host "$IMAGE" hostname; expect_out ocrun-host; }
t_readonly() {
  run prun --rm --read-only "$IMAGE" sh -c 'touch /x 2>/dev/null && echo writable || echo read-only'
  expect_out read-only
}
t_volume() {
  mkdir -p "$PRIV/vol"
  run prun --rm -v "$PRIV/vol:/data" "$IMAGE" sh -c 'echo from-container >/data/f && cat /data/f'
  expect_out from-container || return 1
  [ "$(cat "$PRIV/vol/f" 2>/dev/null)" = from-container ] || fail "$PRIV/vol/f not written"
}
t_volume_ro() {
  run prun --rm -v "$PRIV/vol:/data:ro" "$IMAGE" \
    sh -c 'cat /data/f; echo x 2>/dev/null >/data/g && echo writable || echo read-only'
  expect_out "from-container
read-only"
}
t_tty() {
  run script -qec "$PCMD run --network none --rm -t $IMAGE sh -c '[ -t 0 ] && [ -t 1 ] && tty'" /dev/null
  expect_match '/dev/pts/[0-9]+'
}
t_stdin() {
  OUT=$(echo hi-stdin | prun --rm -i "$IMAGE" cat 2>&1)
  RC=$?
  expect_out hi-stdin
}
t_limits() {
  run prun --rm --memory 64m --cpu-shares 512 --cpus 0.5 --pids-limit 100 "$IMAGE" sh -c '
    cd /sys/fs/cgroup && cat memory/memory.limit_in_bytes cpu/cpu.shares cpu/cpu.cfs_quota_us \
      cpu/cpu.cfs_period_us pids/pids.max | paste -sd " "'
  expect_out "67108864 512 50000 100000 100"
}
# The built-in policy: `podman run` without -m gets the default 1 GiB, swap off (memsw = limit).
t_default_limit() {
  run prun --rm "$IMAGE" sh -c 'cd /sys/fs/cgroup/memory && cat memory.limit_in_bytes memory.memsw.limit_in_bytes | paste -sd " "'
  expect_out "1073741824 1073741824"
}
t_oom() {
  # Only the exit code: conmon 2.1.6 does not notice v1 OOM events on this host, so
  # State.OOMKilled stays false with runc too.
  run prun --rm --memory 32m "$IMAGE" \
    sh -c 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived ${#x}'
  expect_rc 137
}
t_init() {
  run prun --rm --init "$IMAGE" sh -c 'echo "$$ $(tr "\0" " " </proc/1/cmdline)"'
  expect_match '^[0-9]+ /run/podman-init' || return 1
  [ "${OUT%% *}" != 1 ] || fail "the command is pid 1, not the init"
}
t_seccomp() { run prun --rm "$IMAGE" grep Seccomp: /proc/self/status; expect_match 'Seccomp:[[:space:]]+2'; }
t_masked() {
  run prun --rm "$IMAGE" sh -c '
    for f in /proc/kcore /proc/keys /proc/timer_list; do
      printf "%s=%s " $f $(cat $f 2>/dev/null | wc -c); done'
  expect_out "/proc/kcore=0 /proc/keys=0 /proc/timer_list=0"
}
t_version() {
  run p info --format '{{.Host.OCIRuntime.Version}}'
  expect_match 'spec: [0-9]'
}

# The detached container D for exec, top, stats, pause, update and rm -f.
t_detached() {
  D=$(new_name d)
  run prun -d --name "$D" "$IMAGE" sleep 1000
  expect_rc 0 || return 1
  DID=$(printf '%s' "$OUT" | tail -n 1)
  state_is "$D" running || fail "state '$(insp "$D" '{{.State.Status}}')'"
}
t_fds() {
  local pid fds
  pid=$(insp "$D" '{{.State.Pid}}')
  fds=$(ls "/proc/$pid/fd" 2>&1 | sort -n | paste -sd ' ')
  [ "$fds" = "0 1 2" ] || fail "init (pid $pid) has fds: $fds"
}
t_exec_rc() { run p exec "$D" sh -c 'exit 4'; expect_rc 4; }
t_exec_user() { run p exec --user 1000 "$D" id -u; expect_out 1000; }
t_exec_cwd() { run p exec -w /tmp "$D" pwd; expect_out /tmp; }
t_exec_tty() {
  run script -qec "$PCMD exec -t $D sh -c '[ -t 0 ] && tty'" /dev/null
  expect_match '/dev/pts/[0-9]+'
}
t_exec_stdin() {
  OUT=$(echo hi-exec | p exec -i "$D" cat 2>&1)
  RC=$?
  expect_out hi-exec
}
t_exec_missing() { run p exec "$D" /no/such/program; expect_rc 127; }
t_exec_noexec() { run p exec "$D" /etc/passwd; expect_rc 126; }
t_top() { run p top "$D"; expect_match 'sleep 1000'; }
t_ps() { run p ps --format '{{.Names}} {{.Status}}'; expect_match "^$D Up"; }
t_stats() {
  run p stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' "$D"
  expect_match "^$D [0-9.]+[kMG]?i?B / .* 1$"
}
t_pause() {
  run p pause "$D"
  expect_rc 0 || return 1
  state_is "$D" paused || fail "state '$(insp "$D" '{{.State.Status}}')' after pause" || return 1
  local st
  st=$(host_cgroup_file "$D" freezer freezer.state)
  [ "$st" = FROZEN ] || fail "freezer.state is '$st' after pause"
}
t_resume() {
  run p unpause "$D"
  expect_rc 0 || return 1
  state_is "$D" running || fail "state '$(insp "$D" '{{.State.Status}}')' after unpause" || return 1
  local st
  st=$(host_cgroup_file "$D" freezer freezer.state)
  [ "$st" = THAWED ] || fail "freezer.state is '$st' after unpause"
}
t_update() {
  run p update --memory 128m --cpu-shares 256 "$D"
  expect_rc 0 || return 1
  run p exec "$D" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares | paste -sd " "'
  expect_out "134217728 256"
}
t_rm_force() {
  run p rm -f -t 0 "$D"
  expect_rc 0 || return 1
  no_leftovers "$DID"
}

t_stop_term() {
  local n t0 t1 code
  n=$(new_name st)
  run prun -d --name "$n" "$IMAGE" sh -c 'trap "exit 7" TERM; touch /tmp/ready; while :; do sleep 0.1; done'
  expect_rc 0 && wait_ready "$n" || { remove "$n"; fail "container not ready"; return 1; }
  t0=$(date +%s)
  run p stop -t 30 "$n"
  t1=$(date +%s)
  code=$(insp "$n" '{{.State.ExitCode}}')
  remove "$n"
  expect_rc 0 || return 1
  [ "$code" = 7 ] || fail "exit code $code, expected 7 from the TERM trap" || return 1
  [ $((t1 - t0)) -lt 20 ] || fail "stop took $((t1 - t0)) s: SIGTERM not delivered?"
}
t_stop_kill() {
  local n id code
  n=$(new_name sk)
  run prun -d --name "$n" "$IMAGE" sh -c 'trap "" TERM; touch /tmp/ready; while :; do sleep 0.1; done'
  expect_rc 0 && wait_ready "$n" || { remove "$n"; fail "container not ready"; return 1; }
  id=$(insp "$n" '{{.Id}}')
  run p stop -t 1 "$n"
  code=$(insp "$n" '{{.State.ExitCode}}')
  remove "$n"
  expect_rc 0 || return 1
  [ "$code" = 137 ] || fail "exit code $code, expected 137 (SIGKILL)" || return 1
  [ "${CLIENTS_TRACE:-1}" = 0 ] || { grep -q "kill $id 15" "$TRACE" && grep -q "kill $id 9" "$TRACE"; } ||
    fail "expected the runtime calls kill $id 15, then kill $id 9"
}
t_kill_all() {
  local n id procs pid left=()
  n=$(new_name ka)
  run prun -d --pid host --name "$n" "$IMAGE" sh -c 'sleep 1001 & touch /tmp/ready; exec sleep 1002'
  expect_rc 0 && wait_ready "$n" || { remove "$n"; fail "container not ready"; return 1; }
  id=$(insp "$n" '{{.Id}}')
  procs=$(cat "$CG_V1/pids/libpod_parent/libpod-$id/cgroup.procs" 2>/dev/null)
  [ "$(echo "$procs" | wc -w)" -ge 2 ] || { remove "$n"; fail "expected 2 processes, cgroup has: $procs"; return 1; }
  run p stop -t 5 "$n"
  for pid in $procs; do
    wait_for 5 eval "! kill -0 $pid" || left+=("$pid")
  done
  remove "$n"
  expect_rc 0 || return 1
  [ ${#left[@]} -eq 0 ] || fail "still alive after stop: ${left[*]}" || return 1
  [ "${CLIENTS_TRACE:-1}" = 0 ] || grep -q "kill --all $id 15" "$TRACE" ||
    fail "podman never called kill --all $id 15"
}

check "run prints the output" t_output
check "exit code 0" t_exit0
check "exit code 3" t_exit3
check "rm leaves no runtime state or cgroup" t_rm
check "run of a missing program gives 127" t_run_missing
check "run of a non-executable file gives 126" t_run_noexec
check "env" t_env
check "cwd" t_cwd
check "user" t_user
check "hostname" t_hostname
check "read-only rootfs" t_readonly
check "volume" t_volume
check "read-only volume" t_volume_ro
check "tty" t_tty
check "stdin" t_stdin
check "memory, cpu and pids limits in the cgroup" t_limits
check "run without -m: the default 1 GiB limit, swap off" t_default_limit
check "OOM kill gives 137" t_oom
check "--init" t_init
check "seccomp from the default profile" t_seccomp
check "masked paths" t_masked
check "runtime --version in podman info" t_version
check "detached container" t_detached
check "only stdio fds reach the container" t_fds
check "exec exit code" t_exec_rc
check "exec user" t_exec_user
check "exec cwd" t_exec_cwd
check "exec tty" t_exec_tty
check "exec stdin" t_exec_stdin
check "exec of a missing program gives 127" t_exec_missing
check "exec of a non-executable file gives 126" t_exec_noexec
check "top" t_top
check "ps" t_ps
check "stats --no-stream" t_stats
check "pause" t_pause
check "unpause" t_resume
check "update --memory --cpu-shares" t_update
check "rm -f of a running container leaves no state or cgroup" t_rm_force
check "stop with SIGTERM" t_stop_term
check "stop falls back to SIGKILL" t_stop_kill
check "kill --all with --pid host" t_kill_all

suite_summary
