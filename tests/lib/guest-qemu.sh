# shellcheck shell=bash
# guest-qemu.sh: the one QEMU command line of the project's direct-kernel-boot guests (the
# kernel and base initramfs of tests/guest/prepare.sh), sourced by tests/guest/run.sh and the lab
# (contrib/lab/). Why each flag: /work/shared/notes/cgroup-v2-guest.md.

# The kernel command line; a caller may append its own words.
GUEST_APPEND="console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init mitigations=off nokaslr tsc=reliable no_timer_check cryptomgr.notests"

# guest_qemu_cmd ACCEL SMP MEM_MB KERNEL INITRD [APPEND_EXTRA]: the command into the array
# GUEST_QEMU (QEMU binary $QEMU, default qemu-system-x86_64), with one virtio-serial bus; the
# caller adds its chardevs and ports. ACCEL is "tcg" (multi-threaded) or "kvm".
guest_qemu_cmd() {
  local accel=$1 smp=$2 mem=$3 kernel=$4 initrd=$5 extra=${6:-}
  local acc=(-accel tcg,thread=multi${GUEST_TB_SIZE:+,tb-size=$GUEST_TB_SIZE} -cpu max,-erms,-fsrm)
  [ "$accel" = kvm ] && acc=(-accel kvm -cpu host)
  GUEST_QEMU=("${QEMU:-qemu-system-x86_64}" -nodefaults -no-user-config -display none -no-reboot
    -machine q35 "${acc[@]}" -smp "$smp" -m "$mem"
    -kernel "$kernel" -initrd "$initrd" -append "$GUEST_APPEND${extra:+ $extra}"
    -device virtio-serial-pci)
}
