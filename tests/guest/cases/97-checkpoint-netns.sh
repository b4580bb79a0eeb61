# 97-checkpoint-netns: checkpoint and restore of containers with a network namespace, the two
# ways runc handles one: a namespace the container owns is dumped by criu with its links and
# restored as a new namespace (lo keeps its state: up, mtu 1500); a namespace the container
# joined by path is external (criu records it and, on restore, puts the restored init back
# into the same namespace, the one the bundle names); with --empty-ns network criu leaves an
# owned namespace out and the restore gets a new, empty one. Each container runs the counter loop of
# 96-checkpoint; the counter goes on after the restore.
# needs: criu tar ip
. /tests/lib.sh

criu_ready || exit 0

export OCRUN_LEDGER_DIR=/tmp/97-ledger
OUT=/run/97-out
IMG=/run/97-img
mkdir -p "$OUT"
# A private mount of its own as the bind source (see 96-checkpoint).
mount -t tmpfs -o size=1m tmpfs "$OUT" && mount --make-private "$OUT"
LOOP='["sh", "-c", "exec </dev/null >/dev/null 2>&1; i=0; while :; do i=$((i + 1)); echo $i > /out/counter.tmp && mv /out/counter.tmp /out/counter; sleep 0.1; done"]'
BIND="{ \"destination\": \"/out\", \"type\": \"bind\", \"source\": \"$OUT\", \"options\": [ \"rbind\", \"rw\" ] }"
NETNS=ck97
CRIU_FLAGS=""
WORK=/run/97-work # criu's logs, kept for the diagnostics of a failure
# iproute2's ip (run.sh brings it): busybox sh and nsenter would run busybox's own ip applet.
IPROUTE=$(ls /usr/sbin/ip /usr/bin/ip 2>/dev/null | head -n 1)

counter() { cat "$OUT/counter" 2>/dev/null; }
counter_differs() { _c=$(counter); [ -n "$_c" ] && [ "$_c" != "$1" ]; }
counter_above() { _c=$(counter); [ -n "$_c" ] && [ "$_c" -gt "$1" ]; }
netns_of() { stat -L -c %i "/proc/$1/ns/net" 2>/dev/null; }
# lo_state PID: "UP 1500" for the lo of PID's network namespace.
lo_state() {
  _l=$(nsenter -t "$1" -n "$IPROUTE" -o link show lo 2>/dev/null)
  case $_l in *[\<,]UP[,\>]*) _up=UP ;; *) _up=DOWN ;; esac
  echo "$_up $(echo "$_l" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')"
}
cleanup_more() {
  umount "$OUT" 2>/dev/null
  "$IPROUTE" netns delete "$NETNS" 2>/dev/null
  rm -rf "$OUT" "$IMG" "$IMG-e" "$IMG-j" "$WORK" "$OCRUN_LEDGER_DIR"
}

# round_trip NAME ID BUNDLE IMAGES: start, wait for the counter, checkpoint, restore -d; the checks
# named NAME-*; $PREPARE PID runs before the dump, $CRIU_FLAGS go to both commands. Sets
# PID_BEFORE, NS_BEFORE and PID_AFTER; 1 when a step failed (the rest cannot run).
round_trip() {
  _n=$1 _id=$2 _b=$3 _img=$4
  rm -f "$OUT/counter"
  if ! start_detached "$_id" "$_b" || ! wait_for 20 counter_above 3; then
    fail "$_n-setup" "the counter container did not start: $(tail -n 3 "$BUNDLES/$_id.log")"
    return 1
  fi
  PID_BEFORE=$(init_pid "$_id")
  NS_BEFORE=$(netns_of "$PID_BEFORE")
  [ -n "$PREPARE" ] && $PREPARE "$PID_BEFORE"
  mkdir -p "$WORK/$_n"
  if ocrun checkpoint $CRIU_FLAGS --image-path "$_img" --work-path "$WORK/$_n" "$_id" >"/tmp/97-$_n-ckpt.log" 2>&1; then
    pass "$_n-checkpoint-exit-0"
  else
    fail "$_n-checkpoint-exit-0" "$(tail -n 2 "/tmp/97-$_n-ckpt.log")"
    grep -B3 Error "$WORK/$_n/dump.log" | tail -n 20 >&2
    return 1
  fi
  _at=$(counter)
  if ocrun restore -d $CRIU_FLAGS --image-path "$_img" --work-path "$WORK/$_n" --bundle "$_b" "$_id" >"/tmp/97-$_n-rst.log" 2>&1; then
    pass "$_n-restore-exit-0"
  else
    fail "$_n-restore-exit-0" "$(tail -n 2 "/tmp/97-$_n-rst.log")"
    grep -B3 Error "$WORK/$_n/restore.log" | tail -n 20 >&2
    return 1
  fi
  PID_AFTER=$(init_pid "$_id")
  wait_for 20 counter_differs "$_at"
  _next=$(counter)
  if [ -n "$_at" ] && [ "${_next:-0}" -gt "$_at" ]; then
    pass "$_n-counter-continues"
  else
    fail "$_n-counter-continues" "at dump '$_at', first value after restore '$_next'"
  fi
  return 0
}

# ---- a network namespace of its own: criu dumps it and restores its links ----
b=$(mkbundle ckn "$CGBASE/ckn" "$LOOP" "" "$BIND")
mkdir -p /bundle/rootfs/out
# lo up with mtu 1500 (a new namespace's lo is down, mtu 65536): what criu must bring back.
lo_set() { nsenter -t "$1" -n "$IPROUTE" link set lo mtu 1500 up; }
PREPARE=lo_set
if round_trip own ckn "$b" "$IMG"; then
  host_ns=$(netns_of 1)
  after=$(netns_of "$PID_AFTER")
  if [ -n "$after" ] && [ "$after" != "$host_ns" ] && [ "$after" != "$NS_BEFORE" ]; then
    pass own-new-netns
  else
    fail own-new-netns "restored init's netns '$after' (guest's $host_ns, before the dump $NS_BEFORE)"
  fi
  expect_eq own-lo-restored "UP 1500" "$(lo_state "$PID_AFTER")"
fi
ocrun delete -f ckn >/dev/null 2>&1

# ---- --empty-ns network: criu leaves the namespace out; the restore gets a new, empty one ----
CRIU_FLAGS="--empty-ns network"
if round_trip empty ckn "$b" "$IMG-e"; then
  after=$(netns_of "$PID_AFTER")
  if [ -n "$after" ] && [ "$after" != "$(netns_of 1)" ] && [ "$after" != "$NS_BEFORE" ]; then
    pass empty-new-netns
  else
    fail empty-new-netns "restored init's netns '$after' (guest's $(netns_of 1), before the dump $NS_BEFORE)"
  fi
  expect_eq empty-lo-fresh "DOWN 65536" "$(lo_state "$PID_AFTER")"
fi
CRIU_FLAGS=""
ocrun delete -f ckn >/dev/null 2>&1

# ---- a network namespace joined by path: external, the restored init joins it again ----
if ! "$IPROUTE" netns add "$NETNS"; then
  fail joined-setup "ip netns add $NETNS failed"
  cleanup_more
  exit 0
fi
bj=$(mkbundle ckj "$CGBASE/ckj" "$LOOP" "" "$BIND")
sed -i "s|{ \"type\": \"network\" }|{ \"type\": \"network\", \"path\": \"/run/netns/$NETNS\" }|" "$bj/config.json"
PREPARE=""
if round_trip joined ckj "$bj" "$IMG-j"; then
  want=$(stat -L -c %i "/run/netns/$NETNS")
  expect_eq joined-same-netns "$want" "$(netns_of "$PID_AFTER")"
fi
ocrun delete -f ckj >/dev/null 2>&1
cleanup_more
