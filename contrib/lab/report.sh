#!/bin/bash
# report.sh DIR: report.md for the lab results in DIR, on stdout. Every sentence about a result
# is computed from DIR's CSVs (comparisons with thresholds said in the text); a comparison the
# data cannot carry says "inconclusive".
set -uo pipefail
dir=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
env=$dir/env.json
accel=$(jq -r .accelerator "$env")
st() { local prog=$1; shift; awk -F, "$(cat "$here/stats.awk")
$prog" "$@"; }
# csv_table FILE: a CSV as a markdown table.
csv_table() { awk -F, '{ printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print "" }
  NR == 1 { printf "|"; for (i = 1; i <= NF; i++) printf "---|"; print "" }' "$1"; }
img() { [ -f "$dir/$1" ] && printf '![%s](%s)\n\n' "$2" "$1"; }
# ratio A B: A / B with one decimal, or NA.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.1f", a / b }'; }

cat <<EOF
# ocrun lab: containers and VMs under the cloud's overcommit policy

$(jq -r '"Measured \(.date) in \(.mode) mode on \(.cpu_model) (\(.cores) cores; the lab pinned every instance to cpuset \(.lab_cpus), \(.lab_cores) core(s)), kernel \(.kernel), cgroups \(.cgroup_mode), \(.ocrun), \(.qemu), \(.stress_ng), libcgroup \(.libcgroup); guest kernel \(.guest_kernel)."' "$env")

**Accelerator: $accel.** $(jq -r .accelerator_note "$env").
EOF
if [ "$accel" = tcg ]; then
  cat <<'EOF'
Under TCG every guest instruction is translated by QEMU, so **absolute CPU speed inside a VM is
not comparable** with a container (or with a KVM guest): E1 VM start-up times, E3 bogo-ops
throughput and E4 latencies inside VMs are TCG numbers, slower than KVM by an order of
magnitude. **TCG does not invalidate** what the host decides: how the host scheduler splits CPU
time between QEMU processes by cpu.shares (E3 shares, Jain's index), the host memory each
instance costs (E2, QEMU's own footprint is larger under TCG by its translation cache), and the
isolation semantics (who gets OOM-killed where, E5; admission, E6).
EOF
fi
echo

# ---- E1 ----
if [ -f "$dir/e1_startup.csv" ]; then
  med() { st '$2 == s && $3 == m && $5 != "NA" { v[++n] = $5 } END { print n ? pct(v, n, 50) : "NA" }' s="$1" m="$2" "$dir/e1_startup.csv"; }
  cnt() { awk -F, -v s="$1" -v m="$2" '$2 == s && $3 == m && $5 != "NA" { n++ } END { print n + 0 }' "$dir/e1_startup.csv"; }
  cs=$(med container sequential) cp=$(med container parallel) vs=$(med vm sequential) vp=$(med vm parallel)
  echo "## E1 start-up latency"
  echo
  img e1_startup_cdf.png "E1 CDF"
  echo "Median time from the request to the workload's first output: containers $cs ms one at a time ($(cnt container sequential) starts), $cp ms with $(cnt container parallel) at once; VMs ($accel) $vs ms one at a time ($(cnt vm sequential)), $vp ms with $(cnt vm parallel) at once."
  r=$(ratio "$vs" "$cs")
  if [ "$r" = NA ]; then
    echo "The comparison is inconclusive (a side has no measurement)."
  else
    echo "A VM took ${r}x as long as a container to produce its first output when started alone$( [ "$accel" = tcg ] && echo ' (TCG: the guest kernel boot is emulated, so this factor overstates what KVM would show)')."
    rp=$(ratio "$cp" "$cs")
    [ "$rp" != NA ] && echo "Starting containers together multiplied their median by $rp (the cost of sharing $(jq -r .lab_cores "$env") core(s))."
  fi
  echo
fi

# ---- E2 ----
if [ -f "$dir/e2_memory.csv" ]; then
  echo "## E2 overhead and density"
  echo
  img e2_memory.png "E2 memory per instance"
  cm=$(awk -F, '$2 == "container" { v = $5; n = $3 } END { print v == "" ? "NA" : v " " n }' "$dir/e2_memory.csv")
  vm=$(awk -F, '$2 == "vm" { v = $5; n = $3 } END { print v == "" ? "NA" : v " " n }' "$dir/e2_memory.csv")
  if [ "$cm" = NA ] || [ "$vm" = NA ]; then
    echo "Inconclusive: a side has no measurement."
  else
    set -- $cm; c_mib=$1 c_n=$2
    set -- $vm; v_mib=$1 v_n=$2
    echo "An idle container cost $c_mib MiB of host memory (at N = $c_n), an idle VM $v_mib MiB (QEMU's PSS at N = $v_n): $(ratio "$v_mib" "$c_mib")x as much. A VM pays for its guest kernel, the guest's page cache and QEMU itself$( [ "$accel" = tcg ] && echo ', plus the TCG translation cache (64 MiB per VM here)'); a container shares the host kernel and pays for its processes only."
  fi
  if [ -f "$dir/e2_fit.csv" ]; then
    echo
    csv_table "$dir/e2_fit.csv"
    [ -f "$dir/e2_refusal.txt" ] && printf '\nThe refusal that ended the count: `%s`\n' "$(head -n1 "$dir/e2_refusal.txt")"
  fi
  echo
fi

# ---- E3 ----
if [ -f "$dir/e3_summary.csv" ]; then
  echo "## E3 CPU fairness under overcommit"
  echo
  img e3_shares.png "E3 shares"
  img e3_jain.png "E3 Jain"
  img e3_throughput.png "E3 throughput"
  csv_table "$dir/e3_summary.csv"
  echo
  for side in container vm; do
    awk -F, -v s="$side" -v a="$accel" 'NR > 1 && $2 == s && $6 > 1 {
        n++; if ($7 < minj || minj == "") { minj = $7; at = $3 }; if ($8 > me) { me = $8; mat = $3 } }
      END {
        who = s == "vm" ? "VMs (" a ")" : "Containers"
        if (!n) { printf "%s: inconclusive (no step with more than one instance).\n\n", who; exit }
        verdict = minj >= 0.95 ? "got their expected shares" : (minj >= 0.8 ? "got roughly their expected shares" : "did not get their expected shares")
        printf "%s %s: the lowest Jain index over %d multi-instance step(s) is %.3f (step %s), the largest share error %.0f%% (step %s).\n\n", who, verdict, n, minj, at, me * 100, mat }' "$dir/e3_summary.csv"
  done
  j16c=$(awk -F, '$2 == "container" && $3 == "16:1" { print $7 }' "$dir/e3_summary.csv")
  j16v=$(awk -F, '$2 == "vm" && $3 == "16:1" { print $7 }' "$dir/e3_summary.csv")
  [ -n "$j16c$j16v" ] && echo "At 16:1, Jain's index: containers ${j16c:-NA}, VMs ${j16v:-NA}. Both sides are weighted by the same cpu.shares = 1024 x vCPUs, so the host scheduler treats a QEMU process like a container; throughput is stress-ng's bogo ops/s summed over instances$( [ "$accel" = tcg ] && echo ' (VM throughput is emulated: compare each side across ratios, not the sides with each other)')."
  echo
fi

# ---- E4 ----
if [ -f "$dir/e4_noisy.csv" ]; then
  echo "## E4 noisy neighbour"
  echo
  img e4_noisy.png "E4 noisy neighbour"
  csv_table "$dir/e4_noisy.csv"
  echo
  for side in container vm; do
    awk -F, -v s="$side" -v a="$accel" 'NR > 1 && $2 == s {
        if ($3 == "alone") base = $6; else if ($6 != "NA" && $6 + 0 > worst + 0) { worst = $6; wk = $3 " at " $4 } }
      END {
        who = s == "vm" ? "In a VM (" a ")" : "In a container"
        if (base == "" || base == "NA" || worst == "") { printf "%s: inconclusive (missing the baseline or an aggressor run).\n\n", who; exit }
        f = base > 0 ? worst / base : 0
        printf "%s the victim woke %s us late at p99 alone and %s us next to the worst aggressor (%s): %.1fx. %s\n\n", who, base, worst, wk, f,
          f < 1.5 ? "The neighbour hardly mattered." : "The neighbour hurt the victim."
      }' "$dir/e4_noisy.csv"
  done
  echo "Host CPU PSI is the whole machine's (cgroup v1 has no per-group PSI; the machine is shared), so read it as context, not as the victim's own pressure."
  echo
fi

# ---- E5 ----
if [ -f "$dir/e5_oom.csv" ]; then
  echo "## E5 at the memory limit"
  echo
  img e5_timeline.png "E5 memory timeline"
  csv_table "$dir/e5_oom.csv"
  echo
  awk -F, 'NR > 1 {
      who = $2 == "vm" ? "In the VM" : "The container"
      if ($5 == "yes") printf "%s: the allocator was killed after %s ms (from its start, allocation included), %s OOM kill(s) counted %s; the idle neighbour %s.\n", who, $6, $7, $2 == "vm" ? "by the guest kernel" : "in the cgroup'"'"'s memory.oom_control", $8 == "yes" ? "kept running" : "did not survive"
      else printf "%s: the allocator was not killed (exit record: %s); inconclusive.\n", who, $6 }' "$dir/e5_oom.csv"
  echo
  if [ -f "$dir/e5_admission.csv" ]; then
    img e5_admission.png "E5 admission"
    csv_table "$dir/e5_admission.csv"
    echo
    awk -F, 'NR > 1 {
        who = $2 == "vm" ? "VMs" : "Containers"
        s = sprintf("%s at RAM %s:1: %d of %d admitted, %d refused", who, $3, $6, $5, $7)
        if ($8 == "NA") s = s " (admission only in this mode)"
        else s = s sprintf(", %s still running once every admitted instance used its memory", $8)
        print s "." }' "$dir/e5_admission.csv"
    for side in container vm; do
      awk -F, -v s="$side" 'NR > 1 && $2 == s && $8 != "NA" { m = 1; if ($3 == "1.5") { lost = $8 < $6; a15 = $6 } else if ($3 == "1.0") { kept = $8 == $6; r10 = $7 } }
        END {
          who = s == "vm" ? "VMs" : "Containers"
          if (!m) { printf "\n%s: the fill phase did not run in this mode; inconclusive.\n", who; exit }
          if (lost && kept && r10 > 0) printf "\n%s: at 1.5:1 the node admitted %d instances it could not hold, and one was lost when they filled their memory; at 1:1 the ledger refused the third up front and every admitted one survived. CPU may be overcommitted, memory not.\n", who, a15
          else printf "\n%s: inconclusive in this run (%s).\n", who, !lost ? "no instance was lost at 1.5:1" : "an instance was lost at 1:1 too" }' "$dir/e5_admission.csv"
    done
    for p in "$dir"/policies/e5-ram-*.json; do [ -f "$p" ] && printf '\nPolicy `%s`: `%s`\n' "$(basename "$p")" "$(tr -d '\n' < "$p")"; done
  fi
  echo
fi

# ---- E6 ----
if [ -f "$dir/e6_admission.csv" ]; then
  echo "## E6 admission correctness"
  echo
  img e6_admission.png "E6 admission"
  csv_table "$dir/e6_admission.csv"
  echo
  awk -F, 'NR > 1 { n++; if ($6 == "pass") p++ } END { printf "%d of %d checks passed%s.\n", p, n, p == n ? "" : ": the failed rows above are defects" }' "$dir/e6_admission.csv"
  echo
fi
