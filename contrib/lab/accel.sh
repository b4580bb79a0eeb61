# shellcheck shell=bash
# accel.sh: lab_accel sets LAB_ACCEL (kvm or tcg) and LAB_ACCEL_NOTE (why). KVM counts only if
# a guest really boots with it: /dev/kvm may exist while QEMU cannot run a vCPU (this project's
# machine: "failed to set MSR 0x10a", QEMU aborts).
lab_accel() {
  LAB_ACCEL=tcg
  if [ ! -e /dev/kvm ]; then
    LAB_ACCEL_NOTE="no /dev/kvm: software emulation (TCG)"
    return 0
  fi
  local d=$LAB_TMP/kvm-probe pid
  mkdir -p "$d"
  mkfifo "$d/ctl.in" "$d/ctl.out"
  guest_qemu_cmd kvm 1 256 "$LAB_VMLINUX" "$LAB_INITRD" "lab.mode=hello"
  "${GUEST_QEMU[@]}" -chardev file,id=out,path="$d/out" -device virtserialport,chardev=out,name=out \
    -chardev pipe,id=ctl,path="$d/ctl" -device virtserialport,chardev=ctl,name=ctl \
    </dev/null >"$d/qemu.log" 2>&1 &
  pid=$!
  LAB_PIDS+=("$pid")
  wait_for 60 eval "grep -q LAB-DONE $d/out || ! kill -0 $pid" 2>/dev/null
  if grep -q LAB-DONE "$d/out" 2>/dev/null; then
    LAB_ACCEL=kvm
    LAB_ACCEL_NOTE="KVM (a probe guest booted with -accel kvm)"
  else
    LAB_ACCEL_NOTE="/dev/kvm exists but a KVM guest did not run ($(grep -m1 . "$d/qemu.log" || echo 'no output')): software emulation (TCG)"
  fi
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}
