# shellcheck shell=bash
# E2 overhead and density: host memory per idle instance for N instances, and how many fit.
# Container: memory.usage_in_bytes of its cgroup (ocrun itself has exited after `run -d`: no
# runtime process stays per container, so its PSS adds 0). VM: PSS of its QEMU process.
# e2_memory.csv: accel,side,n,total_mib,per_instance_mib
# e2_fit.csv:    accel,side,flavour_mib,node_mib,ram_ratio,fit,how
E2_FLAVOUR=256
e2() {
  local ns_c ns_v n csv=$LAB_OUT/e2_memory.csv fit=$LAB_OUT/e2_fit.csv pol
  case $mode in
    smoke) ns_c="1 2" ns_v="1" ;;
    quick) ns_c="1 2 4 8 16" ns_v="1 2 4" ;;
    full) ns_c="1 2 4 8 16 32 64" ns_v="1 2 4 8 16" ;;
  esac
  pol=$(lab_policy e2 '{"cpu_allocation_ratio": 16.0, "ram_allocation_ratio": 1.0}')
  lab_cg_make e2
  echo "accel,side,n,total_mib,per_instance_mib" > "$csv"
  steps_begin E2 "$(($(wc -w <<<"$ns_c $ns_v") + 1))"
  for n in $ns_c; do
    step "$n idle containers"
    e2_containers "$pol" "$n" >> "$csv"
    step_done "$(tail -n1 "$csv" | cut -d, -f5) MiB each"
  done
  for n in $ns_v; do
    step "$n idle VMs ($LAB_ACCEL)"
    e2_vms "$n" >> "$csv"
    step_done "$(tail -n1 "$csv" | cut -d, -f5) MiB each"
  done
  step "how many ${E2_FLAVOUR} MiB instances fit"
  e2_fit "$csv" > "$fit"
  step_done "$(awk -F, 'NR > 1 { printf "%s%s %s (%s)", s, $2, $6, $7; s = "; " }' "$fit")"
}
e2_containers() {
  local pol=$1 n=$2 i total=0 ok=0
  for i in $(seq "$n"); do
    c_bundle e2 "e2-i$n-$i" sh /lab/work.sh idle >/dev/null
    c_create "$pol" "e2-i$n-$i" 1 "$E2_FLAVOUR" "$LAB_TMP/b/e2-i$n-$i/out" && c_start "e2-i$n-$i" && ok=$((ok + 1))
  done
  for i in $(seq "$n"); do wait_for 20 grep -q LAB-READY "$LAB_TMP/b/e2-i$n-$i/out"; done
  for i in $(seq "$n"); do total=$((total + $(cg_mem_bytes "e2/c-e2-i$n-$i"))); done
  for i in $(seq "$n"); do c_delete "e2-i$n-$i"; done
  [ "$ok" = "$n" ] || warn "E2: only $ok of $n containers started"
  awk -v a="$LAB_ACCEL" -v n="$n" -v t="$total" 'BEGIN { printf "%s,container,%d,%.2f,%.3f\n", a, n, t / 1048576, t / 1048576 / n }'
}
e2_vms() {
  local n=$1 i total=0
  for i in $(seq "$n"); do vm_start e2 "e2-v$n-$i" 1 "$E2_FLAVOUR" "$LAB_TMP/e2-v$n-$i.out" "lab.mode=idle"; done
  for i in $(seq "$n"); do wait_for 180 grep -q LAB-READY "$LAB_TMP/e2-v$n-$i.out" || warn "E2: VM $i of $n not ready"; done
  for i in $(seq "$n"); do total=$((total + $(pss_kb "${VM_PID[e2-v$n-$i]}"))); done
  for i in $(seq "$n"); do vm_stop "e2-v$n-$i"; "$VMCG" delete "$LAB_CG/e2/v-e2-v$n-$i" 2>/dev/null; done
  awk -v a="$LAB_ACCEL" -v n="$n" -v t="$total" 'BEGIN { printf "%s,vm,%d,%.2f,%.3f\n", a, n, t / 1024, t / 1024 / n }'
}
# Containers: as many as the ledger admits on a lab node of 512 + 16 x flavour MiB (ratio 1.0),
# created until the first refusal. VMs: the same node's memory divided by the measured host
# memory of one VM (flavour RAM is only the guest's share of it): projected, not booted.
e2_fit() {
  local node=$((512 + 16 * E2_FLAVOUR)) pol fit=0 i vm_mib
  pol=$(lab_policy e2-fit '{"ram_allocation_ratio": 1.0, "cpu_allocation_ratio": 64.0}')
  echo "accel,side,flavour_mib,node_mib,ram_ratio,fit,how"
  for i in $(seq 40); do
    c_bundle e2 "e2-f$i" sh /lab/work.sh idle >/dev/null
    if ! OCRUN_HOST_MEMORY_MB=$node c_create "$pol" "e2-f$i" 1 "$E2_FLAVOUR" "$LAB_TMP/b/e2-f$i/out"; then
      cp "$LAB_TMP/b/e2-f$i/out.err" "$LAB_OUT/e2_refusal.txt" 2>/dev/null
      break
    fi
    fit=$i
  done 2>/dev/null
  for i in $(seq "$fit"); do c_delete "e2-f$i"; done
  echo "$LAB_ACCEL,container,$E2_FLAVOUR,$node,1.0,$fit,ledger admitted $fit then refused"
  vm_mib=$(awk -F, '$2 == "vm" { v = $5 } END { print v + 0 }' "$1")
  awk -v a="$LAB_ACCEL" -v f="$E2_FLAVOUR" -v node="$node" -v m="$vm_mib" 'BEGIN {
    fit = m > 0 ? int((node - 512) / m) : 0
    printf "%s,vm,%d,%d,1.0,%d,projected: (%d - 512) / %.1f MiB measured per VM\n", a, f, node, fit, node, m }'
}
