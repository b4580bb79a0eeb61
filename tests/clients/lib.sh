# shellcheck shell=bash disable=SC2034  # variables used by the scripts that source this
# Shared helpers for the client suites (containerd.sh, podman.sh). Source it; needs bash.
# Environment: RUNTIME (default $REPO/ocrun), CLIENTS_TRACE=0 to run the runtime without the
# tracing wrapper, CLIENTS_TIMEOUT (seconds per client command, default 60), CLIENTS_KEEP=1 to keep
# the private directories for debugging.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLIENTS_DIR=$REPO/tests/clients
WORK=${OCRUN_TEST_WORK:-$REPO/tests/.work}/clients
RUNTIME=${RUNTIME:-$REPO/ocrun}
# The suites run from their own scratch directory (make_private_dir): make the path absolute.
case $RUNTIME in
  /*) ;;
  */*) RUNTIME=$PWD/$RUNTIME ;;
  *) RUNTIME=$(command -v "$RUNTIME" || echo "$RUNTIME") ;;
esac
RUNTIME_NAME=$(basename "$RUNTIME")
CLIENTS_TIMEOUT=${CLIENTS_TIMEOUT:-60}
IMAGE=localhost/ocrun-test/busybox:latest
# The same image with USER 1000:1000 and WORKDIR /home/user (ctr run has no --user).
IMAGE_USER=localhost/ocrun-test/busybox-user:latest
IMAGE_ARCHIVE=$WORK/busybox-image.tar
CG_V1=/sys/fs/cgroup

PASSED=0
FAILED=0
SKIPPED=0
SUITE=${SUITE:-clients}
PRIV=          # private temp dir of this suite run (mktemp)
TRACE=         # runtime calls recorded by the tracing wrapper
RT=            # the runtime the clients call (the wrapper or $RUNTIME itself)
OUT=           # output of the last `run`
RC=            # exit code of the last `run`
CLEANUP_CMDS=()

log() { printf '%s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$SUITE" "$*" >&2; exit 1; }

# The default state root of a runtime called without --root (podman does not pass one).
runtime_default_root() {
  if [ -n "${RUNTIME_ROOT:-}" ]; then echo "$RUNTIME_ROOT"; return; fi
  case $RUNTIME_NAME in
    ocrun*) echo /run/ocrun ;;
    crun*) echo /run/crun ;;
    *) echo /run/runc ;;
  esac
}

# make_private_dir: $PRIV, removed at exit (after unmounting anything left under it). The suite
# then runs from $PRIV/cwd, so what a client writes into its working directory (conmon leaves an
# `oom` file there after an OOM kill) goes away with it instead of landing in the caller's cwd.
make_private_dir() {
  PRIV=$(mktemp -d "/tmp/ocrun-$SUITE.XXXXXX") || die "mktemp failed"
  chmod 0755 "$PRIV"
  mkdir "$PRIV/cwd" && cd "$PRIV/cwd" || die "cannot enter $PRIV/cwd"
  TRACE=$PRIV/runtime-trace
  : >"$TRACE"
  trap run_cleanup EXIT
  trap 'exit 130' INT TERM
}

at_cleanup() { CLEANUP_CMDS+=("$*"); }

run_cleanup() {
  local rc=$? i
  set +e
  trap '' INT TERM   # a second signal must not cut the cleanup short
  for ((i = ${#CLEANUP_CMDS[@]} - 1; i >= 0; i--)); do
    eval "${CLEANUP_CMDS[i]}" >/dev/null 2>&1
  done
  if [ -n "$PRIV" ] && [ -d "$PRIV" ]; then
    cd / || true
    unmount_under "$PRIV"
    if [ "${CLIENTS_KEEP:-0}" = 1 ]; then
      log "$SUITE: kept $PRIV"
    elif ! rm -rf --one-file-system "$PRIV" 2>/dev/null; then
      log "$SUITE: could not remove $PRIV (still mounted?)"
    fi
  fi
  exit "$rc"
}

# unmount_under DIR: unmount every mount point at or below DIR, deepest first.
unmount_under() {
  local dir=$1 m tries
  for tries in 1 2 3; do
    local mounts=()
    # mountinfo field 5 is the mount point (octal escapes for spaces; our paths have none).
    while read -r m; do mounts+=("$m"); done < <(
      awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
    [ ${#mounts[@]} -gt 0 ] || return 0
    for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  done
}

# kill_procs_matching TEXT: SIGKILL, by pid, every process whose command line contains TEXT
# (used for the private containerd's shims, whose command line holds our private socket path).
kill_procs_matching() {
  local text=$1 p cmd
  for p in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
    case $cmd in *"$text"*) kill -9 "${p#/proc/}" 2>/dev/null ;; esac
  done
}

# make_runtime_wrapper: $RT, a wrapper with the runtime's own basename (podman's
# runtime_supports_json matches on it) that records every call, its exit code and, on failure,
# the last error message the runtime wrote to its --log file. The runtime stays a child of the
# wrapper only until it exits; the container init is reparented to the client's subreaper as usual.
make_runtime_wrapper() {
  [ -x "$RUNTIME" ] || die "runtime $RUNTIME not found or not executable (make, or set RUNTIME)"
  if [ "${CLIENTS_TRACE:-1}" = 0 ]; then
    RT=$(readlink -f "$RUNTIME")
    return
  fi
  mkdir -p "$PRIV/bin"
  RT=$PRIV/bin/$RUNTIME_NAME
  cat >"$RT" <<EOF
#!/bin/bash
# Tracing wrapper for $RUNTIME (written by tests/clients/lib.sh).
real=$(printf '%q' "$(readlink -f "$RUNTIME")")
trace=$(printf '%q' "$TRACE")
EOF
  cat >>"$RT" <<'EOF'
logf= prev=
for a in "$@"; do
  case $prev in --log) logf=$a ;; esac
  case $a in --log=*) logf=${a#--log=} ;; esac
  prev=$a
done
size=0
[ -n "$logf" ] && [ -f "$logf" ] && size=$(/usr/bin/stat -c %s "$logf" 2>/dev/null || echo 0)
"$real" "$@"
rc=$?
msg=
if [ "$rc" -ne 0 ] && [ -n "$logf" ] && [ -f "$logf" ]; then
  # The last error record this call appended (JSON lines, or text for --log-format text).
  msg=$(/usr/bin/tail -c +"$((size + 1))" "$logf" 2>/dev/null |
    /usr/bin/jq -Rr 'fromjson? // {msg: .} | select(.level == "error" or .level == null) | .msg' 2>/dev/null |
    /usr/bin/tail -n 1)
fi
printf '%s\t%s\t%s\t%s\n' "$rc" "$(/usr/bin/date +%s.%N)" "$*" "$msg" >>"$trace"
exit "$rc"
EOF
  chmod 0755 "$RT"
}

# trace_mark: position in the trace (to report only the runtime calls of one check).
trace_mark() { wc -l <"$TRACE" 2>/dev/null || echo 0; }

# trace_failures SINCE: the runtime calls after line SINCE that failed, one per line.
trace_failures() {
  [ -n "$TRACE" ] && [ -f "$TRACE" ] || return 0
  tail -n +"$(($1 + 1))" "$TRACE" | awk -F'\t' -v rt="$RUNTIME_NAME" \
    '$1 != 0 { m = $4 == "" ? "" : ": " $4; printf "`%s %s` exited %s%s\n", rt, $3, $1, m }'
}

# run CMD...: run a client command (or a function wrapping one with `timeout`), output
# (stdout+stderr) in $OUT, exit code in $RC.
run() {
  OUT=$("$@" 2>&1)
  RC=$?
}

# CHECK_DETAIL: set by a check function to explain its failure (what was expected/seen).
CHECK_DETAIL=

# check NAME FUNC [ARGS...]: run FUNC (a check that returns non-zero on failure) and print
# `ok SUITE: NAME` or `not ok SUITE: NAME: DETAIL`, DETAIL naming the failing runtime calls.
check() {
  local name=$1 mark rc detail fails
  shift
  if [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then return 0; fi
  mark=$(trace_mark)
  CHECK_DETAIL='' OUT='' RC=''
  "$@"
  rc=$?
  if [ "$rc" -eq 0 ]; then
    PASSED=$((PASSED + 1))
    printf 'ok %s: %s\n' "$SUITE" "$name"
    return 0
  fi
  FAILED=$((FAILED + 1))
  fails=$(trace_failures "$mark")
  detail=${CHECK_DETAIL:-"exit $RC"}
  if [ -n "$fails" ]; then
    detail="$detail; runtime: $(printf '%s' "$fails" | paste -sd ';' | sed 's/;/; /g')"
  fi
  # The client's own words when no runtime log message explains the failure.
  if [ -n "$OUT" ] && { [ -z "$fails$CHECK_DETAIL" ] || { [ -n "$fails" ] &&
    printf '%s\n' "$fails" | grep -qv '` exited [0-9]*: '; }; }; then
    detail="$detail; output: $(printf '%s' "$OUT" | tr -d '\r' | tail -n 3 | paste -sd '|')"
  fi
  printf 'not ok %s: %s: %s\n' "$SUITE" "$name" "$detail"
  return 0
}

# skip NAME REASON
skip() {
  SKIPPED=$((SKIPPED + 1))
  printf 'ok %s: %s # skip %s\n' "$SUITE" "$1" "$2"
}

# expect_rc N: the last run exited N.
expect_rc() {
  [ "$RC" = "$1" ] && return 0
  CHECK_DETAIL="expected exit $1, got $RC"
  return 1
}

# expect_out TEXT: the last run exited 0 and its output, trimmed of CRs and surrounding blank
# space, is exactly TEXT.
expect_out() {
  local got
  got=$(printf '%s' "$OUT" | tr -d '\r' | sed -e 's/[[:space:]]*$//')
  if [ "$RC" = 0 ] && [ "$got" = "$1" ]; then return 0; fi
  CHECK_DETAIL="expected exit 0 and output '$1', got exit $RC and '$(printf '%s' "$got" | head -c 300 | paste -sd '|')'"
  return 1
}

# expect_match REGEX: the last run exited 0 and its output matches REGEX (grep -E).
expect_match() {
  if [ "$RC" = 0 ] && printf '%s' "$OUT" | tr -d '\r' | grep -Eq -- "$1"; then return 0; fi
  CHECK_DETAIL="expected exit 0 and output matching /$1/, got exit $RC and '$(printf '%s' "$OUT" | tr -d '\r' | head -c 300 | paste -sd '|')'"
  return 1
}

fail() { CHECK_DETAIL=$*; return 1; }

# wait_for SECONDS CMD...: poll CMD every 0.05 s until it succeeds or SECONDS pass.
WAIT_INTERVAL=0.05
. "$REPO/tests/lib/wait.sh"

# The v1 cgroup path of a process in controller CTRL (hybrid host), e.g. /ocrun-test/c1.
cgroup_of() {
  local pid=$1 ctrl=$2
  awk -F: -v c="$ctrl" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
    "/proc/$pid/cgroup"
}

# A unique container name for this run.
new_name() { printf 'oc%s-%s-%s' "$1" "$$" "$RANDOM"; }

# suite_summary: the last line of a suite; exit status follows.
. "$REPO/tests/lib/summary.sh"
suite_summary() {
  summary_print "$SUITE" "$PASSED" "$FAILED"
  [ "$FAILED" -eq 0 ]
}

# Check that the host tools exist; install Debian packages when missing.
ensure_packages() {
  local missing=() cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "$SUITE: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; } ||
    die "could not install ${missing[*]}"
}
