# shellcheck shell=bash
# E6 admission correctness: N creates at once against a capacity for N/2 (64 MiB instances);
# kill -9 of the creator mid-create; the ledger must equal the live instances afterwards. The
# same checks against the lab's VM ledger (admission only: no guest is booted).
# e6_admission.csv: accel,side,check,expected,got,result
E6_MB=64
e6() {
  local n pol node
  case $mode in smoke) n=4 ;; quick) n=8 ;; full) n=16 ;; esac
  node=$((512 + n / 2 * E6_MB))
  pol=$(lab_policy e6 '{"ram_allocation_ratio": 1.0, "cpu_allocation_ratio": 64.0, "reserved_host_memory_mb": 512}')
  lab_cg_make e6
  local csv=$LAB_OUT/e6_admission.csv
  echo "accel,side,check,expected,got,result" > "$csv"
  steps_begin E6 4
  step "$n parallel ocrun creates, capacity for $((n / 2))"
  e6_containers "$pol" "$n" "$node" >> "$csv"
  step_done "$(e6_tally "$csv" container)"
  step "kill -9 of ocrun create after admission"
  e6_kill_container "$pol" "$node" >> "$csv"
  step_done "$(e6_tally "$csv" container-kill)"
  step "$n parallel VM admissions, capacity for $((n / 2))"
  e6_vms "$n" >> "$csv"
  step_done "$(e6_tally "$csv" vm)"
  step "kill -9 of a VM launcher after admission"
  e6_kill_vm >> "$csv"
  step_done "$(e6_tally "$csv" vm-kill)"
}
e6_tally() { awk -F, -v s="$2" '$2 == s { n++; if ($6 == "pass") p++ } END { printf "%d/%d pass", p, n }' "$1"; }
e6_row() { # SIDE CHECK EXPECTED GOT
  local r=fail
  [ "$3" = "$4" ] && r=pass
  echo "$LAB_ACCEL,$1,$2,$3,$4,$r"
}
e6_allocated() { OCRUN_HOST_MEMORY_MB=$2 OCRUN_POLICY=$1 oc capacity --format json | jq '.resources.MEMORY_MB.allocated'; }
e6_live() { oc list --format json 2>/dev/null | jq '[.[] | select(.status != "stopped")] | length'; }
e6_containers() {
  local pol=$1 n=$2 node=$3 i ok=0
  for i in $(seq "$n"); do c_bundle e6 "e6-$i" sleep 1000000 >/dev/null; LAB_CONTAINERS+=("e6-$i"); done
  local pids=()
  for i in $(seq "$n"); do
    ( OCRUN_HOST_MEMORY_MB=$node OCRUN_POLICY=$pol oc create --bundle "$LAB_TMP/b/e6-$i" --memory "${E6_MB}m" "e6-$i" \
        </dev/null >/dev/null 2>"$LAB_TMP/e6-$i.err"; echo $? > "$LAB_TMP/e6-$i.rc" ) &
    pids+=("$!")
  done
  wait "${pids[@]}"
  for i in $(seq "$n"); do [ "$(cat "$LAB_TMP/e6-$i.rc")" = 0 ] && ok=$((ok + 1)); done
  e6_row container "parallel creates admitted" $((n / 2)) "$ok"
  e6_row container "refusals name MEMORY_MB" $((n - n / 2)) "$(cat "$LAB_TMP"/e6-*.err | grep -c 'refused: insufficient MEMORY_MB')"
  e6_row container "ledger MB = live containers x $E6_MB" $(($(e6_live) * E6_MB)) "$(e6_allocated "$pol" "$node")"
}
e6_kill_container() {
  local pol=$1 node=$2 pid
  # Make room for one, then kill its creator after admission (OCRUN_TEST_PAUSE_AT stops it there).
  local victim
  victim=$(oc list --format json | jq -r '[.[] | .id] | first')
  c_delete "$victim"
  c_bundle e6 e6-k sleep 1000000 >/dev/null
  LAB_CONTAINERS+=(e6-k)
  # ocrun itself, not the oc function: $! must be ocrun's pid.
  OCRUN_TEST_PAUSE_AT=admitted OCRUN_HOST_MEMORY_MB=$node OCRUN_POLICY=$pol OCRUN_LEDGER_DIR=$LAB_TMP/ledger \
    OCRUN_HOST_CPUS=$LAB_NCPUS "$OCRUN" --root "$LAB_TMP/root" create --bundle "$LAB_TMP/b/e6-k" \
    --memory "${E6_MB}m" e6-k </dev/null >/dev/null 2>&1 &
  pid=$!
  wait_for 20 eval "[ \"\$(awk '{ print \$3 }' /proc/$pid/stat 2>/dev/null)\" = T ]"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  e6_row container-kill "ledger MB after kill -9 = live x $E6_MB" $(($(e6_live) * E6_MB)) "$(e6_allocated "$pol" "$node")"
  # The slot is free again: a new create is admitted.
  c_bundle e6 e6-after sleep 1000000 >/dev/null
  LAB_CONTAINERS+=(e6-after)
  local rc=0
  OCRUN_HOST_MEMORY_MB=$node OCRUN_POLICY=$pol oc create --bundle "$LAB_TMP/b/e6-after" --memory "${E6_MB}m" e6-after \
    </dev/null >/dev/null 2>&1 || rc=$?
  e6_row container-kill "create after the kill admitted (exit)" 0 "$rc"
  local c
  for c in $(oc list --format json | jq -r '.[].id'); do c_delete "$c"; done
  e6_row container-kill "ledger MB after deleting all" 0 "$(e6_allocated "$pol" "$node")"
}
e6_vms() {
  local n=$1 i ok=0 ledger=$LAB_TMP/e6-vm-ledger cap=$((n / 2 * E6_MB)) holders=()
  # Each launcher holds its slot while it lives (a sleeping stand-in for its QEMU).
  for i in $(seq "$n"); do
    ( if VM_ADMIT_PID=$BASHPID vm_admit "$ledger" "$cap" "v$i" "$E6_MB" >/dev/null; then
        echo 0 > "$LAB_TMP/e6-v$i.rc"; exec sleep 1000000
      else echo 1 > "$LAB_TMP/e6-v$i.rc"; fi ) &
    holders+=("$!")
  done
  for i in $(seq "$n"); do wait_for 20 test -s "$LAB_TMP/e6-v$i.rc"; done
  for i in $(seq "$n"); do [ "$(cat "$LAB_TMP/e6-v$i.rc")" = 0 ] && ok=$((ok + 1)); done
  e6_row vm "parallel admissions admitted" $((n / 2)) "$ok"
  e6_row vm "ledger MB = live launchers x $E6_MB" $((ok * E6_MB)) "$(vm_ledger_mb "$ledger")"
  E6_HOLDERS=("${holders[@]}")
}
e6_kill_vm() {
  local ledger=$LAB_TMP/e6-vm-ledger n=${#E6_HOLDERS[@]} p live=0
  # kill -9 one live launcher: its entry must be reconciled away and its slot reused.
  for p in "${E6_HOLDERS[@]}"; do
    if kill -0 "$p" 2>/dev/null; then kill -KILL "$p"; wait "$p" 2>/dev/null; break; fi
  done
  for p in "${E6_HOLDERS[@]}"; do kill -0 "$p" 2>/dev/null && live=$((live + 1)); done
  e6_row vm-kill "ledger MB after kill -9 = live x $E6_MB" $((live * E6_MB)) "$(vm_ledger_mb "$ledger")"
  rm -f "$LAB_TMP/e6-after.rc"
  ( if VM_ADMIT_PID=$BASHPID vm_admit "$ledger" $((n / 2 * E6_MB)) v-after "$E6_MB" >/dev/null; then
      echo 0 > "$LAB_TMP/e6-after.rc"; exec sleep 1000000
    else echo 1 > "$LAB_TMP/e6-after.rc"; fi ) &
  E6_HOLDERS+=("$!")
  wait_for 20 test -s "$LAB_TMP/e6-after.rc"
  e6_row vm-kill "admission after the kill admitted (exit)" 0 "$(cat "$LAB_TMP/e6-after.rc")"
  for p in "${E6_HOLDERS[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  e6_row vm-kill "ledger MB after stopping all" 0 "$(vm_ledger_mb "$ledger")"
}
