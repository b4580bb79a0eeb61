#!/bin/bash
# image.sh: build (once) the busybox image archive the client suites load, from Debian's
# busybox-static, without any registry: a rootfs tarball, `podman import` into a throwaway private
# storage (vfs driver: no mounts), `podman save` of two tags into a docker-archive:
#   localhost/ocrun-test/busybox:latest        CMD sh
#   localhost/ocrun-test/busybox-user:latest   USER 1000:1000, WORKDIR /home/user (for ctr run)
# The archive is cached in tests/.work/clients/busybox-image.tar and rebuilt when busybox or
# this script change. Prints the archive's path.
set -euo pipefail
# shellcheck disable=SC2034  # read by lib.sh
SUITE=image
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

busybox=${BUSYBOX:-/bin/busybox}
ensure_packages podman:podman "$busybox":busybox-static
[ -x "$busybox" ] || die "$busybox not found"
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || die "$busybox is not static"

mkdir -p "$WORK"
stamp="$(sha256sum "$busybox" "${BASH_SOURCE[0]}" | awk '{print $1}' | paste -sd-)"
if [ -s "$IMAGE_ARCHIVE" ] && [ "$(cat "$IMAGE_ARCHIVE.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$IMAGE_ARCHIVE"
  exit 0
fi

make_private_dir
rootfs=$PRIV/rootfs
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,root,home/user,run,var/tmp,mnt}
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
chmod 0700 "$rootfs/root"
chown 1000:1000 "$rootfs/home/user"
ln -s bin "$rootfs/sbin"
mkdir -p "$rootfs/usr"
ln -s ../bin "$rootfs/usr/bin"
ln -s ../bin "$rootfs/usr/sbin"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
tty:x:5:
user:x:1000:
nogroup:x:65534:
EOF
tar --numeric-owner -C "$rootfs" -cf "$PRIV/rootfs.tar" .

pm=(podman --root "$PRIV/storage" --runroot "$PRIV/runroot" --tmpdir "$PRIV/tmp"
  --storage-driver vfs --events-backend none --cgroup-manager cgroupfs)
export CONTAINERS_CONF=$PRIV/containers.conf
printf '[engine]\nlock_type = "file"\n' >"$CONTAINERS_CONF"
at_cleanup "${pm[*]} system reset -f"
"${pm[@]}" import -q --change 'CMD ["/bin/sh"]' "$PRIV/rootfs.tar" "$IMAGE" >/dev/null
"${pm[@]}" import -q --change 'CMD ["/bin/sh"]' --change 'USER 1000:1000' \
  --change 'WORKDIR /home/user' "$PRIV/rootfs.tar" "$IMAGE_USER" >/dev/null
"${pm[@]}" save -q -m --format docker-archive -o "$PRIV/image.tar" "$IMAGE" "$IMAGE_USER"
mv "$PRIV/image.tar" "$IMAGE_ARCHIVE"
echo "$stamp" >"$IMAGE_ARCHIVE.stamp"
echo "$IMAGE_ARCHIVE"
