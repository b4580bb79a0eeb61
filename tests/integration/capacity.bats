#!/usr/bin/env bats
# `ocrun capacity` as an operator reads it: the columns and their legend, WEIGHT in the host's
# unit, CPU as a rate over a short window, the OVER CAPACITY marker, pressure as
# "cpu some 10s: N %", --watch (redraws, exit 0 on SIGINT/SIGTERM, the terminal put back) and
# every field of --format json (each one documented in contrib/man/ocrun.8).
# Like policy.bats: a fake node (OCRUN_HOST_MEMORY_MB, OCRUN_HOST_CPUS) and a ledger of the
# test's own (OCRUN_LEDGER_DIR); the host's real ledger is never touched.

load ../lib/common

GIB=1073741824
MAN=$REPO/contrib/man/ocrun.8

setup() {
  requires_ocrun "ocrun capacity"
  setup_bundle "${SLEEPER[@]}"
  fake_node
}

# ---- helpers ----

policy() { printf '%s\n' "$1" > "$POLICY"; }
cid() { echo "$ID-$1"; }
bdir() { echo "$BATS_TEST_TMPDIR/b-$1"; }

# mkb NAME LIMIT [ARGS...]: bundle for container $(cid NAME) sharing $BUNDLE's rootfs, cgroupsPath
# /ocrun-test/<id>, memory limit LIMIT bytes, process ARGS (default: the sleeper).
mkb() {
  local name=$1 limit=$2 id dir
  shift 2
  [ $# -gt 0 ] || set -- "${SLEEPER[@]}"
  id=$(cid "$name")
  dir=$(bdir "$name")
  mkdir -p "$dir"
  track_container "$id"
  jq --arg r "$BUNDLE/rootfs" --arg cg "/ocrun-test/$id" --argjson lim "$limit" \
    '.root.path = $r | .linux.cgroupsPath = $cg | .linux.resources.memory = {limit: $lim} |
     .process.args = $ARGS.positional' --args -- "$@" \
    < "$BUNDLE/config.json" > "$dir/config.json"
}

# up NAME [RUN FLAGS...]: run container NAME detached and wait until it printed "ready".
up() {
  local name=$1 id out
  shift
  id=$(cid "$name")
  out=$BATS_TEST_TMPDIR/$id.out
  runtime run --detach "$@" --bundle "$(bdir "$name")" "$id" >"$out" 2>&1 ||
    { cat "$out" >&2; return 1; }
  wait_for_file "$out" ready
}

# cr NAME [GLOBAL FLAGS...]: create container NAME (not started); status and output as `run`.
cr() {
  local name=$1 out
  shift
  out=$BATS_TEST_TMPDIR/$name.create.out
  status=0
  runtime "$@" create --bundle "$(bdir "$name")" "$(cid "$name")" >"$out" 2>&1 || status=$?
  output=$(cat "$out")
}

BUSY=(sh -c 'trap "exit 0" TERM; echo ready; while :; do :; done')

# The container table's header line and a row, from a table in $output.
header_of() { awk '$1 == "ID" && $2 == "VCPUS"' <<<"$output"; }
# cell ID COLUMN: the value in COLUMN of the container row ID of the table in $output.
cell() {
  awk -v id="$1" -v col="$2" '
    $1 == "ID" && $2 == "VCPUS" { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    c && $1 == id { print $c; exit }' <<<"$output"
}
# The names the legend explains (first word of each legend line), one per line.
legend_names() { awk '/^legend:$/ { on = 1; next } on && /^  [^ ]/ { print $1 }' <<<"$output"; }
# The host's CPU weight file, as the legend and the json should name it.
weight_file() {
  if [ -f /sys/fs/cgroup/cpu/cpu.shares ] || [ -f /sys/fs/cgroup/cpu,cpuacct/cpu.shares ]; then
    echo cpu.shares
  else
    echo cpu.weight
  fi
}
# host_weight ID: the container cgroup's weight file, read on the host.
host_weight() {
  local d
  for d in /sys/fs/cgroup/cpu /sys/fs/cgroup/cpu,cpuacct /sys/fs/cgroup; do
    [ -f "$d/ocrun-test/$1/$(weight_file)" ] && { cat "$d/ocrun-test/$1/$(weight_file)"; return; }
  done
  echo "no $(weight_file) for $1" >&2
  return 1
}
# A number compare that bats sees fail: gt A B / lt A B (decimals allowed).
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }' || { echo "expected $1 > $2" >&2; return 1; }; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }' || { echo "expected $1 < $2" >&2; return 1; }; }

# ---- the table, its columns and the legend ----

@test "capacity: every column of both tables has a legend line under the table; --no-legend drops it" {
  mkb a "$GIB"
  up a
  run runtime capacity
  assert_success
  local res_hdr ct_hdr
  res_hdr=$(awk '$1 == "RESOURCE"' <<<"$output")
  ct_hdr=$(header_of)
  assert_equal "$(echo $res_hdr)" "RESOURCE TOTAL RESERVED RATIO HA CAPACITY ALLOCATED FREE LARGEST_FIT"
  assert_equal "$(echo $ct_hdr)" "ID VCPUS MEMORY_MB WEIGHT CPU% MEM_MB OOM_KILLS THROTTLED CPU_PSI PID FLAGS"
  local names col
  names=$(legend_names)
  for col in $res_hdr $ct_hdr; do
    case $col in RESOURCE|ID) continue ;; esac
    grep -qxF -- "$col" <<<"$names" || { echo "no legend line for column $col; legend: $names" >&2; false; }
  done
  grep -qxF OVER <<<"$names"
  grep -qxF pressure <<<"$names"
  # The legend comes after the container rows.
  local row_line legend_line
  row_line=$(grep -n "^$(cid a) " <<<"$output" | cut -d: -f1)
  legend_line=$(grep -n '^legend:$' <<<"$output" | cut -d: -f1)
  gt "$legend_line" "$row_line"
  # WEIGHT in the host's unit, CPU% as a rate, every flag spelled out.
  assert_output_contains "WEIGHT       its $(weight_file) (cgroup $([ "$(weight_file)" = cpu.shares ] && echo v1 || echo v2);"
  assert_output_contains "in % of one CPU (100 = one CPU kept busy)"
  assert_output_matches "CPU% +CPU used over the last 0\.[0-9] s"
  local f
  for f in "unbounded: no memory limit" "orchestrated: admitted by" "opt-out: exempt" "creating: admitted, init not started"; do
    assert_output_contains "$f"
  done

  run runtime capacity --no-legend
  assert_success
  refute grep -q '^legend:' <<<"$output"
  refute grep -q 'kept for the host itself' <<<"$output"
  [ -n "$(cell "$(cid a)" VCPUS)" ]
}

@test "capacity: WEIGHT is the cgroup's own value in the host's unit, not the ledger's v2 number" {
  mkb a "$GIB"
  up a --vcpus 2
  local want
  want=$(host_weight "$(cid a)")
  run runtime capacity --no-legend
  assert_success
  assert_equal "$(cell "$(cid a)" WEIGHT)" "$want"
  if [ "$(weight_file)" = cpu.shares ]; then
    # 2 vCPUs: cpu.shares 2048 on v1, where the ledger keeps the v2 weight 200.
    assert_equal "$want" 2048
  fi
  run runtime capacity --format json
  assert_equal "$(jq -r --arg id "$(cid a)" '.containers[] | select(.id == $id) | "\(.host_weight) \(.weight)"' <<<"$output")" \
    "$want 200"
  assert_equal "$(jq -r .host.weight_file <<<"$output")" "$(weight_file)"
}

@test "capacity: a container run in the foreground shows its init pid, not creating" {
  mkb fg "$GIB"
  # stdin from /dev/null and output to a file: the foreground run would hold a pipe open
  runtime run --bundle "$(bdir fg)" "$(cid fg)" </dev/null >"$BATS_TEST_TMPDIR/fg.out" 2>&1 &
  track_bg $!
  wait_for_status "$(cid fg)" running
  run runtime capacity --format json
  assert_success
  local c
  c=$(jq --arg id "$(cid fg)" '.containers[] | select(.id == $id)' <<<"$output")
  assert_equal "$(jq -c '[.pid, .creating]' <<<"$c")" "[$(pid_of "$(cid fg)"),false]"
  run runtime capacity --no-legend
  assert_success
  assert_equal "$(cell "$(cid fg)" FLAGS)" "-"
}

# cpu_of JSON NAME: cpu_percent of container NAME in a `capacity --format json` document.
cpu_of() { jq --arg id "$(cid "$2")" '.containers[] | select(.id == $id) | .cpu_percent' <<<"$1"; }

# up_idle_busy: containers "idle" (the sleeper) and "busy" (a busy loop), 1 GiB each, running.
up_idle_busy() {
  mkb idle "$GIB"
  mkb busy "$GIB" "${BUSY[@]}"
  up idle
  up busy
}

@test "capacity: CPU% is a rate over a short window: near 0 idle, over 20 for a busy loop" {
  up_idle_busy
  run runtime capacity --format json
  assert_success
  local j=$output idle busy win
  idle=$(cpu_of "$j" idle)
  busy=$(cpu_of "$j" busy)
  win=$(jq .cpu_window_s <<<"$j")
  echo "idle $idle busy $busy window $win" >&2
  [ "$idle" != null ] && [ "$busy" != null ]
  lt "$idle" 5
  gt "$busy" 20
  # The window is the short one (about 0.2 s), not the container's lifetime.
  gt "$win" 0.1
  lt "$win" 2
  # The table shows the same rate.
  run runtime capacity --no-legend
  assert_success
  lt "$(cell "$(cid idle)" CPU%)" 5
  gt "$(cell "$(cid busy)" CPU%)" 20
  # The cumulative counter is still in the json, and only grows.
  gt "$(jq --arg id "$(cid busy)" '.containers[] | select(.id == $id) | .cpu_usage_usec' <<<"$j")" 0
}

@test "capacity: a call 0.2 to 60 s after another takes CPU% since that call's look, without waiting" {
  up_idle_busy
  run runtime capacity --format json
  assert_success
  assert_equal "$(jq -r .cpu_window_from <<<"$output")" wait
  [ -f "$LEDGER/capacity-look" ]
  sleep 1
  run --separate-stderr runtime --debug capacity --format json
  assert_success
  local j=$output win
  # No wait this time: the rates cover the second since the first call.
  [[ $stderr != *"ms wait"* ]] || { echo "$stderr" >&2; false; }
  assert_equal "$(jq -r .cpu_window_from <<<"$j")" "previous call"
  win=$(jq .cpu_window_s <<<"$j")
  echo "window $win busy $(cpu_of "$j" busy) idle $(cpu_of "$j" idle)" >&2
  gt "$win" 0.9
  lt "$win" 30
  gt "$(cpu_of "$j" busy)" 20
  lt "$(cpu_of "$j" idle)" 5
  # The table says what the window was.
  sleep 0.5
  run runtime capacity
  assert_success
  assert_output_matches "CPU% +CPU used over the last [0-9.]+ s \(since the previous capacity call\)"
  gt "$(cell "$(cid busy)" CPU%)" 20
  # Right after a call the look is too young to be a window: this one waits.
  run runtime capacity --format json
  assert_equal "$(jq -r .cpu_window_from <<<"$output")" wait
}

@test "capacity: a look that is garbled, from another boot, of another container or gone back is not used" {
  mkb busy "$GIB" "${BUSY[@]}"
  up busy
  run runtime capacity --format json
  assert_success
  local look=$LEDGER/capacity-look good pid
  good=$(cat "$look")
  pid=$(pid_of "$(cid busy)")
  # try: a call on the look in the file, which it must not use; its own wait gives the rate.
  try() {
    sleep 0.3
    run --separate-stderr runtime --debug capacity --format json
    assert_success
    echo "$1: $(grep -o 'no previous look to use: .*' <<<"$stderr" | head -n 1)" >&2
    assert_equal "$(jq -r .cpu_window_from <<<"$output")" wait
    gt "$(cpu_of "$output" busy)" 20
  }
  printf 'garbage\n' > "$look"
  try garbled
  printf '%s\n' "$good" | sed '1s/ [0-9a-f-]*$/ 00000000-0000-0000-0000-000000000000/' > "$look"
  try "another boot"
  printf '%s\n' "$good" | awk -v p="$pid" 'NR > 1 && $1 == p { $2 = $2 + 1 } { print }' > "$look"
  try "another init with that pid"
  printf '%s\n' "$good" | awk -v p="$pid" 'NR > 1 && $1 == p { $3 = "99999999999999999" } { print }' > "$look"
  try "counter gone back"
  printf '%s\n' "$good" | head -c 40 > "$look"
  try truncated
  # Each of those calls left a good look: the next one uses it.
  sleep 0.3
  run runtime capacity --format json
  assert_equal "$(jq -r .cpu_window_from <<<"$output")" "previous call"
  gt "$(cpu_of "$output" busy)" 20
}

@test "capacity: a call after another reads no state.json of a container whose init still runs" {
  command -v strace >/dev/null || skip "strace not installed"
  mkb a "$GIB"
  mkb b "$GIB"
  up a
  up b
  run runtime capacity --format json
  assert_success
  [ -f "$LEDGER/capacity-look" ]
  # b's init dies (not deleted): the look's init is gone, so b's state is read again.
  local pb
  pb=$(pid_of "$(cid b)")
  kill -9 "$pb"
  wait_for 10 sh -c "! kill -0 $pb 2>/dev/null"
  OCRUN_TEST_MARK=$MARK strace -f -qq -e trace=openat -o "$BATS_TEST_TMPDIR/st" \
    "$RUNTIME" --root "$ROOT" capacity --format json </dev/null >"$BATS_TEST_TMPDIR/cap.json" 3>&-
  grep "state.json" "$BATS_TEST_TMPDIR/st" >&2 || true
  run grep -c "/$(cid a)/state.json" "$BATS_TEST_TMPDIR/st"
  assert_equal "$output" 0
  run grep -c "/$(cid b)/state.json" "$BATS_TEST_TMPDIR/st"
  assert_equal "$output" 1
  # a is shown with its init, b (its init gone) is counted as stale.
  assert_equal "$(jq -c --arg id "$(cid a)" '[.containers[] | select(.id == $id) | .pid]' "$BATS_TEST_TMPDIR/cap.json")" \
    "[$(pid_of "$(cid a)")]"
  assert_equal "$(jq '[.containers[].id] | length' "$BATS_TEST_TMPDIR/cap.json")" 1
  assert_equal "$(jq .counts.stale "$BATS_TEST_TMPDIR/cap.json")" 1
}

# ---- OVER CAPACITY ----

@test "capacity: OVER CAPACITY appears when warn mode let allocations pass capacity, and not otherwise" {
  export OCRUN_HOST_MEMORY_MB=2560 # capacity 2048 MB
  mkb a "$GIB"
  mkb b "$GIB"
  mkb c "$GIB"
  cr a
  assert_success
  cr b
  assert_success
  # Full to the last MB is not over. (--no-legend: the legend explains the marker.)
  run runtime capacity --no-legend
  assert_success
  assert_output_matches "^MEMORY_MB +2560 +512 +1\.0 +0% +2048 +2048 +0 +0$"
  refute grep -q "OVER CAPACITY" <<<"$output"
  run runtime capacity --format json
  assert_equal "$(jq -c '[.over_capacity, .resources.MEMORY_MB.over_capacity, .resources.VCPU.over_capacity]' <<<"$output")" \
    '[[],false,false]'
  # enforce refuses the third, so nothing goes over.
  cr c
  assert_failure
  run runtime capacity --no-legend
  refute grep -q "OVER CAPACITY" <<<"$output"
  # warn admits it: 3072 allocated on a capacity of 2048.
  policy '{"mode": "warn"}'
  cr c --policy "$POLICY"
  assert_success
  run runtime --policy "$POLICY" capacity --no-legend
  assert_success
  assert_output_matches "^MEMORY_MB +2560 +512 +1\.0 +0% +2048 +3072 +-1024 +0  OVER CAPACITY$"
  assert_output_contains "OVER CAPACITY: MEMORY_MB allocated 3072 > capacity 2048, over by 1024 (mode warn admitted containers past capacity"
  refute grep -q "^VCPU .*OVER CAPACITY" <<<"$output"
  run runtime --policy "$POLICY" capacity --format json
  assert_equal "$(jq -c '[.over_capacity, .resources.MEMORY_MB.over_capacity, .resources.MEMORY_MB.free, .resources.VCPU.over_capacity]' <<<"$output")" \
    '[["MEMORY_MB"],true,-1024,false]'
  # Back under capacity, the marker goes.
  runtime delete --force "$(cid c)"
  run runtime --policy "$POLICY" capacity --no-legend
  assert_success
  refute grep -q "OVER CAPACITY" <<<"$output"
}

# ---- pressure ----

@test "capacity: host pressure reads 'cpu some 10s: N %', not the raw file" {
  [ -r /proc/pressure/cpu ] || skip "no /proc/pressure: this kernel has no PSI (or was booted with psi=0)"
  run runtime capacity --no-legend
  assert_success
  local n='[0-9]+\.[0-9] %'
  assert_output_matches "^pressure \(host\): cpu some 10s: $n; memory some 10s: $n, full 10s: $n; io some 10s: $n, full 10s: $n$"
  refute grep -q "avg10=" <<<"$output"
  run runtime capacity --format json
  local cpu
  cpu=$(jq '.pressure.cpu.some.avg10' <<<"$output")
  [ "$cpu" != null ]
  gt "$cpu" -0.001
  lt "$cpu" 100.001
  assert_equal "$(jq -c '.pressure.memory.full | keys' <<<"$output")" '["avg10","avg300","avg60","total"]'
}

@test "capacity: CPU_PSI is the container cgroup's own cpu pressure" {
  mkb a "$GIB"
  up a
  local f
  f=$(ls /sys/fs/cgroup/unified/ocrun-test/"$(cid a)"/cpu.pressure /sys/fs/cgroup/ocrun-test/"$(cid a)"/cpu.pressure 2>/dev/null | head -n 1)
  [ -n "$f" ] || skip "the container's cgroup has no cpu.pressure (per-cgroup PSI needs a cgroup v2 hierarchy)"
  run runtime capacity --no-legend
  assert_success
  [[ "$(cell "$(cid a)" CPU_PSI)" =~ ^[0-9]+\.[0-9]$ ]] || { echo "CPU_PSI: $(cell "$(cid a)" CPU_PSI)" >&2; false; }
  run runtime capacity --format json
  assert_equal "$(jq -c '.containers[0].pressure | [keys, (.cpu | keys), (.cpu.some | keys)]' <<<"$output")" \
    '[["cpu","io","memory"],["full","some"],["avg10","avg300","avg60","total"]]'
  # The numbers are the cgroup's, not the host's: its total stall time is at most the host's.
  local mine host
  mine=$(jq '.containers[0].pressure.cpu.some.total' <<<"$output")
  host=$(jq '.pressure.cpu.some.total' <<<"$output")
  [ "$mine" -le "$host" ]
}

# ---- --watch ----

# frames FILE: how many table frames FILE holds.
frames() { grep -c '^ocrun capacity: every ' "$1" || true; }
_frames_at_least() { [ "$(frames "$1")" -ge "$2" ]; }
_gone_pid() { ! kill -0 "$1" 2>/dev/null; }
_lines_at_least() { [ "$(wc -l <"$1")" -ge "$2" ]; }

# watch_bg OUT ARGS...: `capacity ARGS` in the background, stdout and stderr to OUT; WPID.
watch_bg() {
  local out=$1
  shift
  OCRUN_TEST_MARK=$MARK "$RUNTIME" --root "$ROOT" capacity "$@" </dev/null >"$out" 2>&1 3>&- &
  WPID=$!
  track_bg "$WPID"
}

# stop_watch SIGNAL: send it, wait for the process; its status in $status.
stop_watch() {
  kill -"$1" "$WPID"
  status=0
  wait "$WPID" || status=$?
  wait_for 5 _gone_pid "$WPID"
}

@test "capacity --watch N: redraws every N s, exits 0 on SIGINT and on SIGTERM, nothing left" {
  mkb a "$GIB"
  up a
  local out=$BATS_TEST_TMPDIR/watch.out
  watch_bg "$out" --watch 0.3 --no-legend
  wait_for 10 _frames_at_least "$out" 2 || { cat "$out" >&2; false; }
  grep -q "^ocrun capacity: every 0.3 s, [0-9][0-9]:[0-9][0-9]:[0-9][0-9] (Ctrl-C quits)$" "$out"
  # Each frame is a whole table with the container and its CPU rate.
  [ "$(grep -c "^$(cid a) " "$out")" -ge 2 ]
  [ "$(grep -c '^RESOURCE ' "$out")" -ge 2 ]
  stop_watch INT
  assert_equal "$status" 0
  # Not a terminal: no screen control sequences in the output.
  refute grep -q $'\e' "$out"
  refute grep -q "ocrun:" "$out"

  # A bare --watch before another flag: every 2 s; SIGTERM ends it the same way. A new file: the
  # old one's frames would count until the new process truncates it (seen under ASan).
  out=$BATS_TEST_TMPDIR/watch-term.out
  watch_bg "$out" --watch --format table
  wait_for 10 _frames_at_least "$out" 1 || { cat "$out" >&2; false; }
  grep -q "^ocrun capacity: every 2 s, " "$out"
  stop_watch TERM
  assert_equal "$status" 0
  # No capacity process of ours is left (the container's processes carry the mark too).
  local p
  for p in $(grep -lsazxF "OCRUN_TEST_MARK=$MARK" /proc/[0-9]*/environ | sed 's|/environ$||'); do
    if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q ' capacity '; then
      echo "left behind: $p: $(tr '\0' ' ' <"$p/cmdline")" >&2
      false
    fi
  done
  runtime delete --force "$(cid a)"
  assert_nothing_left "$(cid a)"
}

@test "capacity --watch on a terminal: alternate screen, a cleared screen per frame, put back on SIGINT" {
  local out=$BATS_TEST_TMPDIR/tty.out
  # A pty of our own (python's pty module): SIGINT after two frames, then read to the end.
  run env OCRUN_TEST_MARK="$MARK" "$PYTHON" - "$RUNTIME" "$ROOT" "$out" 3>&- <<'EOF'
import os, pty, select, signal, sys, time
runtime, root, path = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(runtime, [runtime, "--root", root, "capacity", "--watch", "0.2", "--no-legend"])
data, sent, deadline = b"", False, time.time() + 15
while time.time() < deadline:
    if not sent and data.count(b"\x1b[H\x1b[2J") >= 2:
        os.kill(pid, signal.SIGINT)
        sent = True
    r, _, _ = select.select([fd], [], [], 0.05)
    if not r:
        continue
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        break
    if not chunk:
        break
    data += chunk
open(path, "wb").write(data)
if not sent:
    os.kill(pid, signal.SIGKILL)
_, st = os.waitpid(pid, 0)
print("sent" if sent else "not sent", "exit", os.waitstatus_to_exitcode(st))
EOF
  assert_success
  assert_equal "$output" "sent exit 0"
  local d
  d=$(cat -v "$out")
  [[ "$d" == '^[[?1049h^[[?25l^[[H^[[2Jocrun capacity: every 0.2 s, '* ]] || { echo "start: ${d:0:80}" >&2; false; }
  [[ "$d" == *'^[[?25h^[[?1049l' ]] || { echo "end: ${d: -80}" >&2; false; }
  [ "$(grep -o $'\e\[H\e\[2J' "$out" | wc -l)" -ge 2 ]
}

@test "capacity --watch --format json: one document per line and refresh; bad intervals refused" {
  mkb a "$GIB"
  up a
  local out=$BATS_TEST_TMPDIR/watch.json
  watch_bg "$out" --watch 0.2 --format json
  wait_for 10 _lines_at_least "$out" 2 || { cat "$out" >&2; false; }
  stop_watch INT
  assert_equal "$status" 0
  local line n=0
  while IFS= read -r line; do
    assert_equal "$(jq -r --arg id "$(cid a)" '.containers[] | select(.id == $id) | .id' <<<"$line")" "$(cid a)"
    [ "$(jq '.containers[0].cpu_percent' <<<"$line")" != null ]
    n=$((n + 1))
  done <"$out"
  [ "$n" -ge 2 ]
  # Bad intervals: one error line naming the value, non-zero, nothing on stdout.
  local bad
  for bad in 0 0.05 -1 1e9 nan; do
    run --separate-stderr runtime capacity --watch="$bad"
    assert_failure
    assert_equal "$output" ""
    [[ "$stderr" == *"invalid --watch interval \"$bad\": expected seconds from 0.1 to 86400"* ]] ||
      { echo "stderr: $stderr" >&2; false; }
  done
}

@test "capacity --explain: each container's vCPU count and where it came from" {
  local n
  for n in q s c d a; do mkb "$n" "$GIB"; done
  jq '.linux.resources.cpu = {quota: 150000, period: 100000}' "$(bdir q)/config.json" > "$BATS_TEST_TMPDIR/x" &&
    mv "$BATS_TEST_TMPDIR/x" "$(bdir q)/config.json"
  jq '.linux.resources.cpu = {cpus: "0-1"}' "$(bdir s)/config.json" > "$BATS_TEST_TMPDIR/x" &&
    mv "$BATS_TEST_TMPDIR/x" "$(bdir s)/config.json"
  jq '.linux.resources.cpu = {shares: 512}' "$(bdir c)/config.json" > "$BATS_TEST_TMPDIR/x" &&
    mv "$BATS_TEST_TMPDIR/x" "$(bdir c)/config.json"
  for n in q s c d; do cr "$n"; assert_success; done
  runtime create --vcpus 3 --bundle "$(bdir a)" "$(cid a)" >"$BATS_TEST_TMPDIR/a.out" 2>&1 ||
    { cat "$BATS_TEST_TMPDIR/a.out" >&2; false; }
  run runtime capacity --explain --no-legend
  assert_success
  assert_output_matches "^(vCPUs of| +) $(cid q): 1.5 vCPUs, from cpu quota / period\$"
  assert_output_matches "^(vCPUs of| +) $(cid s): 2 vCPUs, from cpuset CPU count\$"
  assert_output_matches "^(vCPUs of| +) $(cid c): 0.5 vCPUs, from cpu.shares / 1024\$"
  assert_output_matches "^(vCPUs of| +) $(cid d): 1 vCPUs, from default_vcpus \\(no CPU setting\\)\$"
  assert_output_matches "^(vCPUs of| +) $(cid a): 3 vCPUs, from annotation io.github.ocrun.vcpus\$"
}

# ---- --format json ----

# documented KEY: KEY is described in the man page (".B KEY" or "\fBKEY\fR").
documented() { grep -qxF ".B $1" "$MAN" || grep -qF "\\fB$1\\fR" "$MAN"; }

@test "capacity --format json: every field present, typed, and documented in ocrun(8)" {
  mkb a "$GIB"
  up a --vcpus 2
  run runtime capacity --format json
  assert_success
  local j=$output
  assert_equal "$(jq -c 'keys_unsorted' <<<"$j")" \
    '["policy","view","ledger","host","time","cpu_window_s","cpu_window_from","resources","over_capacity","effective_overcommit","counts","containers","pressure"]'
  assert_equal "$(jq -r .view <<<"$j")" host
  assert_equal "$(jq -c '.policy | keys_unsorted' <<<"$j")" '["source","mode","preset"]'
  assert_equal "$(jq -c '.host | keys_unsorted' <<<"$j")" '["cgroup","weight_file"]'
  assert_equal "$(jq -c '.resources | keys_unsorted' <<<"$j")" '["VCPU","MEMORY_MB"]'
  assert_equal "$(jq -c '[.resources[] | keys_unsorted] | unique' <<<"$j")" \
    '[["total","reserved","ratio","ha_reserve","capacity","allocated","free","largest_fit","formula","over_capacity"]]'
  assert_equal "$(jq -c '.counts | keys_unsorted' <<<"$j")" '["containers","unbounded","orchestrated","opt_out","stale"]'
  assert_equal "$(jq -c '.pressure | keys_unsorted' <<<"$j")" '["cpu","memory","io"]'
  local c
  c=$(jq -c --arg id "$(cid a)" '.containers[] | select(.id == $id)' <<<"$j")
  assert_equal "$(jq -c 'keys_unsorted' <<<"$c")" \
    '["id","root","cgroup","vcpus","vcpus_from","memory_limit_bytes","memory_charged_mb","weight","host_weight","pid","unbounded","no_cgroup","orchestrated","opt_out","creating","created","cpu_usage_usec","cpu_percent","memory_usage_bytes","oom_kills","nr_throttled","pressure"]'
  # Values: what the host and the ledger say.
  local mode=legacy
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then mode=unified
  elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then mode=hybrid; fi
  assert_equal "$(jq -r '.host | "\(.cgroup) \(.weight_file)"' <<<"$j")" "$mode $(weight_file)"
  local now t
  now=$(date +%s)
  t=$(jq .time <<<"$j")
  [ "$t" -le "$now" ] && [ "$t" -ge $((now - 60)) ]
  assert_equal "$(jq -c '[.id, .root, .cgroup, .vcpus, .memory_limit_bytes, .memory_charged_mb, .weight, .unbounded, .orchestrated, .opt_out, .creating]' <<<"$c")" \
    "[\"$(cid a)\",\"$ROOT\",\"/ocrun-test/$(cid a)\",2,$GIB,1024,200,false,false,false,false]"
  assert_equal "$(jq -r .vcpus_from <<<"$c")" "annotation io.github.ocrun.vcpus"
  assert_equal "$(jq .host_weight <<<"$c")" "$(host_weight "$(cid a)")"
  assert_equal "$(jq .pid <<<"$c")" "$(pid_of "$(cid a)")"
  [ "$(jq '.created | . > 0' <<<"$c")" = true ]
  assert_equal "$(jq -c '[.cpu_usage_usec, .cpu_percent, .memory_usage_bytes, .oom_kills, .nr_throttled] | map(type)' <<<"$c")" \
    '["number","number","number","number","number"]'
  assert_equal "$(jq -c '[.resources.VCPU.allocated, .resources.MEMORY_MB.allocated, .counts.containers]' <<<"$j")" '[2,1024,1]'
  assert_equal "$(jq -c '[.over_capacity, .resources.MEMORY_MB.over_capacity]' <<<"$j")" '[[],false]'
  # A container that is only created (not started) is not "creating": its init exists.
  mkb k "$GIB"
  cr k
  assert_success
  run runtime capacity --format json
  assert_equal "$(jq -r --arg id "$(cid k)" '.containers[] | select(.id == $id) | "\(.creating) \(.pid > 0)"' <<<"$output")" \
    "false true"
  # Every key that the output has is described in the man page.
  local key missing=
  for key in $(jq -r '[paths | .[] | strings] | unique | .[]' <<<"$j"); do
    documented "$key" || missing+=" $key"
  done
  [ -z "$missing" ] || { echo "not in $MAN:$missing" >&2; false; }
}
