# shellcheck shell=bash
# E3 CPU fairness under overcommit: instances whose vCPUs add up to R x the lab's cores, all
# burning CPU (stress-ng --cpu, one hog per vCPU), shares by cpu.shares = 1024 x vCPUs on both
# sides. CPU time per instance from its cgroup's cpuacct.usage (cgroup v1: cpu.stat has no usage)
# over a common window once every instance runs. Expected share = vCPUs / total vCPUs.
# e3_shares.csv:  accel,side,step,ratio,instance,vcpus,cpu_s,share,expected,bogo_ops_s
# e3_summary.csv: accel,side,step,ratio,sizes,instances,jain,max_share_err,throughput_bogo_ops_s
e3() {
  local steps t win pol s
  case $mode in
    smoke) steps="2:1=1,1" t=3 ;;
    quick) steps="1:1=1 4:1=2,2 16:1=4,4,4,4 mixed=1,2,4" t=8 ;;
    full) steps="1:1=1 2:1=1,1 4:1=1,1,1,1 8:1=2,2,2,2 16:1=4,4,4,4 mixed=1,2,4 mixed2=1,2,4,1,2,4" t=20 ;;
  esac
  win=$((t - 2))
  # Sizes above the node's cores (a 4-vCPU instance on 1 core) are admitted with a warning in
  # warn mode: the experiment is about the split, not about admission (E5, E6 are).
  pol=$(lab_policy e3 '{"mode": "warn", "cpu_allocation_ratio": 16.0, "ram_allocation_ratio": 1.0}')
  lab_cg_make e3
  echo "accel,side,step,ratio,instance,vcpus,cpu_s,share,expected,bogo_ops_s" > "$LAB_OUT/e3_shares.csv"
  echo "accel,side,step,ratio,sizes,instances,jain,max_share_err,throughput_bogo_ops_s" > "$LAB_OUT/e3_summary.csv"
  steps_begin E3 $((2 * $(wc -w <<<"$steps")))
  for s in $steps; do
    step "ratio ${s%%=*} (vCPUs ${s#*=}), containers"
    e3_step container "$pol" "${s%%=*}" "${s#*=}" "$t" "$win"
    step_done "Jain $(tail -n1 "$LAB_OUT/e3_summary.csv" | cut -d, -f7)"
    step "ratio ${s%%=*} (vCPUs ${s#*=}), VMs ($LAB_ACCEL)"
    e3_step vm "$pol" "${s%%=*}" "${s#*=}" "$t" "$win"
    step_done "Jain $(tail -n1 "$LAB_OUT/e3_summary.csv" | cut -d, -f7)"
  done
}
# e3_step SIDE POLICY STEP SIZES T WINDOW
e3_step() {
  local side=$1 pol=$2 st=$3 sizes=${4//,/ } t=$5 win=$6 i=0 v names=() cgs=() vcpus=() total=0 n
  local ratio tag=${3//:/-}
  tag=${tag//mixed/mx}
  for v in $sizes; do
    i=$((i + 1))
    names+=("e3-$tag-$side-$i")
    vcpus+=("$v")
    total=$((total + v))
  done
  n=$i
  ratio=$(awk -v t="$total" -v c="$LAB_NCPUS" 'BEGIN { printf "%g", t / c }')
  local raw=$LAB_TMP/e3-$tag-$side.raw
  : > "$raw"
  if [ "$side" = container ]; then
    for i in $(seq "$n"); do
      c_bundle e3 "${names[i-1]}" sh /lab/work.sh cpu "${vcpus[i-1]}" "$t" >/dev/null
      c_create "$pol" "${names[i-1]}" "${vcpus[i-1]}" 256 "$LAB_TMP/b/${names[i-1]}/out" ||
        warn "E3: create ${names[i-1]}: $(head -c 300 "$LAB_TMP/b/${names[i-1]}/out.err")"
      cgs+=("e3/c-${names[i-1]}")
    done
    for i in $(seq "$n"); do c_start "${names[i-1]}"; done
  else
    for i in $(seq "$n"); do
      vm_start e3 "${names[i-1]}" "${vcpus[i-1]}" 256 "$LAB_TMP/${names[i-1]}.out" \
        "lab.wait=1 lab.mode=cpu lab.a1=${vcpus[i-1]} lab.a2=$t"
      cgs+=("e3/v-${names[i-1]}")
    done
    for i in $(seq "$n"); do
      wait_for 300 grep -q LAB-READY "$LAB_TMP/${names[i-1]}.out" || warn "E3: VM ${names[i-1]} not ready"
    done
    for i in $(seq "$n"); do vm_go "${names[i-1]}"; done
  fi
  # The window starts one second in (every hog running) and ends before the first one stops.
  sleep 1
  local u0=() u1=()
  for i in $(seq "$n"); do u0+=("$(cg_usage_ns "${cgs[i-1]}")"); done
  sleep "$win"
  for i in $(seq "$n"); do u1+=("$(cg_usage_ns "${cgs[i-1]}")"); done
  # Wait for the runs to end, then read stress-ng's bogo ops/s (real time) per instance.
  local outf
  for i in $(seq "$n"); do
    if [ "$side" = container ]; then
      outf=$LAB_TMP/b/${names[i-1]}/out
      wait_for $((t + 30)) c_stopped "${names[i-1]}" || warn "E3: ${names[i-1]} still running"
      c_delete "${names[i-1]}"
    else
      outf=$LAB_TMP/${names[i-1]}.out
      vm_wait "${names[i-1]}" $((t + 60))
      "$VMCG" delete "$LAB_CG/${cgs[i-1]}" 2>/dev/null
    fi
    echo "$i ${vcpus[i-1]} $((u1[i-1] - u0[i-1])) $(e3_bogo "$outf")" >> "$raw"
  done
  awk -v a="$LAB_ACCEL" -v side="$side" -v st="$st" -v r="$ratio" -v tot="$total" '
    { id[NR] = $1; vc[NR] = $2; ns[NR] = $3; bo[NR] = $4; sum += $3 }
    END { for (i = 1; i <= NR; i++)
      printf "%s,%s,%s,%s,%d,%d,%.3f,%.4f,%.4f,%s\n", a, side, st, r, id[i], vc[i], ns[i] / 1e9,
        (sum > 0 ? ns[i] / sum : 0), vc[i] / tot, bo[i] }' "$raw" >> "$LAB_OUT/e3_shares.csv"
  st_awk '$2 == side && $3 == st { n++; x[n] = $9 > 0 ? $8 / $9 : 0; e = share_err($8, $9); if (e < 0) e = -e
             if (e > me) me = e; if ($10 != "NA") tp += $10; sz = sz (sz == "" ? "" : "+") $6 }
           END { printf "%s,%s,%s,%s,%s,%d,%.4f,%.4f,%.1f\n", a, side, st, r, sz, n, jain(x, n), me, tp }' \
    a="$LAB_ACCEL" side="$side" st="$st" r="$ratio" "$LAB_OUT/e3_shares.csv" >> "$LAB_OUT/e3_summary.csv"
}
# e3_bogo OUT: the bogo ops/s (real time) of stress-ng's --metrics-brief "cpu" line, or NA.
e3_bogo() {
  awk '/ cpu / && $(NF-1) ~ /^[0-9.]+$/ { v = $(NF-1) } END { print v == "" ? "NA" : v }' "$1" 2>/dev/null
}
