# Helpers for the integration suite (bats). Load with: load ../lib/common
# Every test gets its own bundle, state root, container id and cgroup (/ocrun-test/<id>);
# teardown removes all of it even when the test or the runtime failed.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
LIB=$REPO/tests/lib
RUNTIME=${RUNTIME:-$REPO/ocrun}
# Tests cd into their bundle: make the runtime path absolute.
case $RUNTIME in
  /*) ;;
  */*) RUNTIME=$PWD/$RUNTIME ;;
  *) RUNTIME=$(command -v "$RUNTIME" || echo "$RUNTIME") ;;
esac
RUNTIME_NAME=$(basename "$RUNTIME")
# Every runtime call is bounded so a hung runtime fails one test instead of the suite.
RUNTIME_TIMEOUT=${RUNTIME_TIMEOUT:-30}
# Debian's python3 starts faster than a pyenv shim.
if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi

bats_require_minimum_version 1.5.0

is_runc() { [ "$RUNTIME_NAME" = runc ]; }
is_ocrun() { [[ "$RUNTIME_NAME" == ocrun* ]]; }
# ocrun-only behaviour (features runc 1.1.5 lacks or does differently).
requires_ocrun() { is_ocrun || skip "ocrun-only: ${1:-not supported by $RUNTIME_NAME}"; }

# Setup-time state; filled by setup_bundle.
ID=
ROOT=
BUNDLE=
CONTAINERS=()
CGROUPS=()
NETNS=()
BG_PIDS=()
TEARDOWN_CMDS=()

# setup_bundle [ARGS...]: fresh bundle in $BUNDLE running ARGS, id $ID, state root $ROOT.
setup_bundle() {
  ID=$(new_id)
  ROOT=$BATS_TEST_TMPDIR/state
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  # Mark every process we start (runtime and container) so teardown can find leftovers;
  # OCRUN_TEST_RUN_TAG (tests/security/prove.sh) lets a caller find those of its whole run.
  MARK=ocrun-test-${OCRUN_TEST_RUN_TAG:+$OCRUN_TEST_RUN_TAG-}$ID
  CGROUP_NAME=$ID "$LIB/make-bundle.sh" "$BUNDLE" "$@"
  update_config '.process.env += ["OCRUN_TEST_MARK=" + $m]' --arg m "$MARK"
  CONTAINERS+=("$ID")
  CGROUPS+=("/ocrun-test/$ID")
  cd "$BUNDLE" || return 1
}

# Let other uids (a user namespace's root) reach the bundle: bats' temp dirs are 0700.
make_bundle_traversable() {
  local d=$BUNDLE
  while [[ "$d" == "$BATS_RUN_TMPDIR"* ]]; do
    chmod o+x "$d" || return 1
    d=$(dirname "$d")
  done
}

# A fresh unique container id (also used as its cgroup name).
new_id() {
  printf 't%s-%s%s\n' "${BATS_SUITE_TEST_NUMBER:-0}" "$$" "$RANDOM"
}

# runtime ARGS...: $RUNTIME --root $ROOT ARGS with stdin from /dev/null and bats' fd 3 closed.
runtime() {
  OCRUN_TEST_MARK=$MARK timeout -k 5 "$RUNTIME_TIMEOUT" \
    "$RUNTIME" --root "$ROOT" "$@" </dev/null 3>&-
}

# run_runtime_via_files [--separate-stderr] ARGS...: `run [--separate-stderr] runtime ARGS`, but
# the output goes through files. For a create (or run --detach) that may succeed: the container's
# init inherits the runtime's stdout, and with `run`'s pipe it would hold the test until it dies.
# Sets status, output and lines (and stderr with --separate-stderr) as `run` does.
run_runtime_via_files() {
  local out=$BATS_TEST_TMPDIR/runtime.out err=$BATS_TEST_TMPDIR/runtime.err
  status=0
  if [ "${1:-}" = --separate-stderr ]; then
    shift
    runtime "$@" >"$out" 2>"$err" || status=$?
    stderr=$(cat "$err")
    stderr_lines=()
    [ -z "$stderr" ] || mapfile -t stderr_lines <<<"$stderr"
  else
    runtime "$@" >"$out" 2>&1 || status=$?
  fi
  output=$(cat "$out")
  lines=()
  [ -z "$output" ] || mapfile -t lines <<<"$output"
  return 0
}

# Same, but with an extra inheritable fd 3 (as containerd's shim leaves its socket open).
runtime_fd3() {
  OCRUN_TEST_MARK=$MARK timeout -k 5 "$RUNTIME_TIMEOUT" \
    "$RUNTIME" --root "$ROOT" "$@" </dev/null 3</dev/null
}

# Track another container id (and its cgroup /ocrun-test/<id>) for teardown.
track_container() {
  CONTAINERS+=("$1")
  CGROUPS+=("/ocrun-test/$1")
}

# update_config JQ_EXPR [JQ_ARGS...]: edit $BUNDLE/config.json in place.
update_config() {
  local expr=$1
  shift
  jq "$@" "$expr" "$BUNDLE/config.json" > "$BUNDLE/config.json.new" &&
    mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_args ARGS...: the container's process.args.
set_args() {
  jq '.process.args = $ARGS.positional' --args -- "$@" < "$BUNDLE/config.json" \
    > "$BUNDLE/config.json.new" && mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# Detached containers keep their stdio: point it at files so no bats pipe is held open.
# create_container [ID] [FLAGS...]: create; the runtime's and then the container's stdout and
# stderr go to $BATS_TEST_TMPDIR/<id>.out
create_container() {
  local id=${1:-$ID}
  [ $# -gt 0 ] && shift
  [[ " ${CONTAINERS[*]} " == *" $id "* ]] || track_container "$id"
  runtime create --bundle "$BUNDLE" "$@" "$id" >"$BATS_TEST_TMPDIR/$id.out" 2>&1 ||
    { local rc=$?; cat "$BATS_TEST_TMPDIR/$id.out" >&2; return $rc; }
}

# run_detached [ID] [FLAGS...]: run --detach, same output files as create_container.
run_detached() {
  local id=${1:-$ID}
  [ $# -gt 0 ] && shift
  [[ " ${CONTAINERS[*]} " == *" $id "* ]] || track_container "$id"
  runtime run --detach --bundle "$BUNDLE" "$@" "$id" >"$BATS_TEST_TMPDIR/$id.out" 2>&1 ||
    { local rc=$?; cat "$BATS_TEST_TMPDIR/$id.out" >&2; return $rc; }
}

# The container's output so far (detached/created containers).
container_output() { cat "$BATS_TEST_TMPDIR/${1:-$ID}.out"; }

# status_of ID: the status field of `state`, or "gone".
status_of() {
  local out
  out=$(runtime state "$1" 2>/dev/null) || { echo gone; return 0; }
  jq -r .status <<<"$out"
}

# pid_of ID: the pid field of `state`.
pid_of() {
  runtime state "$1" | jq -r .pid
}

# wait_for SECONDS CMD...: poll CMD until it succeeds; fail after the timeout (tests/lib/wait.sh).
. "$LIB/wait.sh"

_status_is() { [ "$(status_of "$1")" = "$2" ]; }
# wait_for_status ID STATUS [TIMEOUT]: poll `state` until the status is STATUS.
wait_for_status() {
  wait_for "${3:-10}" _status_is "$1" "$2" ||
    { echo "container $1: status $(status_of "$1"), wanted $2" >&2; return 1; }
}

_file_has() { [ -s "$1" ] && { [ -z "$2" ] || grep -q -- "$2" "$1"; }; }
# wait_for_file FILE [PATTERN] [TIMEOUT]: until FILE is non-empty (and contains PATTERN).
wait_for_file() {
  wait_for "${3:-10}" _file_has "$1" "${2:-}"
}

# A command that keeps the container's init alive until SIGTERM (pid 1 ignores signals it
# has no handler for).
SLEEPER=(sh -c 'trap "exit 0" TERM; echo ready; sleep 1000 & wait')

# start_sleeper [ID] [FLAGS...]: run_detached, then wait until the container printed "ready"
# (SLEEPER does, once its trap is set); PID is then the pid of its init.
start_sleeper() {
  local id=${1:-$ID}
  run_detached "$@" || return
  wait_for_file "$BATS_TEST_TMPDIR/$id.out" ready || return
  PID=$(pid_of "$id") && [ "$PID" -gt 0 ]
}

# Assertions with a readable failure message.
assert_success() {
  if [ "$status" -ne 0 ]; then
    echo "expected success, got status $status; output:" >&2
    printf '%s\n' "$output" >&2
    return 1
  fi
}
assert_failure() {
  if [ "$status" -eq 0 ]; then
    echo "expected failure, got status 0; output:" >&2
    printf '%s\n' "$output" >&2
    return 1
  fi
}
# assert_output_contains STRING (fixed string, case-insensitive with -i)
assert_output_contains() {
  local flags=-qF
  if [ "$1" = -i ]; then flags=-qiF; shift; fi
  if ! grep $flags -- "$1" <<<"$output"; then
    echo "output does not contain '$1':" >&2
    printf '%s\n' "$output" >&2
    return 1
  fi
}
assert_output_matches() {
  if ! grep -qiE -- "$1" <<<"$output"; then
    echo "output does not match /$1/:" >&2
    printf '%s\n' "$output" >&2
    return 1
  fi
}
# refute CMD...: fail when CMD succeeds. A bare `! CMD` cannot do this in a test: bats runs tests
# under set -e, which ignores negated commands (tests/lint/bats_bang.py rejects them).
refute() {
  if "$@"; then
    echo "expected to fail, but it succeeded: $*" >&2
    [ -z "${output:-}" ] || printf 'output:\n%s\n' "$output" >&2
    return 1
  fi
  return 0
}
assert_equal() {
  if [ "$1" != "$2" ]; then
    echo "expected '$2', got '$1'" >&2
    return 1
  fi
}

# assert_nothing_left [ID]: nothing of container ID is left: no state dir, no cgroup
# /ocrun-test/ID in any hierarchy, no entry in the test's ledger ($LEDGER, when the test has one).
# Without ID, nothing of the whole test (container $ID): the state root holds nothing at all, no
# cgroup, no process carrying the test's mark, no mount under its temp dir, no ledger entry.
assert_nothing_left() {
  local id=${1:-$ID} left
  if [ $# -gt 0 ]; then
    [ ! -e "$ROOT/$id" ] || { echo "state dir $ROOT/$id left behind" >&2; return 1; }
  elif [ -d "$ROOT" ] && [ -n "$(ls -A "$ROOT")" ]; then
    echo "left behind in $ROOT: $(ls -A "$ROOT")" >&2
    return 1
  fi
  left=$(cgroup_dirs "/ocrun-test/$id")
  [ -z "$left" ] || { echo "cgroup left behind: $left" >&2; return 1; }
  if [ -n "${LEDGER:-}" ] && ledger_doc | jq -e --arg id "$id" 'any(.entries[]; .id == $id)' >/dev/null; then
    echo "ledger still holds $id" >&2
    return 1
  fi
  [ $# -eq 0 ] || return 0
  left=$(grep -lsazxF "OCRUN_TEST_MARK=$MARK" /proc/[0-9]*/environ 2>/dev/null || true)
  [ -z "$left" ] || { echo "processes left behind: $left" >&2; return 1; }
  if grep -qF "$BATS_TEST_TMPDIR" /proc/self/mountinfo; then
    echo "mount left behind:" >&2
    grep -F "$BATS_TEST_TMPDIR" /proc/self/mountinfo >&2
    return 1
  fi
}

# A /proc/<pid>/status field (e.g. CapEff) from $output.
status_field() {
  awk -v f="$1:" '$1 == f { print $2 }' <<<"$output"
}

# Host paths of the cgroup dirs of cgroupsPath $1 in every mounted hierarchy that has it.
cgroup_dirs() {
  local d
  for d in /sys/fs/cgroup/*/"${1#/}"; do
    [ -d "$d" ] && echo "$d"
  done
  return 0
}

# A background helper process that teardown will kill (by PID).
track_bg() { BG_PIDS+=("$1"); }
# A command teardown runs (after containers are gone).
on_teardown() { TEARDOWN_CMDS+=("$1"); }

# start_recvtty [--input TEXT]: a console-socket receiver (tests/lib/recvtty.py) in the
# background; sets CONSOLE_SOCKET and TTY_OUT (what the container wrote to its terminal).
start_recvtty() {
  local n=${#BG_PIDS[@]}
  CONSOLE_SOCKET=$BATS_TEST_TMPDIR/tty$n.sock
  TTY_OUT=$BATS_TEST_TMPDIR/tty$n.out
  "$PYTHON" "$LIB/recvtty.py" "$CONSOLE_SOCKET" "$TTY_OUT" "$@" \
    </dev/null >"$BATS_TEST_TMPDIR/recvtty$n.log" 2>&1 3>&- &
  RECVTTY_PID=$!
  track_bg "$RECVTTY_PID"
  wait_for 10 test -S "$CONSOLE_SOCKET"
}

# Wait until the receiver saw the terminal closed; TTY_OUT then holds all output (no CRs).
wait_recvtty() {
  wait_for "${1:-10}" _gone "$RECVTTY_PID"
  tr -d '\r' < "$TTY_OUT"
}
_gone() { ! kill -0 "$1" 2>/dev/null; }

# Named network namespace removed in teardown.
add_netns() {
  ip netns add "$1" && NETNS+=("$1")
}

# Pids that belong to this test: the state/pid files, our cgroups, and processes carrying our
# mark in their environment. Never anything else.
_our_pids() {
  local f p cg d
  for f in "$BATS_TEST_TMPDIR"/*.pid "$BUNDLE"/*.pid; do
    [ -f "$f" ] && p=$(tr -dc 0-9 <"$f") && [ -n "$p" ] && _is_ours "$p" && echo "$p"
  done
  for cg in "${CGROUPS[@]}"; do
    for d in $(cgroup_dirs "$cg"); do
      find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null
    done
  done
  [ -n "${MARK:-}" ] &&
    grep -lsazxF "OCRUN_TEST_MARK=$MARK" /proc/[0-9]*/environ 2>/dev/null |
    sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p'
  return 0
}

# A pid from a file is only ours if it still carries our mark or sits in one of our cgroups.
_is_ours() {
  local p=$1 cg
  [ -n "${MARK:-}" ] && grep -qsazxF "OCRUN_TEST_MARK=$MARK" "/proc/$p/environ" && return 0
  for cg in "${CGROUPS[@]}"; do
    grep -qsE ":${cg}(/|\$)" "/proc/$p/cgroup" && return 0
  done
  return 1
}

_kill_leftovers() {
  local p pids i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    pids=$(_our_pids | sort -un | grep -vx -e "$$" -e "$BASHPID")
    [ -z "$pids" ] && return 0
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
    sleep 0.1
  done
}

# Remove our cgroup dirs, deepest first. Only /sys/fs/cgroup/*/<our cgroupsPath>.
_remove_cgroups() {
  local cg d i
  for cg in "${CGROUPS[@]}"; do
    [[ "$cg" == /ocrun?* && "$cg" != *..* ]] || continue
    for d in $(cgroup_dirs "$cg"); do
      for i in 1 2 3 4 5 6 7 8 9 10; do
        find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
        [ -d "$d" ] || break
        sleep 0.1
      done
    done
  done
  # The shared parents go too once no other test's cgroup is in them (rmdir refuses otherwise).
  local p
  for p in /sys/fs/cgroup/*/ocrun-test; do [ -d "$p" ] && rmdir "$p" 2>/dev/null; done
  return 0
}

# Unmount anything a failing runtime may have left under our temp dir (deepest first).
_unmount_leftovers() {
  local m
  awk -v t="$BATS_TEST_TMPDIR" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
}

cleanup_test() {
  local id cmd p
  for p in "${BG_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  if [ -n "$ROOT" ]; then
    local ids=("${CONTAINERS[@]}")
    if [ -d "$ROOT" ]; then
      for id in "$ROOT"/*; do [ -d "$id" ] && ids+=("$(basename "$id")"); done
    fi
    for id in $(printf '%s\n' "${ids[@]}" | sort -u); do
      [ -n "$id" ] && runtime delete --force "$id" >/dev/null 2>&1
    done
  fi
  _kill_leftovers
  for cmd in "${TEARDOWN_CMDS[@]}"; do eval "$cmd" >/dev/null 2>&1; done
  _remove_cgroups
  for p in "${NETNS[@]}"; do ip netns delete "$p" 2>/dev/null; done
  _unmount_leftovers
  [ -n "$ROOT" ] && rm -rf --one-file-system "$ROOT"
  [ -n "$BUNDLE" ] && rm -rf --one-file-system "$BUNDLE"
  return 0
}

teardown() {
  cleanup_test
}

# fake_node: the overcommit tests' own node and ledger: a ledger in the test's temp dir (the
# host's is never touched), a node of 8 CPUs and 20992 MB (20 GiB of capacity once the default
# 512 MB reserve is taken off), no policy file but $POLICY if a test writes one.
fake_node() {
  export OCRUN_LEDGER_DIR=$BATS_TEST_TMPDIR/ledger
  export OCRUN_HOST_MEMORY_MB=20992 OCRUN_HOST_CPUS=8
  unset OCRUN_POLICY
  POLICY=$BATS_TEST_TMPDIR/policy.json
  LEDGER=$OCRUN_LEDGER_DIR
  on_teardown "rm -rf -- '$OCRUN_LEDGER_DIR'"
}

# ledger_doc [DIR]: the ledger in DIR (default $LEDGER) as one document {"entries": [...]} for jq;
# it keeps one file per container in DIR/entries (overcommit/ledger_store.h).
ledger_doc() {
  cat "${1:-$LEDGER}"/entries/* 2>/dev/null | jq -s '{entries: .}'
}
