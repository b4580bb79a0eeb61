#!/bin/bash
# run.sh: boot a pure cgroup v2 QEMU guest (TCG) and run tests/guest/cases/*.sh inside it with
# the runtime under test installed as `ocrun`. Prints one line per check and ends with
# "guest: N passed, N failed". A guest that cannot run at all prints a skip line saying why.
# Environment:
#   RUNTIME        runtime binary to test (default ./ocrun.static; "runc" = Debian's runc,
#                  copied with its shared libraries)
#   GUEST_TIMEOUT  overall limit in seconds (default 300, or GUEST_CASE_TIMEOUT + 120 when that is
#                  more); QEMU is killed by PID past it
#   GUEST_CASES    space-separated case names (e.g. "20-cpu-weight") to run only those; a name
#                  with a slash is a script path (tests/bench/guest-scenarios.sh)
#   GUEST_CASE_TIMEOUT  limit per case inside the guest in seconds (default 90)
#   GUEST_MEM_MB   the guest's memory (default 1024; the bench's burst of 50 runc needs ~4096)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${OCRUN_GUEST_WORK:-$top/tests/.work/guest}
# One long case (a benchmark) must not be cut by the overall limit before its own.
timeout_default=$(( ${GUEST_CASE_TIMEOUT:-90} + 120 > 300 ? ${GUEST_CASE_TIMEOUT:-90} + 120 : 300 ))
timeout=${GUEST_TIMEOUT:-$timeout_default}
runtime=${RUNTIME:-$top/ocrun.static}
qemu=${QEMU:-qemu-system-x86_64}
qpid=""
. "$top/tests/lib/summary.sh"
. "$top/tests/lib/guest-qemu.sh"

skip() {
  echo "skip guest: $*"
  summary_print guest 0 0
  exit 0
}
# broken MESSAGE: the suite cannot run (one failure).
broken() {
  echo "not ok guest: $*"
  summary_print guest 0 1
  exit 1
}

command -v "$qemu" >/dev/null || skip "$qemu not installed (apt-get install qemu-system-x86)"
prep_err=$(GUEST_QUIET=1 "$here/prepare.sh" 2>&1 >/dev/null) || skip "${prep_err:-prepare.sh failed}"

case $runtime in
  */*) ;;
  *) runtime=$(command -v "$runtime") || broken "runtime ${RUNTIME} not found" ;;
esac
[ -x "$runtime" ] || broken "runtime $runtime missing (make static)"

# One guest at a time on this machine.
mkdir -p "$work"
exec 8>"$work/.run.lock"
flock 8

# This run's files live in a private directory (the logs are copied to $work/last-run at the end).
run=$(mktemp -d /tmp/ocrun-guest.XXXXXX) || broken "mktemp failed"
mkdir -p "$run/payload/usr/local/bin" "$run/payload/tests/cases"
cp "$here/init" "$run/payload/init"
chmod 755 "$run/payload/init"
cp "$runtime" "$run/payload/usr/local/bin/ocrun"
# The --console-socket end of 98-checkpoint-tty (the guest has no python for tests/lib/recvtty.py).
"${CC:-cc}" -std=gnu11 -O2 -Wall -Wextra -Werror -static -o "$run/payload/usr/local/bin/ocrun-recvtty" \
  "$here/recvtty.c" || { rm -rf "$run"; broken "cannot build tests/guest/recvtty.c statically"; }
# with_libs BINARY: bring a dynamic binary's shared libraries along at the same paths.
with_libs() {
  file -L "$1" | grep -q 'dynamically linked' || return 0
  for lib in $(ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
    mkdir -p "$run/payload$(dirname "$lib")"
    cp -L "$lib" "$run/payload$lib"
  done
}
with_libs "$runtime" # a dynamic stand-in (runc)
cp "$here/lib.sh" "$run/payload/tests/lib.sh"
cp "$top/tests/lib/wait.sh" "$run/payload/tests/wait.sh"
if [ -n "${GUEST_CASES:-}" ]; then
  # A name with a slash is a script's path (tests/bench/guest-scenarios.sh).
  for c in $GUEST_CASES; do
    case $c in */*) cp "$c" "$run/payload/tests/cases/" ;; *) cp "$here/cases/${c%.sh}.sh" "$run/payload/tests/cases/" ;; esac
  done
else
  cp "$here"/cases/*.sh "$run/payload/tests/cases/"
fi
# A case that needs a host program says so in a line "# needs: PROG..." (96-checkpoint: criu);
# each one found on the host comes along at its own path, with its libraries.
for prog in $(sed -n 's/^# needs: //p' "$run/payload/tests/cases/"*.sh 2>/dev/null | tr ' ' '\n' | sort -u); do
  path=$(command -v "$prog") || { echo "# guest: $prog not on this host (a case that needs it skips)"; continue; }
  mkdir -p "$run/payload$(dirname "$path")"
  cp -L "$path" "$run/payload$path"
  with_libs "$path"
done
# podman's default seccomp profile in OCI form for tests/bench/guest-scenarios.sh (the guest has
# no jq): converted as tests/bench/scenarios.sh does, for the bounding set of lib.sh's mkbundle.
seccomp_src=/usr/share/containers/seccomp.json
if [ -r "$seccomp_src" ] && command -v jq >/dev/null; then
  caps=$(sed -n 's/.*"bounding": \(\[.*\]\),*$/\1/p' "$here/lib.sh")
  jq -c --argjson caps "$caps" --argjson drop '[]' --argjson eperm false \
    -f "$top/tests/lib/podman-seccomp.jq" "$seccomp_src" > "$run/payload/tests/podman-seccomp.json" ||
    rm -f "$run/payload/tests/podman-seccomp.json"
fi
printf 'RUNTIME_NAME=%s\nCASE_TIMEOUT=%s\nexport RUNTIME_NAME\n' "$(basename "$runtime")" \
  "${GUEST_CASE_TIMEOUT:-90}" > "$run/payload/tests/env"
(cd "$run/payload" && find . -print0 | cpio --null -o -H newc --quiet) > "$run/payload.cpio" ||
  broken "cpio of the payload failed"
cat "$work/base.cpio" "$run/payload.cpio" > "$run/initrd.cpio"
cp "$work/vmlinux" "$run/vmlinux"
rm -rf "$run/payload" "$run/payload.cpio"

: > "$run/results.log"
: > "$run/console.log"
kill_qemu() {
  [ -n "$qpid" ] || return 0
  kill "$qpid" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$qpid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$qpid" 2>/dev/null
  wait "$qpid" 2>/dev/null
  qpid=""
}
finish() {
  kill_qemu
  # Keep the logs of the last run for inspection, drop the private directory.
  mkdir -p "$work/last-run" 2>/dev/null && cp "$run"/*.log "$work/last-run/" 2>/dev/null
  rm -rf "$run"
}
trap 'finish; exit 130' INT TERM
trap finish EXIT

start=$(date +%s.%N)
QEMU=$qemu guest_qemu_cmd tcg 2 "${GUEST_MEM_MB:-1024}" "$run/vmlinux" "$run/initrd.cpio"
"${GUEST_QEMU[@]}" \
  -chardev file,id=con,path="$run/console.log" -serial chardev:con \
  -chardev file,id=res,path="$run/results.log" -device virtserialport,chardev=res,name=results \
  </dev/null >"$run/qemu.log" 2>&1 &
qpid=$!

# Print complete result lines as they arrive; stop when QEMU exits or time runs out.
printed=0
timed_out=0
show_new() {
  local n
  n=$(wc -l < "$run/results.log")
  if [ "$n" -gt "$printed" ]; then
    sed -n "$((printed + 1)),${n}p" "$run/results.log"
    printed=$n
  fi
}
while kill -0 "$qpid" 2>/dev/null; do
  show_new
  if [ "$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { print (n - s > 0 + '"$timeout"') }')" = 1 ]; then
    timed_out=1
    kill_qemu
    break
  fi
  sleep 0.5
done
wait "$qpid" 2>/dev/null
qrc=$?
qpid=""
show_new
elapsed=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')

tap_count "$run/results.log"
passed=$TAP_PASSED failed=$TAP_FAILED
if ! grep -q '^# guest-done' "$run/results.log"; then
  if [ "$timed_out" = 1 ]; then
    echo "not ok guest: timed out after ${timeout}s (QEMU killed; see $work/last-run/console.log)"
  elif [ "$qrc" -ne 0 ] && ! grep -q '^# init up' "$run/results.log"; then
    skip "QEMU could not run (status $qrc): $(head -n 1 "$run/qemu.log" | grep . || echo 'no output')"
  else
    echo "not ok guest: guest stopped before finishing (see $work/last-run/console.log)"
  fi
  failed=$((failed + 1))
fi
boot=$(sed -n 's/^# init up at \([0-9.]*\) s.*/\1/p' "$run/results.log")
echo "# guest: /init reached after ${boot:-?} s of guest time; total ${elapsed} s wall (logs in $work/last-run)"
summary_print guest "$passed" "$failed" "$TAP_SKIPPED"
[ "$failed" -eq 0 ]
