# shellcheck shell=bash
# E1 start-up latency: from the request (ocrun run / vmcg + QEMU) to the workload's first byte
# of output (stress-ng's first line), one at a time and N at once. e1_startup.csv:
#   accel,side,mode,i,latency_ms
e1() {
  local seq_c par_c seq_v par_v csv=$LAB_OUT/e1_startup.csv pol i
  case $mode in
    smoke) seq_c=1 par_c=2 seq_v=1 par_v=1 ;;
    quick) seq_c=10 par_c=10 seq_v=3 par_v=3 ;;
    full) seq_c=20 par_c=10 seq_v=10 par_v=10 ;;
  esac
  pol=$(lab_policy e1 '{"cpu_allocation_ratio": 16.0, "ram_allocation_ratio": 1.0}')
  lab_cg_make e1
  echo "accel,side,mode,i,latency_ms" > "$csv"
  steps_begin E1 4
  step "sequential, $seq_c containers"
  for i in $(seq "$seq_c"); do e1_container "$pol" "s$i" "$(now_ns)" sequential "$i" >> "$csv"; done
  step_done "median $(e1_median "$csv" container sequential) ms"
  step "parallel, $par_c containers"
  local t0
  t0=$(now_ns)
  local pids=()
  for i in $(seq "$par_c"); do e1_container "$pol" "p$i" "$t0" parallel "$i" > "$LAB_TMP/e1-p$i.row" & pids+=("$!"); done
  wait "${pids[@]}"
  cat "$LAB_TMP"/e1-p*.row >> "$csv"
  step_done "median $(e1_median "$csv" container parallel) ms"
  step "sequential, $seq_v VMs ($LAB_ACCEL)"
  for i in $(seq "$seq_v"); do
    e1_vm "s$i" "$(now_ns)" sequential "$i" >> "$csv"
    e1_vm_end "s$i"
  done
  step_done "median $(e1_median "$csv" vm sequential) ms"
  step "parallel, $par_v VMs ($LAB_ACCEL)"
  t0=$(now_ns)
  pids=()
  for i in $(seq "$par_v"); do e1_vm "p$i" "$t0" parallel "$i" > "$LAB_TMP/e1-vp$i.row" & pids+=("$!"); done
  wait "${pids[@]}"
  for i in $(seq "$par_v"); do e1_vm_pid_restore "p$i"; e1_vm_end "p$i"; cat "$LAB_TMP/e1-vp$i.row" >> "$csv"; done
  step_done "median $(e1_median "$csv" vm parallel) ms"
}
e1_median() { st_awk '$2 == s && $3 == m && $5 != "NA" { v[++n] = $5 } END { printf "%s", n ? pct(v, n, 50) : "NA" }' s="$2" m="$3" "$1"; }
# e1_container POLICY NAME T0 MODE I: one `ocrun run`, its output through probe stamp.
e1_container() {
  local b first
  b=$(c_bundle e1 "$2" sh /lab/work.sh hello)
  first=$(OCRUN_POLICY=$1 oc run --bundle "$b" --vcpus 1 --memory 256m "e1-$2" </dev/null 2>"$b/err" |
    "$PROBE" stamp "$3" "$b/out")
  echo "$LAB_ACCEL,container,$4,$5,${first:-NA}"
}
# e1_vm NAME T0 MODE I: one VM booting to stress-ng, its "out" port read through probe stamp.
# Runs in a subshell when parallel: the QEMU pid goes to a file for e1_vm_pid_restore.
e1_vm() {
  local d=$LAB_TMP/vm/e1-$1 first
  mkfifo "$LAB_TMP/e1-$1.fifo"
  vm_start e1 "e1-$1" 1 256 "$LAB_TMP/e1-$1.fifo" "lab.mode=hello" || { echo "$LAB_ACCEL,vm,$3,$4,NA"; return; }
  echo "${VM_PID[e1-$1]}" > "$LAB_TMP/e1-$1.pid"
  first=$("$PROBE" stamp "$2" "$d/out.log" < "$LAB_TMP/e1-$1.fifo")
  echo "$LAB_ACCEL,vm,$3,$4,${first:-NA}"
}
e1_vm_pid_restore() { VM_PID[e1-$1]=$(cat "$LAB_TMP/e1-$1.pid" 2>/dev/null); LAB_PIDS+=("${VM_PID[e1-$1]}"); }
e1_vm_end() { vm_wait "e1-$1" 30; "$VMCG" delete "$LAB_CG/e1/v-e1-$1" 2>/dev/null; }
