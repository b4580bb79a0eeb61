/* /dev of the container: the default devices and linux.devices (mknod, or a bind of the host's
 * node where mknod is not allowed, e.g. in a user namespace), the /dev symlinks, /dev/ptmx and a
 * /dev/console placeholder for terminals. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "namespaces/rootfs_internal.h"
#include "base/cleanup.h"

struct dev_node {
  const char *path;
  char type;
  int64_t major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

static const struct dev_node default_devices[] = {
    {"/dev/null", 'c', 1, 3, 0666, 0, 0},    {"/dev/zero", 'c', 1, 5, 0666, 0, 0},
    {"/dev/full", 'c', 1, 7, 0666, 0, 0},    {"/dev/random", 'c', 1, 8, 0666, 0, 0},
    {"/dev/urandom", 'c', 1, 9, 0666, 0, 0}, {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
};

bool oc_rootfs_needs_dev(const struct oc_config *c) {
  for (size_t i = 0; i < c->n_mounts; i++) {
    const struct oc_mount *m = &c->mounts[i];
    char dest[PATH_MAX];
    struct oc_err ignored;
    struct oc_mount_opts o;
    if (oc_path_clean(m->destination, dest, sizeof dest, &ignored) < 0 || strcmp(dest, "/dev") != 0) continue;
    if (oc_mount_opts_parse(m, i, &o, &ignored) < 0) continue;
    bool bind = oc_mount_is_bind(m, &o);
    oc_mount_opts_release(&o);
    if (bind) return false;
  }
  return true;
}

/* Split a clean path into its parent's fd (created if needed) and the last name. */
OC_MUST_CHECK static int open_parent(int root_fd, const char *path, char *name, size_t cap, struct oc_err *e) {
  char parent[PATH_MAX];
  const char *slash = strrchr(path, '/');
  if (!slash || !slash[1] || strlen(slash + 1) >= cap) return oc_fail(e, EINVAL, "bad device path %s", path);
  snprintf(name, cap, "%s", slash + 1);
  snprintf(parent, sizeof parent, "%.*s", slash == path ? 1 : (int)(slash - path), path);
  return oc_mkpath_in_root(root_fd, parent, false, e);
}

OC_MUST_CHECK static int bind_host_node(int root_fd, const char *path, struct oc_err *e) {
  _cleanup_fd_ int tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) return oc_fail_errno(e, "bind device %s from the host", path);
  _cleanup_fd_ int dest = oc_mkpath_in_root(root_fd, path, true, e);
  if (dest < 0) return -1;
  return oc_attach(tree, dest, path, e);
}

OC_MUST_CHECK static int create_node(int root_fd, const struct dev_node *d, struct oc_err *e) {
  char path[PATH_MAX], name[NAME_MAX + 1];
  if (oc_path_clean(d->path, path, sizeof path, e) < 0) return -1;
  mode_t type;
  switch (d->type) {
  case 'c':
  case 'u':
    type = S_IFCHR;
    break;
  case 'b':
    type = S_IFBLK;
    break;
  case 'p':
    type = S_IFIFO;
    break;
  default:
    return oc_fail(e, EINVAL, "device %s: invalid type '%c'", d->path, d->type);
  }
  _cleanup_fd_ int dir = open_parent(root_fd, path, name, sizeof name, e);
  if (dir < 0) return -1;
  dev_t dev = makedev((unsigned)d->major, (unsigned)d->minor);
  if (mknodat(dir, name, type | (d->mode & 07777), dev) < 0) {
    if (errno == EEXIST) return 0;
    if (errno == EPERM && type != S_IFIFO) return bind_host_node(root_fd, path, e);
    return oc_fail_errno(e, "mknod %s", path);
  }
  if (fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0) return oc_fail_errno(e, "chown %s", path);
  return 0;
}

static bool config_has_device(const struct oc_config *c, const char *path) {
  for (size_t i = 0; i < c->n_devices; i++)
    if (c->devices[i].path && strcmp(c->devices[i].path, path) == 0) return true;
  return false;
}

static bool config_mounts_proc(const struct oc_config *c) {
  for (size_t i = 0; i < c->n_mounts; i++)
    if (c->mounts[i].type && strcmp(c->mounts[i].type, "proc") == 0) return true;
  return false;
}

OC_MUST_CHECK static int dev_links(const struct oc_config *c, int dev, struct oc_err *e) {
  static const char *const links[][2] = {
      {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
      {"/proc/self/fd/2", "stderr"}, {"/proc/kcore", "core"},
  };
  for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
    /* kcore exists only with CONFIG_PROC_KCORE; the host's /proc tells. */
    if (strcmp(links[i][1], "core") == 0 && (!config_mounts_proc(c) || access("/proc/kcore", F_OK) < 0)) continue;
    if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
      return oc_fail_errno(e, "symlink /dev/%s", links[i][1]);
  }
  /* The container's own devpts instance provides the ptmx. */
  if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT) return oc_fail_errno(e, "remove /dev/ptmx");
  if (symlinkat("pts/ptmx", dev, "ptmx") < 0) return oc_fail_errno(e, "symlink /dev/ptmx");
  if (c->has_process && c->process.terminal) {
    int fd = openat(dev, "console", O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0 && errno != EEXIST) return oc_fail_errno(e, "create /dev/console");
    if (fd >= 0) close(fd);
  }
  return 0;
}

int oc_devices_setup(const struct oc_config *c, int root_fd, struct oc_err *e) {
  mode_t old = umask(0);
  int r = 0;
  for (size_t i = 0; r == 0 && i < sizeof default_devices / sizeof *default_devices; i++)
    if (!config_has_device(c, default_devices[i].path)) r = create_node(root_fd, &default_devices[i], e);
  for (size_t i = 0; r == 0 && i < c->n_devices; i++) {
    const struct oc_device *d = &c->devices[i];
    struct dev_node n = {
        .path = d->path, .type = d->type, .major = d->major, .minor = d->minor,
        .mode = d->file_mode.set ? (mode_t)d->file_mode.v : 0666,
        .uid = d->uid.set ? (uid_t)d->uid.v : 0, .gid = d->gid.set ? (gid_t)d->gid.v : 0,
    };
    r = create_node(root_fd, &n, e);
    if (r < 0) oc_wrap(e, r, "linux.devices[%zu]", i);
  }
  if (r == 0) {
    _cleanup_fd_ int dev = oc_mkpath_in_root(root_fd, "/dev", false, e);
    r = dev < 0 ? -1 : dev_links(c, dev, e);
  }
  umask(old);
  return r;
}
