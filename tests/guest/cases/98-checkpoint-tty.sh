# 98-checkpoint-tty: checkpoint and restore of a container with a terminal (process.terminal).
# `ocrun run` in the foreground relays the container's pty to its stdio (a FIFO in, a file out);
# the container counts, and answers each line typed at it with "echo:LINE:$(tty)". It is
# checkpointed (the run ends), then restored in the foreground, where ocrun relays the new pty
# it gave the container: the counter goes on, a line typed at the restore is answered, the init
# has the pty as its controlling terminal again, and a kill ends the restore with 137.
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
run_pid=""
rst_pid=""

counter() { cat "$OUT/counter" 2>/dev/null; }
counter_differs() { _c=$(counter); [ -n "$_c" ] && [ "$_c" != "$1" ]; }
counter_above() { _c=$(counter); [ -n "$_c" ] && [ "$_c" -gt "$1" ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
answered() { grep -q "echo:$1:" "$2" 2>/dev/null; }
cleanup_more() {
  exec 7>&- 8>&-
  ocrun delete -f ckt >/dev/null 2>&1
  for _p in $run_pid $rst_pid; do kill "$_p" 2>/dev/null; wait "$_p" 2>/dev/null; done
  umount "$OUT" 2>/dev/null
  rm -rf "$OUT" "$IMG" "$WORK" "$T" "$OCRUN_LEDGER_DIR"
}

b=$(mkbundle ckt "$CGBASE/ckt" "$LOOP" "" "$BIND")
sed -i 's/"terminal": false/"terminal": true/' "$b/config.json"
mkdir -p /bundle/rootfs/out
_containers="$_containers ckt"

# ---- the container in the foreground, its pty relayed by `ocrun run` ----
mkfifo "$T/in-run" "$T/in-rst"
exec 7<>"$T/in-run"
ocrun run --keep --bundle "$b" ckt <"$T/in-run" >"$T/out-run" 2>&1 &
run_pid=$!
if ! wait_for 30 counter_above 1; then
  fail tty-setup "the terminal container did not start: $(tail -n 3 "$T/out-run")"
  cleanup_more
  exit 0
fi
echo one >&7
if wait_for 20 answered one "$T/out-run"; then
  pass tty-run-answers
  echo "before: $(grep -m1 'echo:one' "$T/out-run" | tr -d '\r')" >&2
else
  fail tty-run-answers "no echo:one in the relayed output: $(tail -c 200 "$T/out-run" | tr -d '\r')"
fi

# ---- checkpoint: the container is gone, so the run ends ----
if ocrun checkpoint --image-path "$IMG" --work-path "$WORK" ckt >/tmp/98-ckpt.log 2>&1; then
  pass tty-checkpoint-exit-0
else
  fail tty-checkpoint-exit-0 "$(tail -n 2 /tmp/98-ckpt.log)"
  grep -B3 Error "$WORK/dump.log" | tail -n 20 >&2
  cleanup_more
  exit 0
fi
if wait_for 20 gone "$run_pid"; then pass tty-run-ended; else fail tty-run-ended "ocrun run still running"; fi
wait "$run_pid" 2>/dev/null
run_pid=""
exec 7>&-
at_dump=$(counter)

# ---- restore in the foreground: a new pty, relayed by `ocrun restore` ----
exec 8<>"$T/in-rst"
ocrun restore --image-path "$IMG" --work-path "$WORK" --bundle "$b" ckt <"$T/in-rst" >"$T/out-rst" 2>&1 &
rst_pid=$!
if wait_for 30 is_status ckt running; then
  pass tty-restore-running
else
  fail tty-restore-running "status '$(status ckt)': $(tail -n 2 "$T/out-rst")"
  grep -B3 Error "$WORK/restore.log" | tail -n 20 >&2
  cleanup_more
  exit 0
fi
wait_for 20 counter_differs "$at_dump"
next=$(counter)
if [ -n "$at_dump" ] && [ "${next:-0}" -gt "$at_dump" ]; then
  pass tty-counter-continues
else
  fail tty-counter-continues "at dump '$at_dump', first value after restore '$next'"
fi
echo two >&8
if wait_for 20 answered two "$T/out-rst"; then
  pass tty-restore-answers
  echo "after: $(grep -m1 'echo:two' "$T/out-rst" | tr -d '\r')" >&2
else
  fail tty-restore-answers "no echo:two in the relayed output: $(tail -c 200 "$T/out-rst" | tr -d '\r')"
fi
pid=$(init_pid ckt)
# Field 7 of /proc/PID/stat: the controlling terminal (0: none).
ctty=$(awk '{ print $7 }' "/proc/$pid/stat" 2>/dev/null)
if [ -n "$ctty" ] && [ "$ctty" != 0 ]; then
  pass tty-restore-ctty
else
  fail tty-restore-ctty "restored init $pid has no controlling terminal (tty_nr '$ctty')"
fi
ocrun kill ckt KILL >/dev/null 2>&1
wait_for 20 gone "$rst_pid"
wait "$rst_pid"
expect_eq tty-restore-exit-status 137 "$?"
rst_pid=""
if ocrun state ckt >/dev/null 2>&1; then fail tty-restore-deleted "ckt still exists"; else pass tty-restore-deleted; fi
cleanup_more
