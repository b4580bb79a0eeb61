# shellcheck shell=bash
# env.sh: lab_env prints env.json: what the numbers were measured on.
lab_env() {
  local cgmode=hybrid
  [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && cgmode=unified
  jq -n --arg kernel "$(uname -r)" --arg cgroup_mode "$cgmode" \
    --arg cpu_model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
    --argjson cores "$(nproc)" --arg lab_cpus "$LAB_CPUS" --argjson lab_cores "$LAB_NCPUS" \
    --arg accelerator "$LAB_ACCEL" --arg accelerator_note "$LAB_ACCEL_NOTE" \
    --arg qemu "$(qemu-system-x86_64 --version | head -n1)" \
    --arg ocrun "$("$OCRUN" --version | head -n1)" \
    --arg stress_ng "$(stress-ng --version 2>&1 | head -n1)" \
    --arg libcgroup "$(dpkg-query -W -f='${Version}' libcgroup2 2>/dev/null || echo unknown)" \
    --arg guest_kernel "$(cat "${OCRUN_GUEST_WORK:-$LAB_TOP/tests/.work/guest}/kernel-package" 2>/dev/null)" \
    --arg mode "$mode" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --argjson mem_mb "$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)" \
    --argjson vm_overhead_mb "$LAB_VM_OVERHEAD_MB" \
    '{date: $date, mode: $mode, kernel: $kernel, cgroup_mode: $cgroup_mode, cpu_model: $cpu_model,
      cores: $cores, memory_mb: $mem_mb, lab_cpus: $lab_cpus, lab_cores: $lab_cores,
      accelerator: $accelerator, accelerator_note: $accelerator_note, qemu: $qemu, ocrun: $ocrun,
      stress_ng: $stress_ng, libcgroup: $libcgroup, guest_kernel: $guest_kernel,
      vm_overhead_mb: $vm_overhead_mb}'
}
