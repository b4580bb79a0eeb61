/* linux.readonlyPaths and linux.maskedPaths, after pivot_root. Masked files get the container's
 * /dev/null, verified to be the null device and bound from its fd (CVE-2025-31133); masked
 * directories a read-only tmpfs. Missing paths are skipped. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "namespaces/rootfs_internal.h"
#include "base/cleanup.h"

/* fd of path in the container, or -1 (and *gone) when it does not exist. */
OC_MUST_CHECK static int open_existing(int root_fd, const char *path, bool *gone, struct oc_err *e) {
  *gone = false;
  int fd = oc_open_in_root(root_fd, path, O_PATH, e);
  if (fd == -ENOENT || fd == -ENOTDIR) *gone = true;
  return fd;
}

int oc_readonly_paths_apply(const struct oc_config *c, int root_fd, struct oc_err *e) {
  for (size_t i = 0; i < c->readonly_paths.n; i++) {
    const char *path = c->readonly_paths.v[i];
    bool gone;
    _cleanup_fd_ int fd = open_existing(root_fd, path, &gone, e);
    if (gone) continue;
    if (fd < 0) return oc_wrap(e, -1, "linux.readonlyPaths");
    _cleanup_fd_ int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
    if (tree < 0) return oc_fail_errno(e, "linux.readonlyPaths: bind %s", path);
    /* Setting only the read-only bit keeps nosuid/nodev/noexec, which a user namespace may not drop. */
    struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
      return oc_fail_errno(e, "linux.readonlyPaths: make %s read-only", path);
    if (oc_attach(tree, fd, path, e) < 0) return oc_wrap(e, -1, "linux.readonlyPaths");
  }
  return 0;
}

OC_MUST_CHECK static int open_dev_null(int root_fd, struct oc_err *e) {
  _cleanup_fd_ int fd = oc_open_in_root(root_fd, "/dev/null", O_PATH | O_NOFOLLOW, e);
  if (fd < 0) return oc_wrap(e, fd, "linux.maskedPaths");
  struct stat st;
  if (fstat(fd, &st) < 0) return oc_fail_errno(e, "linux.maskedPaths: stat /dev/null");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
    return oc_fail(e, EPERM, "linux.maskedPaths: /dev/null in the container is not the null device (char 1:3)");
  return oc_steal_fd(&fd);
}

int oc_masked_paths_apply(const struct oc_config *c, int root_fd, struct oc_err *e) {
  _cleanup_fd_ int null = -1;
  for (size_t i = 0; i < c->masked_paths.n; i++) {
    const char *path = c->masked_paths.v[i];
    bool gone;
    _cleanup_fd_ int fd = open_existing(root_fd, path, &gone, e);
    if (gone) continue;
    if (fd < 0) return oc_wrap(e, -1, "linux.maskedPaths");
    struct stat st;
    if (fstat(fd, &st) < 0) return oc_fail_errno(e, "linux.maskedPaths: stat %s", path);
    _cleanup_fd_ int mnt = -1;
    if (S_ISDIR(st.st_mode)) {
      mnt = oc_fs_mount_fd("tmpfs", "tmpfs", NULL, NULL, MOUNT_ATTR_RDONLY, e);
      if (mnt < 0) return oc_wrap(e, -1, "linux.maskedPaths: %s", path);
    } else {
      if (null < 0 && (null = open_dev_null(root_fd, e)) < 0) return -1;
      mnt = open_tree(null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
      if (mnt < 0) return oc_fail_errno(e, "linux.maskedPaths: bind /dev/null");
    }
    if (oc_attach(mnt, fd, path, e) < 0) return oc_wrap(e, -1, "linux.maskedPaths");
  }
  return 0;
}
