/* config.json mounts, each one onto an fd resolved inside the rootfs, with the new mount API:
 * fsopen/fsconfig/fsmount for filesystems, open_tree clones for bind mounts, mount_setattr for
 * attributes and propagation, move_mount to attach. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "namespaces/rootfs_internal.h"
#include "base/cleanup.h"
#include "base/log.h"

#define PROC_ROOT_INO 1

/* Files inside /proc that may be bind-mounted over (lxcfs and friends). */
static const char *const proc_allowed[] = {
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",    "/proc/swaps",
    "/proc/uptime",  "/proc/loadavg",   "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
};

bool oc_proc_dest_allowed(const char *clean_dest) {
  for (size_t i = 0; i < sizeof proc_allowed / sizeof *proc_allowed; i++)
    if (strcmp(clean_dest, proc_allowed[i]) == 0) return true;
  return false;
}

static bool fs_is(int fd, long magic) {
  struct statfs sfs;
  return fstatfs(fd, &sfs) == 0 && sfs.f_type == magic;
}

static bool selinux_enabled(void) {
  static int on = -1;
  if (on < 0) {
    struct statfs sfs;
    on = statfs("/sys/fs/selinux", &sfs) == 0 && sfs.f_type == (typeof(sfs.f_type))SELINUX_MAGIC;
  }
  return on;
}

/* Per-mount attributes of a bind clone. A flag locked by a less privileged user namespace cannot be
 * cleared: retry without clearing anything, as runc keeps the locked flags. */
OC_MUST_CHECK static int set_bind_attrs(int tree, const struct oc_mount_opts *o, const char *dest, struct oc_err *e) {
  if (o->attr_set || o->attr_clr) {
    struct mount_attr a = {.attr_set = o->attr_set, .attr_clr = o->attr_clr};
    int r = mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof a);
    if (r < 0 && errno == EPERM && o->attr_clr) {
      oc_log_debug("bind mount on %s: keeping locked mount flags", dest);
      a.attr_clr = 0;
      a.attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
      r = mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof a);
    }
    if (r < 0) return oc_fail_errno(e, "set mount options of %s", dest);
  }
  if (o->rattr_set || o->rattr_clr) {
    struct mount_attr a = {.attr_set = o->rattr_set, .attr_clr = o->rattr_clr};
    if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
      return oc_fail_errno(e, "set recursive mount options of %s", dest);
  }
  return 0;
}

OC_MUST_CHECK static int apply_propagations(int mnt, const struct oc_mount_opts *o, const char *dest, struct oc_err *e) {
  for (size_t i = 0; i < o->n_prop; i++)
    if (oc_apply_propagation(mnt, o->prop[i], dest, e) < 0) return -1;
  return 0;
}

/* A destination that resolves into a mounted procfs may only be one of the allowed files. */
OC_MUST_CHECK static int check_in_proc(int dest_fd, const char *dest, bool proc_root_ok, struct oc_err *e) {
  if (!fs_is(dest_fd, PROC_SUPER_MAGIC) || oc_proc_dest_allowed(dest)) return 0;
  if (proc_root_ok && strcmp(dest, "/proc") == 0) return 0;
  return oc_fail(e, EPERM, "%s cannot be mounted because it is inside /proc", dest);
}

OC_MUST_CHECK static int mount_bind(const struct oc_config *c, const struct oc_mount *m, size_t idx,
                      const struct oc_mount_opts *o, int root_fd, const char *dest, struct oc_err *e) {
  _cleanup_fd_ int tree = oc_take_source_tree(idx);
  if (tree < 0 && (tree = oc_bind_source_tree(c, m, o, e)) < 0) return -1;
  struct stat st;
  if (fstat(tree, &st) < 0) return oc_fail_errno(e, "stat bind source %s", m->source);
  if (strcmp(dest, "/proc") == 0 && !(fs_is(tree, PROC_SUPER_MAGIC) && st.st_ino == PROC_ROOT_INO))
    return oc_fail(e, EPERM, "/proc cannot be mounted from %s: not the root of a procfs", m->source);
  _cleanup_fd_ int dfd = oc_mkpath_in_root(root_fd, dest, !S_ISDIR(st.st_mode), e);
  if (dfd < 0) return -1;
  if (check_in_proc(dfd, dest, true, e) < 0) return -1;
  if (set_bind_attrs(tree, o, dest, e) < 0 || oc_attach(tree, dfd, dest, e) < 0) return -1;
  return apply_propagations(tree, o, dest, e);
}

/* A tmpfs over an existing directory keeps that directory's mode unless mode= is given. */
static int tmpfs_mode_opt(int root_fd, const char *dest, const struct oc_mount_opts *o, char *buf, size_t cap) {
  for (size_t i = 0; i < o->n_data; i++)
    if (strncmp(o->data[i], "mode=", 5) == 0) return 0;
  struct oc_err ignored;
  _cleanup_fd_ int fd = oc_open_in_root(root_fd, dest, O_PATH, &ignored);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) return 0;
  snprintf(buf, cap, "mode=%o", (unsigned)(st.st_mode & 07777));
  return 1;
}

/* The host's tree for filesystems a user namespace without its own net/ipc namespace may not mount. */
static const char *host_fallback(const char *type) {
  if (strcmp(type, "sysfs") == 0) return "/sys";
  if (strcmp(type, "mqueue") == 0) return "/dev/mqueue";
  return NULL;
}

OC_MUST_CHECK static int mount_fs(const struct oc_config *c, const struct oc_mount *m, const struct oc_mount_opts *o,
                    int root_fd, const char *dest, int *dev_ro_fd, struct oc_err *e) {
  const char *type = m->type;
  bool proc = strcmp(type, "proc") == 0, sysfs = strcmp(type, "sysfs") == 0;
  if (proc || sysfs) {
    /* Never through a symlink or onto a file (CVE-2019-19921 and friends). */
    struct oc_err ignored;
    _cleanup_fd_ int cur = oc_open_in_root(root_fd, dest, O_PATH | O_NOFOLLOW, &ignored);
    struct stat st;
    if (cur >= 0 && (fstat(cur, &st) < 0 || !S_ISDIR(st.st_mode)))
      return oc_fail(e, ENOTDIR, "%s must be mounted on an ordinary directory, %s is not one", type, dest);
  }
  char mode_opt[32];
  struct oc_mount_opts ox = *o;
  const char **data = NULL;
  if (strcmp(type, "tmpfs") == 0 && tmpfs_mode_opt(root_fd, dest, o, mode_opt, sizeof mode_opt)) {
    data = malloc((o->n_data + 1) * sizeof *data);
    if (!data) return oc_fail(e, ENOMEM, "out of memory");
    if (o->n_data) memcpy(data, o->data, o->n_data * sizeof *data);
    data[ox.n_data++] = mode_opt;
    ox.data = data;
  }
  _cleanup_free_ const char **data_owned = data;

  _cleanup_fd_ int dfd = oc_mkpath_in_root(root_fd, dest, false, e);
  if (dfd < 0) return -1;
  if (check_in_proc(dfd, dest, proc, e) < 0) return -1;

  uint64_t attrs = o->attr_set | o->rattr_set;
  bool dev_ro = strcmp(dest, "/dev") == 0 && (attrs & MOUNT_ATTR_RDONLY);
  if (dev_ro) attrs &= ~(uint64_t)MOUNT_ATTR_RDONLY;  /* devices are created first, see rootfs.c */
  const char *label = NULL;
  if (c->mount_label && !proc && !sysfs && selinux_enabled()) label = c->mount_label;

  _cleanup_fd_ int mnt = oc_fs_mount_fd(type, m->source, &ox, label, attrs, e);
  const char *host = host_fallback(type);
  int err = e->errnum;
  if (mnt < 0 && host && (err == EPERM || err == EBUSY || err == EACCES || err == ENODATA)) {
    oc_log_debug("mount %s on %s: %s; binding the host's %s instead", type, dest, e->msg, host);
    mnt = open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (mnt < 0) return oc_fail_errno(e, "bind %s on %s", host, dest);
    struct mount_attr a = {.attr_set = attrs, .attr_clr = (attrs & MOUNT_ATTR__ATIME) ? MOUNT_ATTR__ATIME : 0};
    if (attrs && mount_setattr(mnt, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
      return oc_fail_errno(e, "set mount options of %s", dest);
  }
  if (mnt < 0 && e->errnum == EPERM && oc_config_ns(c, OC_NS_USER))
    return oc_wrap(e, -1, "mount %s on %s: a %s filesystem needs privilege on the host, which a user namespace "
                   "(rootless) does not give", type, dest, type);
  if (mnt < 0) return oc_wrap(e, -1, "mount %s on %s", type, dest);
  if (oc_attach(mnt, dfd, dest, e) < 0) return -1;

  if (proc || sysfs) {
    /* What a lookup of dest finds now must be the filesystem just mounted. */
    _cleanup_fd_ int chk = oc_open_in_root(root_fd, dest, O_PATH | O_NOFOLLOW | O_DIRECTORY, e);
    struct stat st;
    if (chk < 0) return -1;
    if (!fs_is(chk, proc ? PROC_SUPER_MAGIC : SYSFS_MAGIC) ||
        (proc && (fstat(chk, &st) < 0 || st.st_ino != PROC_ROOT_INO)))
      return oc_fail(e, EPERM, "%s on %s: the mounted filesystem is not a %s", type, dest, type);
  }
  if (apply_propagations(mnt, o, dest, e) < 0) return -1;
  if (dev_ro) *dev_ro_fd = oc_steal_fd(&mnt);
  return 0;
}

OC_MUST_CHECK static int mount_one(const struct oc_config *c, size_t idx, int root_fd, int *dev_ro_fd, struct oc_err *e) {
  const struct oc_mount *m = &c->mounts[idx];
  char dest[PATH_MAX];
  if (oc_path_clean(m->destination, dest, sizeof dest, e) < 0) return -1;
  struct oc_mount_opts o;
  if (oc_mount_opts_parse(m, idx, &o, e) < 0) return -1;
  int r;
  if (oc_mount_is_bind(m, &o))
    r = mount_bind(c, m, idx, &o, root_fd, dest, e);
  else if (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0)
    r = oc_mount_cgroup(c, m, &o, root_fd, dest, e);
  else
    r = mount_fs(c, m, &o, root_fd, dest, dev_ro_fd, e);
  oc_mount_opts_release(&o);
  return r;
}

int oc_mounts_apply(const struct oc_config *c, int root_fd, int *dev_ro_fd, struct oc_err *e) {
  for (size_t i = 0; i < c->n_mounts; i++)
    if (mount_one(c, i, root_fd, dev_ro_fd, e) < 0) return oc_wrap(e, -1, "mounts[%zu] (%s)", i, c->mounts[i].destination);
  return 0;
}
