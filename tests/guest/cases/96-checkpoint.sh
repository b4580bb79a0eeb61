# 96-checkpoint: checkpoint and restore through CRIU (Debian's criu, and GNU tar, which criu runs
# to dump tmpfs contents, and iproute2's ip for the network namespace, brought in by run.sh;
# criu cannot run on the 6.18 host, see
# tests/integration/checkpoint.bats). A busybox counter loop writes
# 1, 2, 3 ... into a bind-mounted host directory (by rename: a read never finds it empty); it is checkpointed (container gone), restored
# (the counter goes on from where it was, same memory.max, same cgroup, admitted in the
# ledger), checkpointed with --leave-running (it keeps counting) and restored under a new id
# into a new cgroup.
# needs: criu tar ip
. /tests/lib.sh

criu_ready || exit 0

M64=67108864
export OCRUN_LEDGER_DIR=/tmp/96-ledger
OUT=/run/96-out
IMG=/run/96-img
WORK=/run/96-work # criu's logs, kept for the diagnostics of a failure
mkdir -p "$OUT"
# The bind source is a private mount of its own: under the rshared /run, criu's restore fails
# to copy the sharing of a plain directory ("mnt-v2: Failed to copy sharing from source").
mount -t tmpfs -o size=1m tmpfs "$OUT" && mount --make-private "$OUT"
# The loop's own stdio is the container's /dev/null: nothing of the host's is open in it.
LOOP='["sh", "-c", "exec </dev/null >/dev/null 2>&1; i=0; while :; do i=$((i + 1)); echo $i > /out/counter.tmp && mv /out/counter.tmp /out/counter; sleep 0.1; done"]'
BIND="{ \"destination\": \"/out\", \"type\": \"bind\", \"source\": \"$OUT\", \"options\": [ \"rbind\", \"rw\" ] }"

counter() { cat "$OUT/counter" 2>/dev/null; }
# The first value written after a restore must follow the one at the dump: a loop started
# afresh would write 1.
counter_differs() { _c=$(counter); [ -n "$_c" ] && [ "$_c" != "$1" ]; }
counter_above() { _c=$(counter); [ -n "$_c" ] && [ "$_c" -gt "$1" ]; }
gone() { ! ocrun state "$1" >/dev/null 2>&1; }
in_cgroup() { grep -qx "$2" "$CG$1/cgroup.procs" 2>/dev/null; }
in_ledger() { ocrun capacity --format json 2>/dev/null | tr -d ' \n' | grep -q "\"id\":\"$1\""; }
cleanup_more() {
  umount "$OUT" 2>/dev/null
  rm -rf "$OUT" "$IMG" "$IMG-2" "$WORK" "$OCRUN_LEDGER_DIR"
}

b=$(mkbundle ck "$CGBASE/ck" "$LOOP" "\"memory\": { \"limit\": $M64 }" "$BIND")
# No network namespace: this case checks a container that shares the guest's (the other
# configurations are in 97-checkpoint-netns).
no_netns() { sed -i 's/{ "type": "network" }, //' "$1/config.json"; }
no_netns "$b"
mkdir -p /bundle/rootfs/out
if ! start_detached ck "$b" || ! wait_for 20 counter_above 3; then
  fail checkpoint-setup "the counter container did not start: $(tail -n 3 "$BUNDLES/ck.log")"
  cleanup_more
  exit 0
fi
pid1=$(init_pid ck)

# ---- checkpoint: the container is gone, its counter stops ----
t0=$(now_cs)
mkdir -p "$WORK"
if ocrun checkpoint --image-path "$IMG" --work-path "$WORK" ck >/tmp/96-ckpt.log 2>&1; then
  pass checkpoint-exit-0
else
  # The rest depends on a checkpoint: stop here.
  fail checkpoint-exit-0 "$(tail -n 2 /tmp/96-ckpt.log)"
  grep -B3 Error "$WORK/dump.log" | tail -n 12 >&2
  cleanup_more
  exit 0
fi
echo "checkpoint took $(( $(now_cs) - t0 ))0 ms" >&2
if gone ck && [ ! -d "$CG$CGBASE/ck" ] && ! kill -0 "$pid1" 2>/dev/null; then
  pass checkpoint-container-gone
else
  fail checkpoint-container-gone "state: $(status ck), cgroup dir: $(ls -d "$CG$CGBASE/ck" 2>&1)"
fi
if in_ledger ck; then fail checkpoint-ledger-released "ck still in the ledger"; else pass checkpoint-ledger-released; fi
at_dump=$(counter)
[ -f "$IMG/descriptors.json" ] && pass checkpoint-descriptors || fail checkpoint-descriptors "no $IMG/descriptors.json"

# ---- restore: same id, the counter goes on from where it was ----
t0=$(now_cs)
if ocrun restore -d --image-path "$IMG" --bundle "$b" ck >/tmp/96-rst.log 2>&1; then
  pass restore-exit-0
else
  fail restore-exit-0 "$(tail -n 2 /tmp/96-rst.log)"
  tail -n 5 "$IMG/restore.log" >&2
  cleanup_more
  exit 0
fi
echo "restore took $(( $(now_cs) - t0 ))0 ms" >&2
expect_eq restore-status running "$(status ck)"
pid2=$(init_pid ck)
# A fresh start would write 1 again; the restored loop writes at_dump + 1, + 2 ...
moved=0
wait_for 20 counter_differs "$at_dump" && moved=1
next=$(counter)
if [ "$moved" = 1 ] && [ -n "$at_dump" ] && [ "${next:-0}" -gt "$at_dump" ]; then
  pass restore-counter-continues
  echo "counter at dump $at_dump, first value after restore $next" >&2
else
  fail restore-counter-continues "at dump '$at_dump', first value after restore '$next'"
fi
expect_eq restore-memory-max "$M64" "$(cgread "$CGBASE/ck" memory.max)"
if [ -n "$pid2" ] && in_cgroup "$CGBASE/ck" "$pid2"; then
  pass restore-in-cgroup
else
  fail restore-in-cgroup "init pid '$pid2' not in $CGBASE/ck/cgroup.procs: $(cat "$CG$CGBASE/ck/cgroup.procs" 2>&1 | tr '\n' ' ')"
fi
if in_ledger ck; then pass restore-admitted; else fail restore-admitted "ck not in the ledger after restore"; fi

# ---- --leave-running: it keeps counting ----
before2=$(counter) # the dump's value is this or more (read after it, ck may already be past it)
if ocrun checkpoint --leave-running --image-path "$IMG-2" ck >/tmp/96-ckpt2.log 2>&1; then
  pass leave-running-exit-0
else
  fail leave-running-exit-0 "$(tail -n 2 /tmp/96-ckpt2.log)"
  cleanup_more
  exit 0
fi
at_dump2=$(counter)
if [ "$(status ck)" = running ] && [ "$(init_pid ck)" = "$pid2" ] && wait_for 20 counter_above "$at_dump2"; then
  pass leave-running-still-counting
else
  fail leave-running-still-counting "status $(status ck), pid $(init_pid ck) (was $pid2), counter $(counter) (was $at_dump2)"
fi
ocrun delete -f ck >/dev/null 2>&1

# ---- restore under a new id, into a new cgroup ----
b2=$(mkbundle ck2 "$CGBASE/ck2" "$LOOP" "\"memory\": { \"limit\": $M64 }" "$BIND")
no_netns "$b2"
now=$(counter)
if ocrun restore -d --image-path "$IMG-2" --bundle "$b2" ck2 >/tmp/96-rst2.log 2>&1; then
  _containers="$_containers ck2"
  pass new-id-restore-exit-0
else
  _containers="$_containers ck2"
  fail new-id-restore-exit-0 "$(tail -n 2 /tmp/96-rst2.log)"
  tail -n 5 "$IMG-2/restore.log" >&2
  cleanup_more
  exit 0
fi
pid3=$(init_pid ck2)
expect_eq new-id-status running "$(status ck2)"
if [ -n "$pid3" ] && in_cgroup "$CGBASE/ck2" "$pid3"; then
  pass new-id-in-new-cgroup
else
  fail new-id-in-new-cgroup "init pid '$pid3' not in $CGBASE/ck2/cgroup.procs"
fi
expect_eq new-id-memory-max "$M64" "$(cgread "$CGBASE/ck2" memory.max)"
# The loop goes on from its value at the second dump (ck counted on past it before its delete).
moved=0
wait_for 20 counter_differs "$now" && moved=1
next=$(counter)
# A fresh start would write 1; the restored loop republishes the dump's value or the next one.
if [ "$moved" = 1 ] && [ -n "$before2" ] && [ "${next:-0}" -ge "$before2" ]; then
  pass new-id-counter-continues
  echo "before the second dump $before2, last value of ck $now, first value of ck2 $next" >&2
else
  fail new-id-counter-continues "before the second dump '$before2', last value of ck '$now', first of ck2 '$next'"
fi
if in_ledger ck2; then pass new-id-admitted; else fail new-id-admitted "ck2 not in the ledger"; fi
ocrun delete -f ck2 >/dev/null 2>&1
if [ -d "$CG$CGBASE/ck2" ] || in_ledger ck2; then
  fail new-id-deleted "cgroup or ledger entry of ck2 left after delete"
else
  pass new-id-deleted
fi
cleanup_more
