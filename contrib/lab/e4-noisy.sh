# shellcheck shell=bash
# E4 noisy neighbour: a latency-sensitive victim (probe lat: sleep 1 ms, how late it wakes) of
# 1 vCPU next to an aggressor of R x cores - 1 vCPUs (cpu, mem or cache, stress-ng), both on the
# lab's cpuset, cpu.shares by vCPUs. "alone" is the victim by itself. Host CPU PSI (some avg10)
# read at the end of each run (cgroup v1 has no per-cgroup PSI).
# e4_noisy.csv: accel,side,aggressor,ratio,victim_p50_us,victim_p99_us,samples,host_cpu_psi
e4() {
  local runs t r
  case $mode in
    smoke) runs="alone=1 cpu=2" t=2 ;;
    quick) runs="alone=1 cpu=2 cpu=4 mem=4 cache=4" t=4 ;;
    full) runs="alone=1 cpu=2 mem=2 cache=2 cpu=4 mem=4 cache=4" t=10 ;;
  esac
  local pol
  pol=$(lab_policy e4 '{"mode": "warn", "cpu_allocation_ratio": 16.0, "ram_allocation_ratio": 1.0}')
  lab_cg_make e4
  echo "accel,side,aggressor,ratio,victim_p50_us,victim_p99_us,samples,host_cpu_psi" > "$LAB_OUT/e4_noisy.csv"
  steps_begin E4 $((2 * $(wc -w <<<"$runs")))
  for side in container vm; do
    for r in $runs; do
      step "$side victim, aggressor ${r%=*} at ${r#*=}:1"
      e4_run "$side" "$pol" "${r%=*}" "${r#*=}" "$t" >> "$LAB_OUT/e4_noisy.csv"
      step_done "p99 $(tail -n1 "$LAB_OUT/e4_noisy.csv" | cut -d, -f6) us"
    done
  done
}
# e4_run SIDE POLICY KIND RATIO T
e4_run() {
  local side=$1 pol=$2 kind=$3 ratio=$4 t=$5 av tag=e4-$1-$3-$4 res
  av=$((ratio * LAB_NCPUS - 1))
  if [ "$side" = container ]; then
    c_bundle e4 "$tag-v" sh /lab/work.sh lat "$t" >/dev/null
    c_create "$pol" "$tag-v" 1 256 "$LAB_TMP/b/$tag-v/out" || warn "E4: create $tag-v failed"
    if [ "$kind" != alone ]; then
      c_bundle e4 "$tag-a" sh /lab/work.sh aggr "$kind" "$av" $((t + 2)) >/dev/null
      c_create "$pol" "$tag-a" "$av" 256 "$LAB_TMP/b/$tag-a/out" || warn "E4: create $tag-a failed"
      c_start "$tag-a"
      sleep 1   # the aggressor is at full load before the victim measures
    fi
    c_start "$tag-v"
    wait_for $((t + 20)) c_stopped "$tag-v"
    res=$LAB_TMP/b/$tag-v/out
  else
    vm_start e4 "$tag-v" 1 256 "$LAB_TMP/$tag-v.out" "lab.wait=1 lab.mode=lat lab.a1=$t"
    if [ "$kind" != alone ]; then
      vm_start e4 "$tag-a" "$av" 256 "$LAB_TMP/$tag-a.out" "lab.wait=1 lab.mode=aggr lab.a1=$kind lab.a2=$av lab.a3=$((t + 2))"
      wait_for 300 grep -q LAB-READY "$LAB_TMP/$tag-a.out" || warn "E4: VM $tag-a not ready"
    fi
    wait_for 300 grep -q LAB-READY "$LAB_TMP/$tag-v.out" || warn "E4: VM $tag-v not ready"
    if [ "$kind" != alone ]; then vm_go "$tag-a"; sleep 1; fi
    vm_go "$tag-v"
    wait_for $((t + 60)) grep -q LAB-DONE "$LAB_TMP/$tag-v.out"
    res=$LAB_TMP/$tag-v.out
  fi
  local p
  p=$(psi cpu)
  if [ "$side" = container ]; then
    c_delete "$tag-v"
    [ "$kind" = alone ] || c_delete "$tag-a"
  else
    vm_wait "$tag-v" 30
    [ "$kind" = alone ] || vm_stop "$tag-a"
    "$VMCG" delete "$LAB_CG/e4/v-$tag-v" 2>/dev/null
    [ "$kind" = alone ] || "$VMCG" delete "$LAB_CG/e4/v-$tag-a" 2>/dev/null
  fi
  sed -n 's/^lat n=\([0-9]*\) p50_us=\([0-9-]*\) p99_us=\([0-9-]*\).*/\1 \2 \3/p' "$res" | head -n1 |
    awk -v a="$LAB_ACCEL" -v s="$side" -v k="$kind" -v r="$ratio:1" -v p="$p" \
      '{ printf "%s,%s,%s,%s,%s,%s,%s,%s\n", a, s, k, r, $2, $3, $1, p; ok = 1 }
       END { if (!ok) printf "%s,%s,%s,%s,NA,NA,0,%s\n", a, s, k, r, p }'
}
