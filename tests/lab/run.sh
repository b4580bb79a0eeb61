#!/bin/bash
# tests/lab/run.sh: the lab's smoke suite (make check). The analysis functions on fixed inputs,
# then contrib/lab/lab.sh --smoke (the smallest version of each experiment: one or two
# containers and VMs, seconds each) and checks of what it wrote: every CSV with its columns and
# plausible values, env.json, every plot a valid PNG, report.md referencing every plot, and
# nothing left behind (cgroups under ocrun-lab, QEMU processes). Ends "lab: N passed, N failed".
# Needs root and the lock (tests/README.md). Skips, saying why, without QEMU or libcgroup.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
lab=$top/contrib/lab
. "$top/tests/lib/summary.sh"
passed=0 failed=0 n=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1${2:+: $2}"; }
# check NAME CMD...: one test.
check() { local name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
finish() { summary_print lab "$passed" "$failed"; [ "$failed" -eq 0 ]; exit $?; }

# ---- the analysis, on fixed inputs ----
st() { awk "$(cat "$lab/stats.awk")
BEGIN { $1 }"; }
eq() { [ "$(st "$1")" = "$2" ] || { echo "# $1 gave '$(st "$1")', want '$2'" >&2; return 1; }; }
check "pct: nearest rank p50 of 5 1 3 is 3" eq 'v[1]=5; v[2]=1; v[3]=3; print pct(v, 3, 50)' 3
check "pct: p99 of 1..100 is 99" eq 'for (i = 1; i <= 100; i++) v[i] = 101 - i; print pct(v, 100, 99)' 99
check "pct: p100 of 1..10 is 10, p1 is 1" eq 'for (i = 1; i <= 10; i++) v[i] = i; a = pct(v, 10, 100); print a, pct(v, 10, 1)' "10 1"
check "pct: no sample is NA" eq 'print pct(v, 0, 50)' NA
check "jain: equal shares give 1" eq 'x[1]=1; x[2]=1; x[3]=1; x[4]=1; print jain(x, 4)' 1
check "jain: one of four gets all gives 0.25" eq 'x[1]=1; x[2]=0; x[3]=0; x[4]=0; print jain(x, 4)' 0.25
check "jain: 1 and 2 give 0.9" eq 'x[1]=1; x[2]=2; printf "%.4f", jain(x, 2)' 0.9000
check "share_err: 0.3 against 0.25 is +20%" eq 'printf "%.3f", share_err(0.3, 0.25)' 0.200
check "share_err: 0.2 against 0.25 is -20%" eq 'printf "%.3f", share_err(0.2, 0.25)' -0.200

# ---- the smoke run ----
[ "$(id -u)" = 0 ] || { echo "skip lab smoke run: needs root"; finish; }
command -v qemu-system-x86_64 >/dev/null || { echo "skip lab smoke run: qemu-system-x86_64 not installed"; finish; }
[ -f /usr/include/libcgroup.h ] || { echo "skip lab smoke run: libcgroup-dev not installed"; finish; }
[ -d /sys/fs/cgroup/cpu ] && [ -d /sys/fs/cgroup/memory ] ||
  { echo "skip lab smoke run: not a cgroup v1/hybrid host (the lab drives the v1 cpu and memory controllers)"; finish; }
make -s -C "$top" lab-tools >/dev/null || { nok "make lab-tools"; finish; }
out=$(mktemp -d /tmp/ocrun-lab-smoke.XXXXXX)
trap 'rm -rf "$out"' EXIT
start=$SECONDS
if (cd "$out" && "$lab/lab.sh" --smoke --out "$out/r") > "$out/lab.log" 2>&1; then
  ok "lab.sh --smoke exits 0 ($((SECONDS - start)) s)"
else
  nok "lab.sh --smoke exits 0" "$(tail -n 5 "$out/lab.log" | tr '\n' ' ')"
fi
sed 's/^/# /' "$out/lab.log"
r=$out/r

# header FILE COLUMNS: the CSV exists, its header is COLUMNS, and it has a data row.
header() {
  [ -f "$r/$1" ] || { echo "# $1 missing" >&2; return 1; }
  [ "$(head -n1 "$r/$1")" = "$2" ] || { echo "# $1 header: $(head -n1 "$r/$1")" >&2; return 1; }
  [ "$(wc -l < "$r/$1")" -ge 2 ] || { echo "# $1 has no data row" >&2; return 1; }
}
check "e1_startup.csv columns" header e1_startup.csv "accel,side,mode,i,latency_ms"
check "e2_memory.csv columns" header e2_memory.csv "accel,side,n,total_mib,per_instance_mib"
check "e2_fit.csv columns" header e2_fit.csv "accel,side,flavour_mib,node_mib,ram_ratio,fit,how"
check "e3_shares.csv columns" header e3_shares.csv "accel,side,step,ratio,instance,vcpus,cpu_s,share,expected,bogo_ops_s"
check "e3_summary.csv columns" header e3_summary.csv "accel,side,step,ratio,sizes,instances,jain,max_share_err,throughput_bogo_ops_s"
check "e4_noisy.csv columns" header e4_noisy.csv "accel,side,aggressor,ratio,victim_p50_us,victim_p99_us,samples,host_cpu_psi"
check "e5_oom.csv columns" header e5_oom.csv "accel,side,limit_mib,alloc_mib,killed,time_to_kill_ms,oom_kills,neighbour_alive"
check "e5_timeline.csv columns" header e5_timeline.csv "accel,side,t_s,mem_mib,host_mem_psi"
check "e5_admission.csv columns" header e5_admission.csv "accel,side,ram_ratio,capacity_mib,requested,admitted,refused,survivors,oom_kills,first_refusal"
check "e6_admission.csv columns" header e6_admission.csv "accel,side,check,expected,got,result"

accel=$(jq -r .accelerator "$r/env.json" 2>/dev/null)
check "env.json names kernel, cgroup mode, CPU, cores, accelerator, versions, mode" \
  jq -e '.kernel and .cgroup_mode and .cpu_model and .cores > 0 and (.accelerator | test("^(tcg|kvm)$"))
         and .qemu and .ocrun and .stress_ng and .mode == "smoke"' "$r/env.json" >/dev/null
accel_col() { awk -F, -v a="$accel" 'FNR > 1 && $1 != a { bad = 1 } END { exit bad }' "$r"/*.csv; }
check "every CSV row labels the accelerator ($accel)" accel_col

# awk_ok FILE PROG: PROG sets bad = 1 on an implausible row (it prints why).
awk_ok() { awk -F, "$2"' END { exit bad }' "$r/$1"; }
check "E1: every latency is a number > 0, both sides" awk_ok e1_startup.csv \
  'NR > 1 { if ($5 !~ /^[0-9.]+$/ || $5 <= 0) { print "# bad latency: " $0; bad = 1 }; s[$2]++ } END { if (!s["container"] || !s["vm"]) bad = 1 }'
check "E2: memory per instance > 0, both sides" awk_ok e2_memory.csv \
  'NR > 1 { if (!($5 > 0)) { print "# " $0; bad = 1 }; s[$2]++ } END { if (!s["container"] || !s["vm"]) bad = 1 }'
check "E2: the ledger refused after some containers fitted" awk_ok e2_fit.csv \
  'NR > 1 && $2 == "container" { c = 1; if (!($6 > 0) || $7 !~ /refused/) { print "# " $0; bad = 1 } } END { if (!c) bad = 1 }'
check "E3: shares of each step sum to 1 (0.98..1.02), every instance ran" awk_ok e3_shares.csv \
  'NR > 1 { k = $2 " " $3; s[k] += $8; if (!($7 > 0)) { print "# no CPU time: " $0; bad = 1 } }
   END { for (k in s) if (s[k] < 0.98 || s[k] > 1.02) { print "# shares of " k " sum to " s[k]; bad = 1 } }'
check "E3: 0 < Jain <= 1, both sides" awk_ok e3_summary.csv \
  'NR > 1 { if (!($7 > 0 && $7 <= 1.0001)) { print "# " $0; bad = 1 }; s[$2]++ } END { if (!s["container"] || !s["vm"]) bad = 1 }'
check "E4: victim percentiles measured, p99 >= p50 >= 0" awk_ok e4_noisy.csv \
  'NR > 1 { if ($5 !~ /^[0-9]+$/ || $6 !~ /^[0-9]+$/ || $6 + 0 < $5 + 0 || !($7 > 0)) { print "# " $0; bad = 1 } }'
check "E5: the container was OOM-killed, its neighbour kept running" awk_ok e5_oom.csv \
  'NR > 1 && $2 == "container" { c = 1; if ($5 != "yes" || !($6 > 0) || !($7 >= 1) || $8 != "yes") { print "# " $0; bad = 1 } } END { if (!c) bad = 1 }'
check "E5: the VM's allocator was killed inside the guest, the other VM kept running" awk_ok e5_oom.csv \
  'NR > 1 && $2 == "vm" { v = 1; if ($5 != "yes" || $8 != "yes") { print "# " $0; bad = 1 } } END { if (!v) bad = 1 }'
check "E5: RAM 1:1 refuses the third 256 MiB instance on both sides, 1.5:1 admits it" awk_ok e5_admission.csv \
  'NR > 1 { if (($3 == "1.0" && ($6 != 2 || $7 != 1)) || ($3 == "1.5" && ($6 != 3 || $7 != 0))) { print "# " $0; bad = 1 }; n++ } END { if (n != 4) bad = 1 }'
check "E5: the container refusal is ocrun's, with its arithmetic" awk_ok e5_admission.csv \
  'NR > 1 && $2 == "container" && $3 == "1.0" { c = 1; if ($10 !~ /refused: insufficient MEMORY_MB: requested 256/) { print "# " $0; bad = 1 } } END { if (!c) bad = 1 }'
check "E6: every admission check passed" awk_ok e6_admission.csv \
  'NR > 1 { n++; if ($6 != "pass") { print "# " $0; bad = 1 } } END { if (n < 8) bad = 1 }'

pngs=(e1_startup_cdf.png e2_memory.png e3_shares.png e3_jain.png e3_throughput.png e4_noisy.png
      e5_timeline.png e5_admission.png e6_admission.png)
png_ok() { [ "$(head -c 8 "$r/$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && [ "$(stat -c %s "$r/$1")" -gt 2000 ]; }
for p in "${pngs[@]}"; do check "$p is a PNG" png_ok "$p"; done
refs() { local p; for p in "${pngs[@]}"; do grep -qF "]($p)" "$r/report.md" || { echo "# report.md lacks $p" >&2; return 1; }; done; }
check "report.md embeds every plot" refs
check "report.md names the accelerator and what TCG invalidates" grep -q "Accelerator: $accel" "$r/report.md"

left() {
  local c bad=0
  for c in /sys/fs/cgroup/*/ocrun-lab; do [ -d "$c" ] && { echo "# left: $c" >&2; bad=1; }; done
  return $bad
}
check "no cgroup left under ocrun-lab (libcgroup's and ocrun's)" left
qemu_left() {
  local p bad=0
  [ -s "$r/qemu-pids.txt" ] || { echo "# no qemu-pids.txt" >&2; return 1; }
  while read -r p; do
    [ -n "$p" ] && [ -d "/proc/$p" ] && grep -q qemu "/proc/$p/cmdline" 2>/dev/null && { echo "# QEMU $p still running" >&2; bad=1; }
  done < "$r/qemu-pids.txt"
  return $bad
}
check "no QEMU the lab started is left" qemu_left
finish
