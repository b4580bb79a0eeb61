# 98-checkpoint-tty: checkpoint and restore of a container with a terminal (process.terminal).
# The container counts, and answers each line typed at its terminal with "echo:LINE:$(tty)".
# 1. `ocrun run` in the foreground relays its pty (a FIFO in, a file out); it is checkpointed
#    (the run ends).
# 2. `restore -d --console-socket`: the master of the new pty ocrun gives the container goes
#    to ocrun-recvtty (tests/guest/recvtty.c); the counter goes on, a line typed there is
#    answered, the init has the pty as controlling terminal again. Checkpointed again.
# 3. `restore` in the foreground relays the new pty itself: the same checks, and a kill ends the
#    restore with 137 and removes the container.
# needs: criu tar ip
. /tests/lib.sh

criu_ready || exit 0

export OCRUN_LEDGER_DIR=/tmp/98-ledger
OUT=/run/98-out
IMG=/run/98-img
WORK=/run/98-work
T=/run/98-tty
mkdir -p "$OUT" "$T" "$WORK"
mount -t tmpfs -o size=1m tmpfs "$OUT" && mount --make-private "$OUT"
LOOP='["sh", "-c", "i=0; while :; do i=$((i + 1)); echo $i > /out/counter; if read -t 1 l; then echo \"echo:$l:$(tty)\"; fi; done"]'
BIND="{ \"destination\": \"/out\", \"type\": \"bind\", \"source\": \"$OUT\", \"options\": [ \"rbind\", \"rw\" ] }"
bg_pid="" # the background process of the current phase (run, recvtty, restore)

counter() { cat "$OUT/counter" 2>/dev/null; }
counter_differs() { _c=$(counter); [ -n "$_c" ] && [ "$_c" != "$1" ]; }
counter_above() { _c=$(counter); [ -n "$_c" ] && [ "$_c" -gt "$1" ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
answered() { grep -q "echo:$1:" "$2" 2>/dev/null; }
cleanup_more() {
  exec 7>&-
  ocrun delete -f ckt >/dev/null 2>&1
  if [ -n "$bg_pid" ]; then kill "$bg_pid" 2>/dev/null; wait "$bg_pid" 2>/dev/null; fi
  umount "$OUT" 2>/dev/null
  rm -rf "$OUT" "$IMG" "$IMG-2" "$WORK" "$T" "$OCRUN_LEDGER_DIR"
}
# typed NAME WORD OUTFILE: WORD written to fd 7 comes back answered in OUTFILE.
typed() {
  echo "$2" >&7
  if wait_for 20 answered "$2" "$3"; then
    pass "$1"
    echo "$1: $(grep -m1 "echo:$2" "$3" | tr -d '\r')" >&2
  else
    fail "$1" "no echo:$2 in the terminal's output: $(tail -c 200 "$3" | tr -d '\r')"
  fi
}
# checkpoint NAME IMAGES: the dump, and the end of the phase's background process.
checkpoint() {
  if ocrun checkpoint --image-path "$2" --work-path "$WORK" ckt >"/tmp/98-$1.log" 2>&1; then
    pass "$1-exit-0"
  else
    fail "$1-exit-0" "$(tail -n 2 "/tmp/98-$1.log")"
    grep -B3 Error "$WORK/dump.log" | tail -n 20 >&2
    return 1
  fi
  if wait_for 20 gone "$bg_pid"; then pass "$1-terminal-closed"; else fail "$1-terminal-closed" "pid $bg_pid still running"; fi
  wait "$bg_pid" 2>/dev/null
  bg_pid=""
  exec 7>&-
  AT_DUMP=$(counter)
}
# restored NAME: running, the counter goes on from AT_DUMP, the init has a controlling terminal.
restored() {
  if ! wait_for 30 is_status ckt running; then
    fail "$1-running" "status '$(status ckt)': $(tail -n 2 "$T/out-$1")"
    grep -B3 Error "$WORK/restore.log" | tail -n 20 >&2
    return 1
  fi
  pass "$1-running"
  wait_for 20 counter_differs "$AT_DUMP"
  _next=$(counter)
  if [ -n "$AT_DUMP" ] && [ "${_next:-0}" -gt "$AT_DUMP" ]; then
    pass "$1-counter-continues"
  else
    fail "$1-counter-continues" "at dump '$AT_DUMP', first value after restore '$_next'"
  fi
  # Field 7 of /proc/PID/stat: the controlling terminal (0: none).
  _pid=$(init_pid ckt)
  _ctty=$(awk '{ print $7 }' "/proc/$_pid/stat" 2>/dev/null)
  if [ -n "$_ctty" ] && [ "$_ctty" != 0 ]; then
    pass "$1-ctty"
  else
    fail "$1-ctty" "restored init $_pid has no controlling terminal (tty_nr '$_ctty')"
  fi
}

b=$(mkbundle ckt "$CGBASE/ckt" "$LOOP" "" "$BIND")
sed -i 's/"terminal": false/"terminal": true/' "$b/config.json"
mkdir -p /bundle/rootfs/out
_containers="$_containers ckt"
mkfifo "$T/in-run" "$T/in-cs" "$T/in-fg"

# ---- 1. the container in the foreground, its pty relayed by `ocrun run` ----
exec 7<>"$T/in-run"
ocrun run --keep --bundle "$b" ckt <"$T/in-run" >"$T/out-run" 2>&1 &
bg_pid=$!
if ! wait_for 30 counter_above 1; then
  fail tty-setup "the terminal container did not start: $(tail -n 3 "$T/out-run")"
  cleanup_more
  exit 0
fi
typed run-answers one "$T/out-run"
checkpoint checkpoint "$IMG" || { cleanup_more; exit 0; }

# ---- 2. restore -d, the new pty's master to a console socket ----
exec 7<>"$T/in-cs"
ocrun-recvtty "$T/console.sock" <"$T/in-cs" >"$T/out-cs" 2>&1 &
bg_pid=$!
wait_for 10 test -S "$T/console.sock" || fail console-socket "ocrun-recvtty did not listen: $(cat "$T/out-cs")"
if ocrun restore -d --console-socket "$T/console.sock" --image-path "$IMG" --work-path "$WORK" --bundle "$b" ckt \
     >"$T/out-cs-restore" 2>&1; then
  pass console-socket-restore-exit-0
else
  fail console-socket-restore-exit-0 "$(tail -n 2 "$T/out-cs-restore")"
  grep -B3 Error "$WORK/restore.log" | tail -n 20 >&2
  cleanup_more
  exit 0
fi
restored console-socket || { cleanup_more; exit 0; }
typed console-socket-answers two "$T/out-cs"
checkpoint checkpoint-again "$IMG-2" || { cleanup_more; exit 0; }

# ---- 3. restore in the foreground: ocrun relays the new pty ----
exec 7<>"$T/in-fg"
ocrun restore --image-path "$IMG-2" --work-path "$WORK" --bundle "$b" ckt <"$T/in-fg" >"$T/out-fg" 2>&1 &
bg_pid=$!
restored fg || { cleanup_more; exit 0; }
typed fg-answers three "$T/out-fg"
ocrun kill ckt KILL >/dev/null 2>&1
wait_for 20 gone "$bg_pid"
wait "$bg_pid"
expect_eq fg-exit-status 137 "$?"
bg_pid=""
if ocrun state ckt >/dev/null 2>&1; then fail fg-deleted "ckt still exists"; else pass fg-deleted; fi
cleanup_more
