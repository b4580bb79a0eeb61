/* A container without a mount namespace of its own (the spec allows it) shares the caller's: its
 * mounts are made in the host's namespace. They all go onto one private bind of the rootfs onto
 * itself, so the host's mount propagation is never changed and delete removes them in one step. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces/rootfs.h"
#include "namespaces/rootfs_internal.h"

int oc_rootfs_mount_id(const char *rootfs, int *id, struct oc_err *e) {
  struct statx st;
  if (statx(AT_FDCWD, rootfs, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &st) < 0) return oc_fail_errno(e, "statx %s", rootfs);
  if (!(st.stx_mask & STATX_MNT_ID)) return oc_fail(e, ENOTSUP, "statx %s: the kernel reports no mount id", rootfs);
  *id = (int)st.stx_mnt_id;
  return 0;
}

int oc_rootfs_bind_in_host(const char *rootfs, struct oc_err *e) {
  if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return oc_fail_errno(e, "bind mount rootfs %s onto itself", rootfs);
  /* Private: the container's mounts below must not propagate to the mount the rootfs is on. */
  if (mount(NULL, rootfs, NULL, MS_PRIVATE | MS_REC, NULL) < 0) {
    int r = oc_fail_errno(e, "make the bind mount of rootfs %s private", rootfs);
    if (umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) { /* the caller's release tries again */ }
    return r;
  }
  return 0;
}

int oc_rootfs_unbind_in_host(const char *rootfs, int under_id, struct oc_err *e) {
  struct oc_mountinfo_table mt;
  if (oc_mountinfo_read(&mt, e) < 0) return -1;
  int ours = -1;
  for (size_t i = 0; i < mt.n; i++)
    if (mt.v[i].parent == under_id && strcmp(mt.v[i].mountpoint, rootfs) == 0) ours = mt.v[i].id;
  oc_mountinfo_free(&mt);
  if (ours < 0) return 0; /* never made, or already gone */
  int top;
  if (oc_rootfs_mount_id(rootfs, &top, e) < 0) return -1;
  if (top != ours)
    return oc_fail(e, EBUSY, "rootfs %s: another mount covers the container's bind mount (id %d), left in place",
                   rootfs, ours);
  /* Detaching the bind takes every mount the container made below it. */
  if (umount2(rootfs, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) return oc_fail_errno(e, "unmount rootfs %s", rootfs);
  return 0;
}

int oc_rootfs_chroot(const char *rootfs, struct oc_err *e) {
  if (chdir(rootfs) < 0) return oc_fail_errno(e, "chdir %s", rootfs);
  if (chroot(".") < 0) return oc_fail_errno(e, "chroot %s", rootfs);
  if (chdir("/") < 0) return oc_fail_errno(e, "chdir /");
  return 0;
}
