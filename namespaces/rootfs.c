/* The container's root: prepare (propagation, self bind, mounts, /dev) -> pivot -> finalize
 * (readonlyPaths, maskedPaths, root.readonly). Runs in the init, in its new mount namespace. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "namespaces/rootfs.h"
#include "base/fsutil.h"
#include "namespaces/rootfs_internal.h"
#include "base/cleanup.h"

static bool path_under(const char *path, const char *dir) {
  size_t n = strlen(dir);
  if (strcmp(dir, "/") == 0) return true;
  return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* pivot_root refuses a shared parent mount, a bind under a shared mount would propagate to the host
 * and an unbindable one cannot be bound at all: make the mount holding the rootfs private then. */
OC_MUST_CHECK static int make_parent_private(const char *rootfs, struct oc_err *e) {
  struct oc_mountinfo_table mt;
  if (oc_mountinfo_read(&mt, e) < 0) return -1;
  const struct oc_mountinfo *best = NULL;
  size_t best_len = 0;
  for (size_t i = 0; i < mt.n; i++) {
    size_t len = strlen(mt.v[i].mountpoint);
    if (path_under(rootfs, mt.v[i].mountpoint) && len >= best_len) {
      best = &mt.v[i];
      best_len = len;
    }
  }
  int r = 0;
  bool change = best && (strstr(best->optional, "shared:") || strstr(best->optional, "unbindable"));
  if (change && mount(NULL, best->mountpoint, NULL, MS_PRIVATE, NULL) < 0)
    r = oc_fail_errno(e, "make %s private", best->mountpoint);
  oc_mountinfo_free(&mt);
  return r;
}

OC_MUST_CHECK static int root_propagation(const struct oc_config *c, unsigned long *flags, struct oc_err *e) {
  *flags = MS_SLAVE | MS_REC;
  if (c->rootfs_propagation && !oc_propagation_parse(c->rootfs_propagation, flags))
    return oc_fail(e, EINVAL, "linux.rootfsPropagation: unknown propagation \"%s\"", c->rootfs_propagation);
  return 0;
}

OC_MUST_CHECK static int prepare_root(const struct oc_config *c, const char *rootfs, struct oc_err *e) {
  unsigned long prop;
  if (root_propagation(c, &prop, e) < 0) return -1;
  if (mount(NULL, "/", NULL, prop, NULL) < 0) return oc_fail_errno(e, "set the propagation of /");
  /* After a recursive slave/private nothing is shared any more: skip reading mountinfo. */
  bool maybe_shared = (prop & (MS_SHARED | MS_UNBINDABLE)) || !(prop & MS_REC);
  if (maybe_shared && make_parent_private(rootfs, e) < 0) return -1;
  if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) return oc_fail_errno(e, "bind mount rootfs %s", rootfs);
  return 0;
}

int oc_rootfs_prepare(const struct oc_config *c, const char *rootfs, struct oc_err *e) {
  int r = -1;
  _cleanup_fd_ int root = -1, dev_ro = -1;
  /* Without a mount namespace, "/" is the host's: the runtime has bound the rootfs already. */
  if (oc_config_ns(c, OC_NS_MOUNT) && prepare_root(c, rootfs, e) < 0) goto out;
  root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) {
    oc_fail_errno(e, "open rootfs %s", rootfs);
    goto out;
  }
  if (oc_mounts_apply(c, root, &dev_ro, e) < 0) goto out;
  if (oc_rootfs_needs_dev(c) && oc_devices_setup(c, root, e) < 0) goto out;
  if (dev_ro >= 0) {
    struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(dev_ro, "", AT_EMPTY_PATH, &a, sizeof a) < 0) {
      oc_fail_errno(e, "make /dev read-only");
      goto out;
    }
  }
  r = 0;
out:
  oc_rootfs_close_sources();
  return r;
}

/* --no-pivot: the host's full procfs and sysfs mounts stay in the namespace below the moved root;
 * detach them (or cover them when locked) so a chroot escape finds nothing, then MS_MOVE. */
OC_MUST_CHECK static int hide_host_proc_sys(const char *rootfs, struct oc_err *e) {
  struct oc_mountinfo_table mt;
  if (oc_mountinfo_read(&mt, e) < 0) return -1;
  int r = 0;
  const char *last = NULL;
  for (size_t i = 0; r == 0 && i < mt.n; i++) {
    const struct oc_mountinfo *mi = &mt.v[i];
    if (strcmp(mi->root, "/") != 0 || (strcmp(mi->fstype, "proc") != 0 && strcmp(mi->fstype, "sysfs") != 0)) continue;
    if (path_under(mi->mountpoint, rootfs) || (last && path_under(mi->mountpoint, last))) continue;
    last = mi->mountpoint;
    if (mount(NULL, mi->mountpoint, NULL, MS_SLAVE | MS_REC, NULL) < 0 && errno != ENOENT) {
      r = oc_fail_errno(e, "make %s a slave", mi->mountpoint);
    } else if (umount2(mi->mountpoint, MNT_DETACH) < 0) {
      if (errno != EINVAL && errno != EPERM) r = oc_fail_errno(e, "unmount %s", mi->mountpoint);
      else if (mount("tmpfs", mi->mountpoint, "tmpfs", MS_RDONLY, NULL) < 0)
        r = oc_fail_errno(e, "cover %s", mi->mountpoint);
    }
  }
  oc_mountinfo_free(&mt);
  return r;
}

OC_MUST_CHECK static int move_root(const char *rootfs, struct oc_err *e) {
  if (hide_host_proc_sys(rootfs, e) < 0) return -1;
  if (chdir(rootfs) < 0) return oc_fail_errno(e, "chdir %s", rootfs);
  if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0) return oc_fail_errno(e, "move %s to /", rootfs);
  if (chroot(".") < 0) return oc_fail_errno(e, "chroot %s", rootfs);
  if (chdir("/") < 0) return oc_fail_errno(e, "chdir /");
  return 0;
}

int oc_rootfs_pivot(const char *rootfs, bool no_pivot, struct oc_err *e) {
  if (no_pivot) return move_root(rootfs, e);
  _cleanup_fd_ int oldroot = open("/", O_DIRECTORY | O_PATH | O_CLOEXEC);
  if (oldroot < 0) return oc_fail_errno(e, "open /");
  _cleanup_fd_ int newroot = open(rootfs, O_DIRECTORY | O_PATH | O_CLOEXEC);
  if (newroot < 0) return oc_fail_errno(e, "open rootfs %s", rootfs);
  if (fchdir(newroot) < 0) return oc_fail_errno(e, "chdir %s", rootfs);
  /* pivot_root(".", "."): the old root ends up stacked under the new one, at our cwd. */
  if (syscall(SYS_pivot_root, ".", ".") < 0) return oc_fail_errno(e, "pivot_root %s", rootfs);
  if (fchdir(oldroot) < 0) return oc_fail_errno(e, "chdir to the old root");
  /* Slave first, so detaching the old root does not propagate to the host. */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) return oc_fail_errno(e, "make the old root a slave");
  if (umount2(".", MNT_DETACH) < 0) return oc_fail_errno(e, "detach the old root");
  if (chdir("/") < 0) return oc_fail_errno(e, "chdir /");
  return 0;
}

int oc_rootfs_finalize(const struct oc_config *c, struct oc_err *e) {
  /* Before readonlyPaths, which usually include /proc/sys. */
  if (oc_sysctl_apply(c, e) < 0) return -1;
  _cleanup_fd_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return oc_fail_errno(e, "open /");
  if (oc_readonly_paths_apply(c, root, e) < 0 || oc_masked_paths_apply(c, root, e) < 0) return -1;
  /* A missing process.cwd is made now (as runc), while root.readonly does not forbid it yet;
   * oc_process_chdir names a failure. */
  struct oc_err ignored;
  if (c->process.cwd && c->process.cwd[0] == '/' && oc_mkdir_p(c->process.cwd, 0755, &ignored) < 0) {}
  if (c->root.readonly) {
    /* Only the read-only bit: the flags locked by a user namespace stay as they are. */
    struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(root, "", AT_EMPTY_PATH, &a, sizeof a) < 0) return oc_fail_errno(e, "root.readonly: remount /");
  }
  /* Last: an unbindable tree could no longer be bound by the steps above. */
  if (c->rootfs_propagation) {
    unsigned long prop;
    if (root_propagation(c, &prop, e) < 0) return -1;
    if (mount(NULL, "/", NULL, prop, NULL) < 0)
      return oc_fail_errno(e, "linux.rootfsPropagation: set %s on /", c->rootfs_propagation);
  }
  return 0;
}
