#!/bin/bash
# make-rootfs.sh DIR: the busybox rootfs of the test suites, built in DIR (which must not exist)
# from Debian's static busybox: the usual directories (/tmp and /var/tmp 1777, /root 0700,
# /home/user owned by 1000:1000), /bin/busybox with a symlink per applet, sbin -> bin,
# usr/bin and usr/sbin -> ../bin, /etc/passwd and /etc/group (root, user 1000, nobody), hostname
# ocrun-test, empty hosts and resolv.conf.
# The one builder: tests/lib/make-bundle.sh (bats, bench, demo) caches it, tests/clients/image.sh
# imports it as the podman/ctr image, tests/guest/prepare.sh puts it in the guest's initramfs.
# Environment: BUSYBOX (default /bin/busybox).
set -euo pipefail

busybox=${BUSYBOX:-/bin/busybox}
die() { echo "make-rootfs: $*" >&2; exit 1; }
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
[ ! -e "$dir" ] || die "$dir already exists"
[ -x "$busybox" ] || die "$busybox not found (apt-get install busybox-static)"
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || die "$busybox is not static"

mkdir -p "$dir"/{bin,etc,proc,sys,dev,tmp,root,home/user,usr,run,var/tmp,mnt}
chmod 1777 "$dir/tmp" "$dir/var/tmp"
chmod 0700 "$dir/root"
chown 1000:1000 "$dir/home/user"
ln -s bin "$dir/sbin"
ln -s ../bin "$dir/usr/bin"
ln -s ../bin "$dir/usr/sbin"
cp -p "$busybox" "$dir/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"
done
cat >"$dir/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat >"$dir/etc/group" <<'GR'
root:x:0:
tty:x:5:
user:x:1000:
nogroup:x:65534:
GR
echo "ocrun-test" >"$dir/etc/hostname"
: >"$dir/etc/hosts"
: >"$dir/etc/resolv.conf"
