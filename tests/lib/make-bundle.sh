#!/bin/bash
# make-bundle.sh DIR [ARGS...]: an OCI bundle in DIR (DIR/rootfs + DIR/config.json) running
# ARGS (default: sh) in the busybox rootfs of tests/lib/make-rootfs.sh.
# The rootfs is built once into tests/.work/rootfs-cache (again when busybox or make-rootfs.sh
# change) and hardlinked per bundle.
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

# The cached rootfs: tests/lib/make-rootfs.sh, plus the stamp of what it was built from.
build_cache() {
  local tmp=$cache.tmp.$$
  rm -rf "$tmp"
  BUSYBOX=$busybox "$here/make-rootfs.sh" "$tmp"
  echo "$want" > "$tmp/.busybox-stamp"
  rm -rf "$cache"
  mv "$tmp" "$cache"
}

# Rebuild when /bin/busybox or make-rootfs.sh changed, or when the cached copy was modified
# through a bundle's hardlink (size, mtime, owner and mode must still match the original).
stamp_fmt='%s %Y %u %g %a'
mkdir -p "$work"
(
  flock 9
  bb=$(stat -c "$stamp_fmt" "$busybox")
  want="$bb $(sha256sum < "$here/make-rootfs.sh" | cut -d' ' -f1)"
  if [ ! -f "$cache/.busybox-stamp" ] || [ "$(cat "$cache/.busybox-stamp")" != "$want" ] ||
     [ "$(stat -c "$stamp_fmt" "$cache/bin/busybox" 2>/dev/null)" != "$bb" ]; then
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
