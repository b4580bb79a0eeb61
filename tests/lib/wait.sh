# shellcheck shell=sh
# wait.sh: the one wait_for of the test suites, sourced by tests/lib/common.bash (bats),
# tests/clients/lib.sh and tests/guest/lib.sh (copied into the guest as /tests/wait.sh).
# POSIX sh: runs in bash and in busybox sh.

# wait_for SECONDS CMD...: run CMD (its output discarded) every $WAIT_INTERVAL seconds (default
# 0.02) until it succeeds. After SECONDS (at most one more), say so on stderr and return 1.
wait_for() {
  local limit end
  limit=$1
  shift
  end=$(($(date +%s) + limit))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -gt "$end" ]; then
      echo "timed out after ${limit}s waiting for: $*" >&2
      return 1
    fi
    sleep "${WAIT_INTERVAL:-0.02}"
  done
}
