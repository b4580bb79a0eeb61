#!/bin/bash
# make-bundle.sh DIR [ARGS...]: an OCI bundle in DIR (DIR/rootfs + DIR/config.json) running
# ARGS (default: sh) in a busybox rootfs built from Debian's busybox-static.
# The rootfs is built once into tests/.work/rootfs-cache and copied per bundle.
# Environment: CGROUP_NAME (default: unique) gives linux.cgroupsPath=/ocrun-test/$CGROUP_NAME.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=${OCRUN_TEST_WORK:-$here/../.work}
cache=$work/rootfs-cache
busybox=${BUSYBOX:-/bin/busybox}

if [ $# -lt 1 ]; then
  echo "usage: $0 DIR [ARGS...]" >&2
  exit 2
fi
dir=$1
shift
[ $# -gt 0 ] || set -- sh

die() { echo "make-bundle: $*" >&2; exit 1; }
[ -x "$busybox" ] || die "$busybox not found (apt-get install busybox-static)"
file -L "$busybox" 2>/dev/null | grep -q 'dynamically linked' && die "$busybox is not static"
command -v jq >/dev/null || die "jq not found"

build_cache() {
  local tmp=$cache.tmp.$$
  rm -rf "$tmp"
  mkdir -p "$tmp"/{bin,etc,proc,sys,dev,tmp,root,home/user,usr,run,var/tmp,mnt}
  chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
  chmod 0700 "$tmp/root"
  chown 1000:1000 "$tmp/home/user"
  ln -s bin "$tmp/sbin"
  ln -s ../bin "$tmp/usr/bin"
  ln -s ../bin "$tmp/usr/sbin"
  cp -p "$busybox" "$tmp/bin/busybox"
  local applet
  for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$tmp/bin/$applet"
  done
  cat > "$tmp/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
  cat > "$tmp/etc/group" <<'GR'
root:x:0:
tty:x:5:
user:x:1000:
nogroup:x:65534:
GR
  echo "ocrun-test" > "$tmp/etc/hostname"
  : > "$tmp/etc/hosts"
  : > "$tmp/etc/resolv.conf"
  stat -c "$stamp_fmt" "$busybox" > "$tmp/.busybox-stamp"
  rm -rf "$cache"
  mv "$tmp" "$cache"
}

# Rebuild when /bin/busybox changed, or when the cached copy was modified through a bundle's
# hardlink (size, mtime, owner and mode must still match the original).
stamp_fmt='%s %Y %u %g %a'
mkdir -p "$work"
(
  flock 9
  want=$(stat -c "$stamp_fmt" "$busybox")
  if [ ! -f "$cache/.busybox-stamp" ] || [ "$(cat "$cache/.busybox-stamp")" != "$want" ] ||
     [ "$(stat -c "$stamp_fmt" "$cache/bin/busybox" 2>/dev/null)" != "$want" ]; then
    build_cache
  fi
) 9>"$work/.rootfs-cache.lock"

# Hardlink the tree (fast: dirs are new, the only regular file shared is bin/busybox and the
# links are symlinks); copy etc/ so tests may edit it.
mkdir -p "$dir"
[ ! -e "$dir/rootfs" ] || die "$dir/rootfs already exists"
if ! cp -al "$cache" "$dir/rootfs" 2>/dev/null; then
  # Different filesystem: copy.
  rm -rf "$dir/rootfs"
  cp -a "$cache" "$dir/rootfs"
fi
rm -rf "$dir/rootfs/etc" "$dir/rootfs/.busybox-stamp"
cp -a "$cache/etc" "$dir/rootfs/etc"

cgname=${CGROUP_NAME:-$(basename "$dir")-$$-$RANDOM}
args_json=$(jq -cn '$ARGS.positional' --args -- "$@")
jq --argjson args "$args_json" --arg cg "/ocrun-test/$cgname" \
   '.process.args = $args | .linux.cgroupsPath = $cg' \
   "$here/config.template.json" > "$dir/config.json"
