#!/bin/bash
# image.sh: build (once) the busybox image archive the client suites load, without any registry:
# a tarball of the rootfs of tests/lib/make-rootfs.sh (Debian's busybox-static), `podman import`
# into a throwaway private storage (vfs driver: no mounts), `podman save` of two tags into a
# docker-archive:
#   localhost/ocrun-test/busybox:latest        CMD sh
#   localhost/ocrun-test/busybox-user:latest   USER 1000:1000, WORKDIR /home/user (for ctr run)
# The archive is cached in tests/.work/clients/busybox-image.tar and rebuilt when busybox,
# make-rootfs.sh or this script change. Prints the archive's path.
set -euo pipefail
# shellcheck disable=SC2034  # read by lib.sh
SUITE=image
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

busybox=${BUSYBOX:-/bin/busybox}
ensure_packages podman:podman "$busybox":busybox-static
[ -x "$busybox" ] || die "$busybox not found"
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || die "$busybox is not static"

mkdir -p "$WORK"
stamp="$(sha256sum "$busybox" "${BASH_SOURCE[0]}" "$REPO/tests/lib/make-rootfs.sh" | awk '{print $1}' | paste -sd-)"
if [ -s "$IMAGE_ARCHIVE" ] && [ "$(cat "$IMAGE_ARCHIVE.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$IMAGE_ARCHIVE"
  exit 0
fi

make_private_dir
rootfs=$PRIV/rootfs
BUSYBOX=$busybox "$REPO/tests/lib/make-rootfs.sh" "$rootfs" || die "tests/lib/make-rootfs.sh failed"
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
