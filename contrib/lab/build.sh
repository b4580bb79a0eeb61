#!/bin/bash
# build.sh: what the lab runs, built once into $LAB_WORK (default tests/.work/lab):
#   rootfs/     the containers' root: tests/lib/make-rootfs.sh's busybox tree plus stress-ng (with
#               its shared libraries), probe and /lab/work.sh
#   initrd      the VMs' initramfs: tests/guest/prepare.sh's base.cpio plus a cpio of the same
#               files and contrib/lab/guest-init as /init
#   (the kernel stays tests/guest/prepare.sh's vmlinux)
# Rebuilt when stress-ng, probe, work.sh, guest-init or the guest's base change.
# Needs contrib/lab/probe built (make lab does). Exit 1 with "build: REASON" on failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${LAB_WORK:-$top/tests/.work/lab}
guest_work=${OCRUN_GUEST_WORK:-$top/tests/.work/guest}
die() { echo "build: $*" >&2; exit 1; }

stress=$(command -v stress-ng) || die "stress-ng not found (apt-get install stress-ng)"
[ -x "$here/probe" ] || die "$here/probe not built (make -C $top lab-tools)"
GUEST_QUIET=1 "$top/tests/guest/prepare.sh" || die "tests/guest/prepare.sh failed"

# add_payload DIR: stress-ng and the shared libraries it needs at their own paths, probe, work.sh.
add_payload() {
  local dir=$1 lib
  mkdir -p "$dir/usr/local/bin" "$dir/lab"
  cp -L "$stress" "$dir/usr/local/bin/stress-ng"
  for lib in $(ldd "$stress" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
    mkdir -p "$dir$(dirname "$lib")"
    cp -L "$lib" "$dir$lib"
  done
  cp "$here/probe" "$dir/usr/local/bin/probe"
  cp "$here/work.sh" "$dir/lab/work.sh"
}

mkdir -p "$work"
exec 9>"$work/.build.lock"
flock 9
stamp=$(sha256sum "$stress" "$here/probe" "$here/work.sh" "$here/guest-init" "$guest_work/base.cpio" \
  "$top/tests/lib/make-rootfs.sh" | sha256sum | cut -d' ' -f1)
if [ -f "$work/stamp" ] && [ "$(cat "$work/stamp")" = "$stamp" ] && [ -d "$work/rootfs" ] && [ -s "$work/initrd" ]; then
  exit 0
fi
rm -rf "$work/rootfs" "$work/rootfs.tmp" "$work/payload" "$work/initrd" "$work/stamp"
"$top/tests/lib/make-rootfs.sh" "$work/rootfs.tmp" || die "make-rootfs.sh failed"
# The rootfs's usr/bin is a symlink to ../bin: stress-ng goes to usr/local/bin, libraries to /lib*.
add_payload "$work/rootfs.tmp"
mv "$work/rootfs.tmp" "$work/rootfs"
mkdir -p "$work/payload"
add_payload "$work/payload"
cp "$here/guest-init" "$work/payload/init"
chmod 755 "$work/payload/init"
(cd "$work/payload" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) > "$work/payload.cpio" ||
  die "cpio of the payload failed"
cat "$guest_work/base.cpio" "$work/payload.cpio" > "$work/initrd.tmp"
mv "$work/initrd.tmp" "$work/initrd"
rm -rf "$work/payload" "$work/payload.cpio"
echo "$stamp" > "$work/stamp"
