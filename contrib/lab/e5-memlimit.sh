# shellcheck shell=bash
# E5 at the memory limit.
# A. One instance of 256 MiB allocates 384 MiB next to an idle neighbour: a container is
#    OOM-killed inside its cgroup (memory.limit_in_bytes); in a VM the guest kernel kills the
#    allocator inside the guest. Memory (cgroup usage) and host PSI sampled every 0.1 s.
# B. Admission: a node with 512 MiB for instances (reserved 512) takes 256 MiB instances under
#    ram_allocation_ratio 1.0 and 1.5, on both sides (ocrun's ledger; the lab's VM ledger, the
#    same rule). The admitted instances then fill their memory (a container holds 240 MiB of its
#    256; a guest holds 100 MiB, its kernel and initramfs use the rest) inside a parent cgroup
#    the size of the node's real memory (2 instances + their runtime overhead).
# e5_oom.csv:       accel,side,limit_mib,alloc_mib,killed,time_to_kill_ms,oom_kills,neighbour_alive
# e5_timeline.csv:  accel,side,t_s,mem_mib,host_mem_psi
# e5_admission.csv: accel,side,ram_ratio,capacity_mib,requested,admitted,refused,survivors,oom_kills,first_refusal
e5() {
  lab_cg_make e5
  echo "accel,side,limit_mib,alloc_mib,killed,time_to_kill_ms,oom_kills,neighbour_alive" > "$LAB_OUT/e5_oom.csv"
  echo "accel,side,t_s,mem_mib,host_mem_psi" > "$LAB_OUT/e5_timeline.csv"
  echo "accel,side,ram_ratio,capacity_mib,requested,admitted,refused,survivors,oom_kills,first_refusal" > "$LAB_OUT/e5_admission.csv"
  steps_begin E5 6
  local side r
  for side in container vm; do
    step "$side: allocate 384 MiB under a 256 MiB limit"
    e5_oom "$side"
    step_done "$(tail -n1 "$LAB_OUT/e5_oom.csv" | awk -F, '{ print "killed " $5 ", " $6 " ms" }')"
  done
  for side in container vm; do
    for r in 1.0 1.5; do
      step "$side: admission at RAM $r:1"
      e5_admission "$side" "$r" >> "$LAB_OUT/e5_admission.csv"
      step_done "$(tail -n1 "$LAB_OUT/e5_admission.csv" | awk -F, '{ print "admitted " $6 ", refused " $7 ", survivors " $8 }')"
    done
  done
}
# e5_sample SIDE CGPATH STOPFILE: timeline rows until STOPFILE exists.
e5_sample() {
  local t0=$SECONDS start
  start=$(now_ns)
  while [ ! -e "$3" ] && [ $((SECONDS - t0)) -lt 120 ]; do
    awk -v a="$LAB_ACCEL" -v s="$1" -v t0="$start" -v t1="$(now_ns)" -v m="$(cg_mem_bytes "$2")" -v p="$(psi memory)" \
      'BEGIN { printf "%s,%s,%.2f,%.1f,%s\n", a, s, (t1 - t0) / 1e9, m / 1048576, p }'
    sleep 0.1
  done
}
e5_oom() {
  local side=$1 pol out stop=$LAB_TMP/e5-$1.stop alive=no killed=no ttk=NA kills sampler
  pol=$(lab_policy e5 '{"ram_allocation_ratio": 1.0, "cpu_allocation_ratio": 16.0}')
  if [ "$side" = container ]; then
    c_bundle e5 e5-nb sh /lab/work.sh idle >/dev/null
    c_create "$pol" e5-nb 1 256 "$LAB_TMP/b/e5-nb/out" && c_start e5-nb
    c_bundle e5 e5-alloc sh /lab/work.sh alloc 384 >/dev/null
    c_create "$pol" e5-alloc 1 256 "$LAB_TMP/b/e5-alloc/out" || warn "E5: create e5-alloc failed"
    e5_sample container e5/c-e5-alloc "$stop" >> "$LAB_OUT/e5_timeline.csv" &
    sampler=$!
    c_start e5-alloc
    wait_for 60 c_stopped e5-alloc
    out=$LAB_TMP/b/e5-alloc/out
    kills=$(cg_oom_kills e5/c-e5-alloc)
    [ "$(c_status e5-nb)" = running ] && alive=yes
    touch "$stop"; wait "$sampler"
    c_delete e5-alloc
    c_delete e5-nb
  else
    vm_start e5 e5-vnb 1 256 "$LAB_TMP/e5-vnb.out" "lab.mode=idle"
    vm_start e5 e5-valloc 1 256 "$LAB_TMP/e5-valloc.out" "lab.wait=1 lab.mode=alloc lab.a1=384"
    wait_for 300 grep -q LAB-READY "$LAB_TMP/e5-valloc.out" || warn "E5: VM e5-valloc not ready"
    e5_sample vm e5/v-e5-valloc "$stop" >> "$LAB_OUT/e5_timeline.csv" &
    sampler=$!
    vm_go e5-valloc
    wait_for 120 grep -q LAB-DONE "$LAB_TMP/e5-valloc.out"
    out=$LAB_TMP/e5-valloc.out
    kills=$(sed -n 's/^guest-oom-kills \([0-9]*\)/\1/p' "$out" | head -n1)
    vm_alive e5-vnb && grep -q LAB-READY "$LAB_TMP/e5-vnb.out" && alive=yes
    touch "$stop"; wait "$sampler"
    vm_wait e5-valloc 30
    vm_stop e5-vnb
    "$VMCG" delete "$LAB_CG/e5/v-e5-valloc" 2>/dev/null
    "$VMCG" delete "$LAB_CG/e5/v-e5-vnb" 2>/dev/null
  fi
  # "alloc-exit STATUS MS": the allocator's end as its shell saw it; 137 = SIGKILL (OOM).
  local line
  line=$(grep -m1 '^alloc-exit' "$out")
  if [ -n "$line" ]; then
    set -- $line
    [ "$2" = 137 ] && killed=yes
    ttk=$3
  fi
  echo "$LAB_ACCEL,$side,256,384,$killed,$ttk,${kills:-NA},$alive" >> "$LAB_OUT/e5_oom.csv"
}
# e5_admission SIDE RATIO: one row.
e5_admission() {
  local side=$1 ratio=$2 node=1024 cap admitted=0 refused=0 survivors=0 kills=0 first='' i pol
  local rtag=${2/./} n=3 phys
  cap=$(awk -v r="$ratio" 'BEGIN { printf "%d", (1024 - 512) * r }')
  pol=$(lab_policy "e5-ram-$ratio" "{\"ram_allocation_ratio\": $ratio, \"reserved_host_memory_mb\": 512}")
  if [ "$side" = container ]; then
    phys=$((2 * (256 + 16)))
    lab_cg_make "e5/node-c$rtag" "$phys"
    for i in $(seq "$n"); do
      c_bundle "e5/node-c$rtag" "e5a-$rtag-$i" sh /lab/work.sh hold 240 >/dev/null
      if OCRUN_HOST_MEMORY_MB=$node c_create "$pol" "e5a-$rtag-$i" 1 256 "$LAB_TMP/b/e5a-$rtag-$i/out"; then
        admitted=$((admitted + 1))
        c_start "e5a-$rtag-$i"
      else
        refused=$((refused + 1))
        [ -n "$first" ] || first=$(head -n1 "$LAB_TMP/b/e5a-$rtag-$i/out.err" | tr ',' ';')
      fi
    done
    # Each admitted one holds its memory, or dies trying.
    for i in $(seq "$admitted"); do
      wait_for 30 eval "grep -q LAB-HELD $LAB_TMP/b/e5a-$rtag-$i/out || c_stopped e5a-$rtag-$i"
    done
    for i in $(seq "$admitted"); do [ "$(c_status "e5a-$rtag-$i")" = running ] && survivors=$((survivors + 1)); done
    kills=$(cg_oom_kills_tree "e5/node-c$rtag")
    for i in $(seq "$n"); do c_delete "e5a-$rtag-$i"; done
  else
    phys=$((2 * (256 + LAB_VM_OVERHEAD_MB)))
    lab_cg_make "e5/node-v$rtag" "$phys"
    local ledger=$LAB_TMP/vm-ledger-$rtag reason
    for i in $(seq "$n"); do
      if reason=$(VM_ADMIT_PID=$$ vm_admit "$ledger" "$cap" "e5v-$rtag-$i" 256); then
        admitted=$((admitted + 1))
        [ "$mode" = smoke ] && continue   # smoke: the admission decision only, no boot
        vm_start "e5/node-v$rtag" "e5v-$rtag-$i" 1 256 "$LAB_TMP/e5v-$rtag-$i.out" "lab.mode=hold lab.a1=100"
      else
        refused=$((refused + 1))
        [ -n "$first" ] || first=$(echo "lab: $reason" | tr ',' ';')
      fi
    done
    if [ "$mode" = smoke ]; then
      survivors=NA kills=NA
    else
      for i in $(seq "$admitted"); do
        wait_for 300 eval "grep -q LAB-HELD $LAB_TMP/e5v-$rtag-$i.out || ! kill -0 ${VM_PID[e5v-$rtag-$i]} 2>/dev/null"
      done
      for i in $(seq "$admitted"); do vm_alive "e5v-$rtag-$i" && survivors=$((survivors + 1)); done
      kills=$(cg_oom_kills_tree "e5/node-v$rtag")
      for i in $(seq "$admitted"); do vm_stop "e5v-$rtag-$i"; done
    fi
  fi
  echo "$LAB_ACCEL,$side,$ratio,$cap,$n,$admitted,$refused,$survivors,$kills,${first:-none}"
}
