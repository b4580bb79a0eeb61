#!/bin/bash
# prepare.sh: build (once) what the cgroup v2 guest needs, cached under tests/.work/guest:
#   vmlinux    uncompressed kernel cut out of Debian's bzImage (boots directly via its PVH note)
#   base.cpio  newc initramfs: static busybox, the modules for virtio-serial, the busybox
#              container rootfs of tests/lib/make-rootfs.sh at /bundle/rootfs
# Idempotent: a step whose output exists is skipped. Exit 0 when ready; otherwise exit 1 with
# one line "prepare: <reason>" on stderr (run.sh turns that into a skip).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${OCRUN_GUEST_WORK:-$top/tests/.work/guest}
busybox=${BUSYBOX:-/bin/busybox}
# Modules the harness loads in the guest (plus their dependencies); the socket diag modules are
# what criu needs to dump sockets, nf_tables, tun and veth what its feature detection probes,
# nf_conntrack_netlink what it reads a network namespace's conntrack table through (without it
# every dump of a container with a network namespace fails: -EINVAL from NETLINK_NETFILTER; a
# full host loads it on demand). criu_ready in lib.sh loads them.
modules=(virtio_pci virtio_console unix_diag inet_diag tcp_diag udp_diag netlink_diag af_packet_diag crc32c_generic
         nf_tables tun veth nf_conntrack_netlink)

die() { echo "prepare: $*" >&2; exit 1; }
log() { [ -z "${GUEST_QUIET:-}" ] && echo "prepare: $*" >&2; return 0; }

# The kernel package linux-image-amd64 depends on, e.g. linux-image-6.1.0-56-amd64.
kernel_package() {
  local pkg
  local try
  for try in 1 2; do
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
          awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
    [ -z "$pkg" ] && [ ! -f "$work/kernel-package" ] && [ "$try" = 1 ] && [ "$(id -u)" = 0 ] || break
    # A fresh machine may have no package lists yet.
    log "apt-get update"
    apt-get update -qq >/dev/null 2>&1 || break
  done
  if [ -z "$pkg" ] && [ -f "$work/kernel-package" ]; then
    pkg=$(cat "$work/kernel-package")   # offline: keep what we have
  fi
  [ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (run apt-get update)"
  echo "$pkg"
}

# Download and unpack the kernel package into $work/kernel (not installed into /boot).
fetch_kernel() {
  local pkg=$1
  if [ -f "$work/kernel/.done" ] && [ "$(cat "$work/kernel/.done")" = "$pkg" ]; then
    return 0
  fi
  log "downloading $pkg"
  rm -rf "$work/dl" "$work/kernel" "$work/vmlinux" "$work/base.cpio"
  mkdir -p "$work/dl"
  # apt-get download writes into the current directory.
  (cd "$work/dl" && apt-get download -q "$pkg" >/dev/null 2>"$work/dl/apt.err") ||
    die "apt-get download $pkg failed: $(tail -n1 "$work/dl/apt.err")"
  dpkg -x "$work"/dl/"$pkg"_*.deb "$work/kernel.tmp" || die "dpkg -x $pkg failed"
  mv "$work/kernel.tmp" "$work/kernel"
  rm -rf "$work/dl"
  echo "$pkg" > "$work/kernel/.done"
  echo "$pkg" > "$work/kernel-package"
}

# Cut the ELF vmlinux out of the bzImage: the payload starts at the xz magic FD 37 7A 58 5A 00.
extract_vmlinux() {
  [ -s "$work/vmlinux" ] && return 0
  local bz off
  bz=$(ls "$work"/kernel/boot/vmlinuz-* 2>/dev/null | head -n1)
  [ -n "$bz" ] || die "no vmlinuz in the kernel package"
  off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$bz" | head -n1 | cut -d: -f1)
  [ -n "$off" ] || die "no xz payload in $bz"
  # xz stops after the first stream, so tail may die of SIGPIPE: only xz's status counts.
  xz -dc --single-stream < <(tail -c +$((off + 1)) "$bz") > "$work/vmlinux.tmp" 2>/dev/null ||
    die "xz could not decompress the payload of $bz"
  [ "$(head -c4 "$work/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
    die "payload of $bz is not an ELF vmlinux"
  mv "$work/vmlinux.tmp" "$work/vmlinux"
}

# Copy the wanted modules and their dependencies, with a matching small modules.dep.
collect_modules() {
  local root=$1 kver src dep m line want=() seen=" "
  kver=$(ls "$work/kernel/lib/modules")
  src=$work/kernel/lib/modules/$kver
  [ -f "$src/modules.dep" ] || "$busybox" depmod -b "$work/kernel" "$kver" ||
    die "depmod failed for $kver"
  for m in "${modules[@]}"; do
    line=$(grep -E "/$m\.ko(\.xz)?:" "$src/modules.dep") || die "module $m not in $kver"
    for dep in ${line/:/}; do
      case $seen in *" $dep "*) continue ;; esac
      seen="$seen$dep "
      want+=("$dep")
    done
  done
  mkdir -p "$root/lib/modules/$kver"
  for dep in "${want[@]}"; do
    mkdir -p "$root/lib/modules/$kver/$(dirname "$dep")"
    case $dep in
      *.xz) xz -dc "$src/$dep" > "$root/lib/modules/$kver/${dep%.xz}" ;;
      *) cp "$src/$dep" "$root/lib/modules/$kver/$dep" ;;
    esac
    grep -E "^$dep:" "$src/modules.dep" | sed 's/\.ko\.xz/.ko/g' >> "$root/lib/modules/$kver/modules.dep"
  done
}

# Base initramfs: busybox with its applets, modules, /bundle/rootfs. /init and the payload
# come in the second cpio that run.sh appends.
build_base() {
  local stamp
  stamp="$(cat "$work/kernel-package") $(stat -c '%s %Y' "$busybox" "$here/prepare.sh" \
    "$top/tests/lib/make-rootfs.sh" 2>/dev/null | tr '\n' ' ')"
  if [ -s "$work/base.cpio" ] && [ -f "$work/base.stamp" ] && [ "$(cat "$work/base.stamp")" = "$stamp" ]; then
    return 0
  fi
  log "building base initramfs"
  local root=$work/base-root
  rm -rf "$root"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,proc,sys,dev,run,tmp,root,newroot,bundle,tests}
  cp "$busybox" "$root/bin/busybox"
  local applet
  for applet in $("$busybox" --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done
  mknod -m 600 "$root/dev/console" c 5 1
  mknod -m 666 "$root/dev/null" c 1 3
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  collect_modules "$root"
  BUSYBOX=$busybox "$top/tests/lib/make-rootfs.sh" "$root/bundle/rootfs" || die "tests/lib/make-rootfs.sh failed"
  (cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) > "$work/base.cpio.tmp" ||
    die "cpio failed"
  mv "$work/base.cpio.tmp" "$work/base.cpio"
  rm -rf "$root"
  echo "$stamp" > "$work/base.stamp"
}

command -v apt-get >/dev/null || die "apt-get not found (Debian host needed)"
command -v xz >/dev/null || die "xz not found (apt-get install xz-utils)"
command -v cpio >/dev/null || die "cpio not found (apt-get install cpio)"
[ -x "$busybox" ] || die "$busybox not found (apt-get install busybox-static)"
file -L "$busybox" | grep -q 'statically linked' || die "$busybox is not static (apt-get install busybox-static)"

mkdir -p "$work"
exec 9>"$work/.prepare.lock"
flock 9
pkg=$(kernel_package)
fetch_kernel "$pkg"
extract_vmlinux
build_base
log "ready: $work/vmlinux $work/base.cpio ($pkg)"
