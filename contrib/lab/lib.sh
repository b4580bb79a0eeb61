# shellcheck shell=bash
# lib.sh: what every experiment of the lab uses, sourced by lab.sh (bash).
#   progress lines, containers (ocrun, a private --root and ledger), VMs (QEMU placed by vmcg
#   in a libcgroup-made cgroup), cgroup reads, the cleanup of everything the lab started.
# Layout on the host (cgroup v1 cpu, cpuacct, cpuset, memory): ocrun-lab/EXP/c-NAME for a
# container, ocrun-lab/EXP/v-NAME for a VM, both under a parent pinned to $LAB_CPUS.

CG=/sys/fs/cgroup
LAB_CG=ocrun-lab
LAB_PIDS=()        # every QEMU the lab started (killed by PID at the end)
LAB_CONTAINERS=()  # every container id the lab created
declare -A VM_PID  # VM name -> QEMU pid

# ---- progress: "[E3 4/10] ratio 16:1, containers ... 12 s" ----
STEP_EXP='' STEP_N=0 STEP_TOTAL=0 STEP_T0=0
steps_begin() { STEP_EXP=$1 STEP_TOTAL=$2 STEP_N=0; }
step() {
  STEP_N=$((STEP_N + 1))
  STEP_T0=$SECONDS
  STEP_WHAT=$*
}
step_done() {
  printf '[%s %d/%d] %s ... %d s%s\n' "$STEP_EXP" "$STEP_N" "$STEP_TOTAL" "$STEP_WHAT" \
    $((SECONDS - STEP_T0)) "${1:+ ($1)}"
}
die() { echo "lab: $*" >&2; exit 1; }
warn() { echo "lab: warning: $*" >&2; }

now_ns() { date +%s%N; }
# ms between two now_ns values.
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# wait_for SECONDS CMD... (tests/lib/wait.sh)
WAIT_INTERVAL=0.05
. "$LAB_TOP/tests/lib/wait.sh"

# ---- cgroups ----
# lab_cg_make EXP: the experiment's parent, pinned to $LAB_CPUS (made with libcgroup by vmcg).
lab_cg_make() {
  "$VMCG" create "$LAB_CG" --cpus "$LAB_CPUS" || die "vmcg create $LAB_CG failed"
  "$VMCG" create "$LAB_CG/$1" --cpus "$LAB_CPUS" ${2:+--mem-mb "$2"} || die "vmcg create $LAB_CG/$1 failed"
}
# cg_usage_ns PATH: cpuacct.usage (ns) of ocrun-lab/PATH (v1: cpu.stat has no usage).
cg_usage_ns() { cat "$CG/cpuacct/$LAB_CG/$1/cpuacct.usage" 2>/dev/null || echo 0; }
# cg_mem_bytes PATH: memory.usage_in_bytes of ocrun-lab/PATH.
cg_mem_bytes() { cat "$CG/memory/$LAB_CG/$1/memory.usage_in_bytes" 2>/dev/null || echo 0; }
# cg_oom_kills PATH: oom_kill in memory.oom_control.
cg_oom_kills() { awk '$1 == "oom_kill" { print $2 }' "$CG/memory/$LAB_CG/$1/memory.oom_control" 2>/dev/null || echo 0; }
# cg_oom_kills_tree PATH: oom_kill summed over ocrun-lab/PATH and every group below it (v1
# counts a kill in the victim's own group only).
cg_oom_kills_tree() {
  find "$CG/memory/$LAB_CG/$1" -name memory.oom_control -exec awk '$1 == "oom_kill" { s += $2 } END { print s + 0 }' {} + 2>/dev/null |
    awk '{ s += $1 } END { print s + 0 }'
}
# psi KIND: "some avg10" of the host's /proc/pressure/KIND (cpu, memory, io).
psi() { sed -n 's/^some avg10=\([0-9.]*\).*/\1/p' "/proc/pressure/$1" 2>/dev/null || echo NA; }

# ---- containers ----
# Every container runs under the lab's own --root and ledger, with a policy file chosen per
# experiment ($LAB_POLICY_DIR/NAME.json, written by lab_policy).
# The node ocrun sees is the lab's cpuset ($LAB_NCPUS cores), not the whole host.
oc() { OCRUN_LEDGER_DIR=$LAB_TMP/ledger OCRUN_HOST_CPUS=$LAB_NCPUS "$OCRUN" --root "$LAB_TMP/root" "$@"; }
lab_policy() { # lab_policy NAME JSON: writes the policy file, prints its path
  printf '%s\n' "$2" > "$LAB_POLICY_DIR/$1.json"
  echo "$LAB_POLICY_DIR/$1.json"
}

# c_bundle EXP NAME ARG...: $LAB_TMP/b/NAME/config.json running ARGs in the lab rootfs
# (read-only, shared), cgroup ocrun-lab/EXP/c-NAME, pinned to $LAB_CPUS; prints the bundle dir.
c_bundle() {
  local exp=$1 name=$2 dir=$LAB_TMP/b/$2
  shift 2
  mkdir -p "$dir"
  jq --argjson args "$(jq -cn '$ARGS.positional' --args -- "$@")" \
     --arg root "$LAB_ROOTFS" --arg cg "/$LAB_CG/$exp/c-$name" --arg cpus "$LAB_CPUS" \
     '.process.args = $args | .process.cwd = "/tmp" | .root = { path: $root, readonly: true } | .hostname = "lab"
      | .linux.cgroupsPath = $cg | .linux.resources.cpu = { cpus: $cpus, mems: "0" }
      | .mounts += [ { destination: "/tmp", type: "tmpfs", source: "tmpfs",
                       options: [ "nosuid", "nodev", "mode=1777", "size=65536k" ] } ]' \
     "$LAB_TOP/tests/lib/config.template.json" > "$dir/config.json"
  echo "$dir"
}
# c_create POLICY NAME VCPUS MEM_MB OUTFILE: ocrun create sized like a flavour; container
# output to OUTFILE. Returns ocrun's status; its stderr goes to OUTFILE.err.
c_create() {
  LAB_CONTAINERS+=("$2")
  OCRUN_POLICY=$1 oc create --bundle "$LAB_TMP/b/$2" --vcpus "$3" --memory "${4}m" "$2" \
    </dev/null >"$5" 2>"$5.err"
}
c_start() { oc start "$1" 2>>"$LAB_TMP/ocrun-start.err"; }
c_status() { oc state "$1" 2>/dev/null | jq -r .status 2>/dev/null; }
c_stopped() { [ "$(c_status "$1")" = stopped ] || [ -z "$(c_status "$1")" ]; }
c_delete() { oc delete --force "$1" >/dev/null 2>&1 || true; }

# ---- VMs ----
# vm_start EXP NAME VCPUS MEM_MB OUT WORDS: a QEMU guest (the lab's initrd) in its own cgroup
# ocrun-lab/EXP/v-NAME with cpu.shares 1024 x VCPUS and memory.limit_in_bytes MEM_MB +
# $LAB_VM_OVERHEAD_MB, made by vmcg (libcgroup) and entered before QEMU is exec'd. The guest's
# "out" port writes to OUT (a file or a FIFO); WORDS are lab.* kernel parameters
# (contrib/lab/guest-init). $LAB_TMP/vm/NAME/ctl.in is the "ctl" port: vm_go writes to it.
vm_start() {
  local exp=$1 name=$2 vcpus=$3 mem=$4 out=$5 words=$6 d=$LAB_TMP/vm/$2
  rm -rf "$d"
  mkdir -p "$d"
  mkfifo "$d/ctl.in" "$d/ctl.out"
  "$VMCG" create "$LAB_CG/$exp/v-$name" --cpus "$LAB_CPUS" --shares $((1024 * vcpus)) \
    --mem-mb $((mem + LAB_VM_OVERHEAD_MB)) || return 1
  GUEST_TB_SIZE=$LAB_TB_MB guest_qemu_cmd "$LAB_ACCEL" "$vcpus" "$mem" "$LAB_VMLINUX" "$LAB_INITRD" \
    "psi=1 $words"
  "$VMCG" exec "$LAB_CG/$exp/v-$name" -- "${GUEST_QEMU[@]}" \
    -chardev file,id=con,path="$d/console.log" -serial chardev:con \
    -chardev file,id=out,path="$out" -device virtserialport,chardev=out,name=out \
    -chardev pipe,id=ctl,path="$d/ctl" -device virtserialport,chardev=ctl,name=ctl \
    </dev/null >"$d/qemu.log" 2>&1 &
  VM_PID[$name]=$!
  LAB_PIDS+=("$!")
}
vm_alive() { kill -0 "${VM_PID[$1]}" 2>/dev/null; }
vm_go() { echo go > "$LAB_TMP/vm/$1/ctl.in"; }
# vm_wait NAME SECONDS: wait for QEMU to exit (the guest powers off); killed past SECONDS.
vm_wait() {
  wait_for "$2" eval "! kill -0 ${VM_PID[$1]} 2>/dev/null" || warn "VM $1 still running after $2 s: killed"
  vm_stop "$1"
}
vm_stop() {
  local pid=${VM_PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null
  wait_for 5 eval "! kill -0 $pid 2>/dev/null" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  VM_PID[$1]=''
  return 0
}
# pss_kb PID: proportional set size of a process (kB).
pss_kb() { awk '$1 == "Pss:" { print $2; exit }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

# ---- VM admission: the lab's management layer keeps its own ledger, the same rule as ocrun's
# (capacity = (total - reserved) x ratio; refused when allocated + requested > capacity).
# vm_admit LEDGER CAPACITY_MB NAME MB: 0 and an entry "NAME MB PID" if it fits, else 1 and the
# reason on stdout. Entries whose PID is gone are reconciled away first. One lock (flock).
vm_admit() {
  local ledger=$1 cap=$2 name=$3 mb=$4
  (
    flock 9
    local live=() used=0 line n m p
    if [ -f "$ledger" ]; then
      while read -r n m p; do
        [ -n "$n" ] && kill -0 "$p" 2>/dev/null && { live+=("$n $m $p"); used=$((used + m)); }
      done < "$ledger"
    fi
    if [ $((used + mb)) -gt "$cap" ]; then
      printf '%s\n' "${live[@]}" | grep . > "$ledger.tmp"; mv "$ledger.tmp" "$ledger"
      echo "refused: insufficient MEMORY_MB: requested $mb, free $((cap - used)) of capacity $cap"
      exit 1
    fi
    { printf '%s\n' "${live[@]}" | grep .; echo "$name $mb ${VM_ADMIT_PID:-$BASHPID}"; } > "$ledger.tmp"
    mv "$ledger.tmp" "$ledger"
  ) 9>"$ledger.lock"
}
# vm_ledger_mb LEDGER: MB held by live entries.
vm_ledger_mb() {
  local n m p used=0
  [ -f "$1" ] || { echo 0; return; }
  while read -r n m p; do [ -n "$n" ] && kill -0 "$p" 2>/dev/null && used=$((used + m)); done < "$1"
  echo "$used"
}

# ---- cleanup: containers, QEMU processes (by PID), cgroups, the private dirs ----
lab_cleanup() {
  local c p n
  # The QEMU pids, for tests/lab/run.sh to check that none is left.
  if [ -n "${LAB_OUT:-}" ]; then
    { printf '%s\n' "${LAB_PIDS[@]}"; cat "${LAB_TMP:-/nonexistent}"/*.pid 2>/dev/null; } | grep . > "$LAB_OUT/qemu-pids.txt"
  fi
  for n in "${!VM_PID[@]}"; do vm_stop "$n"; done
  for p in "${LAB_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  # QEMUs started in subshells (parallel launches) left their PID in a file.
  for p in "${LAB_TMP:-/nonexistent}"/*.pid; do [ -f "$p" ] && kill -KILL "$(cat "$p")" 2>/dev/null; done
  for c in "${LAB_CONTAINERS[@]}"; do c_delete "$c"; done
  if [ -d "$CG/cpu/$LAB_CG" ] || [ -d "$CG/memory/$LAB_CG" ]; then
    "$VMCG" delete "$LAB_CG" 2>/dev/null || true
  fi
  for c in cpu cpuacct cpuset memory pids blkio devices freezer systemd unified; do
    [ -d "$CG/$c/$LAB_CG" ] && find "$CG/$c/$LAB_CG" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  [ -n "${LAB_TMP:-}" ] && rm -rf "$LAB_TMP"
  return 0
}

# st_awk PROG [VAR=VALUE...] FILE...: awk -F, with the analysis functions of stats.awk.
st_awk() {
  local prog=$1
  shift
  awk -F, "$(cat "$here/stats.awk")
$prog" "$@"
}
