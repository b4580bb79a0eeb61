/* The "cgroup" mount. On a unified host: a cgroup2 filesystem. On a v1/hybrid host (as runc): a
 * tmpfs holding one mount per host hierarchy, a fresh cgroup filesystem when the container has a
 * cgroup namespace, else a bind of the container's own cgroup directory. Read-only unless the
 * config asks for "rw" (a writable host cgroup is a way out, CVE-2023-25809). */
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
#include "base/fsutil.h"
#include "base/log.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/* Super options of a v1 hierarchy that are not controller names. */
static bool is_controller(const char *opt) {
  static const char *const not_ctl[] = {"rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode",
                                        "favordynmods", "none", "all"};
  if (strncmp(opt, "release_agent=", 14) == 0) return false;
  for (size_t i = 0; i < sizeof not_ctl / sizeof *not_ctl; i++)
    if (strcmp(opt, not_ctl[i]) == 0) return false;
  return true;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* "rw,cpuacct,cpu" -> "cpu,cpuacct": the controllers, sorted, to compare with /proc/self/cgroup. */
static void controllers_key(const char *list, bool filter, char *out, size_t cap) {
  char buf[512], *parts[32] = {NULL};
  size_t n = 0;
  snprintf(buf, sizeof buf, "%s", list);
  for (char *save = NULL, *t = strtok_r(buf, ",", &save); t && n < 32; t = strtok_r(NULL, ",", &save))
    if (!filter || is_controller(t)) parts[n++] = t;
  qsort(parts, n, sizeof *parts, cmp_str);
  size_t w = 0;
  out[0] = '\0';
  for (size_t i = 0; i < n && w < cap; i++)
    w += (size_t)snprintf(out + w, cap - w, "%s%s", i ? "," : "", parts[i]);
}

/* Our cgroup path in the hierarchy whose controllers are key ("" for cgroup2). */
static const char *own_path(char *proc_cgroup, const char *key, char *out, size_t cap) {
  char *copy = strdup(proc_cgroup);
  if (!copy) return NULL;
  const char *found = NULL;
  for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2) continue;
    *c2 = '\0';
    char k[512];
    controllers_key(c1 + 1, false, k, sizeof k);
    if (strcmp(k, key) == 0) {
      snprintf(out, cap, "%s", c2 + 1);
      found = out;
      break;
    }
  }
  free(copy);
  return found;
}

/* A fresh v1 hierarchy (inside a cgroup namespace its root is the namespace's root). */
OC_MUST_CHECK static int fresh_v1(const struct oc_mountinfo *mi, uint64_t attrs, struct oc_err *e) {
  _cleanup_fd_ int fs = fsopen("cgroup", FSOPEN_CLOEXEC);
  if (fs < 0) return oc_fail_errno(e, "fsopen cgroup");
  char buf[512];
  bool any = false;
  if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "cgroup", 0) < 0) return oc_fail_errno(e, "cgroup source");
  snprintf(buf, sizeof buf, "%s", mi->super_opts);
  for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if (!is_controller(t) && strcmp(t, "xattr") != 0 && strcmp(t, "noprefix") != 0) continue;
    int r = strncmp(t, "name=", 5) == 0 ? fsconfig(fs, FSCONFIG_SET_STRING, "name", t + 5, 0)
                                         : fsconfig(fs, FSCONFIG_SET_FLAG, t, NULL, 0);
    if (r < 0) return oc_fail_errno(e, "cgroup option %s", t);
    any = any || is_controller(t);
  }
  if (!any && fsconfig(fs, FSCONFIG_SET_FLAG, "none", NULL, 0) < 0) return oc_fail_errno(e, "cgroup option none");
  if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) return oc_fail_errno(e, "create cgroup filesystem %s", mi->super_opts);
  int mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attrs);
  return mnt < 0 ? oc_fail_errno(e, "fsmount cgroup %s", mi->super_opts) : mnt;
}

OC_MUST_CHECK static int bind_own(const char *mountpoint, const char *root, const char *path, uint64_t attrs, struct oc_err *e) {
  char src[PATH_MAX];
  size_t rl = strlen(root);
  const char *rel = "";
  if (path && strcmp(root, "/") == 0) rel = path;
  else if (path && strncmp(path, root, rl) == 0 && (path[rl] == '/' || !path[rl])) rel = path + rl;
  if (snprintf(src, sizeof src, "%s%s", mountpoint, strcmp(rel, "/") == 0 ? "" : rel) >= (int)sizeof src)
    return oc_fail(e, ENAMETOOLONG, "cgroup path too long: %s%s", mountpoint, rel);
  _cleanup_fd_ int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (tree < 0) return oc_fail_errno(e, "bind cgroup %s", src);
  struct mount_attr a = {.attr_set = attrs};
  if (attrs & MOUNT_ATTR__ATIME) a.attr_clr = MOUNT_ATTR__ATIME;
  if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
    return oc_fail_errno(e, "set mount options of cgroup %s", src);
  return oc_steal_fd(&tree);
}

OC_MUST_CHECK static int mount_v2(const struct oc_mount *m, const struct oc_mount_opts *o, int root_fd, const char *dest,
                    uint64_t attrs, bool unified, struct oc_err *e) {
  _cleanup_fd_ int dfd = oc_mkpath_in_root(root_fd, dest, false, e);
  if (dfd < 0) return -1;
  _cleanup_fd_ int mnt = oc_fs_mount_fd("cgroup2", m->source, o, NULL, attrs, e);
  if (mnt < 0 && (e->errnum == EPERM || e->errnum == EBUSY)) {
    /* No cgroup namespace of our own to mount from: bind our part of the host's hierarchy. */
    _cleanup_free_ char *pc = NULL;
    char path[PATH_MAX];
    if (oc_read_fileat(AT_FDCWD, "/proc/self/cgroup", &pc, NULL, 1 << 20, e) < 0) return -1;
    mnt = bind_own(unified ? CGROUP_ROOT : CGROUP_ROOT "/unified", "/", own_path(pc, "", path, sizeof path), attrs, e);
  }
  if (mnt < 0) return oc_wrap(e, -1, "mount cgroup2 on %s", dest);
  if (oc_attach(mnt, dfd, dest, e) < 0) return -1;
  for (size_t i = 0; i < o->n_prop; i++)
    if (oc_apply_propagation(mnt, o->prop[i], dest, e) < 0) return -1;
  return 0;
}

/* One host hierarchy (mi) under the tmpfs tmp. */
OC_MUST_CHECK static int mount_hierarchy(const struct oc_mountinfo *mi, bool cgns, char *proc_cgroup, int tmp, const char *dest,
                           uint64_t attrs, struct oc_err *e) {
  bool v2 = strcmp(mi->fstype, "cgroup2") == 0;
  const char *name = strrchr(mi->mountpoint, '/') + 1;
  if (mkdirat(tmp, name, 0755) < 0 && errno != EEXIST) return oc_fail_errno(e, "mkdir %s/%s", dest, name);
  _cleanup_fd_ int sub = openat(tmp, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sub < 0) return oc_fail_errno(e, "open %s/%s", dest, name);
  char key[512], path[PATH_MAX], sub_dest[PATH_MAX];
  if (v2) key[0] = '\0';
  else controllers_key(mi->super_opts, true, key, sizeof key);
  _cleanup_fd_ int mnt = -1;
  if (cgns)
    mnt = v2 ? oc_fs_mount_fd("cgroup2", "cgroup2", NULL, NULL, attrs, e) : fresh_v1(mi, attrs, e);
  else
    mnt = bind_own(mi->mountpoint, mi->root, own_path(proc_cgroup, key, path, sizeof path), attrs, e);
  if (mnt < 0) return oc_wrap(e, -1, "cgroup hierarchy %s", mi->mountpoint);
  snprintf(sub_dest, sizeof sub_dest, "%s/%s", dest, name);
  if (oc_attach(mnt, sub, sub_dest, e) < 0) return -1;
  /* Co-mounted controllers ("cpu,cpuacct") are also reachable by each name. */
  if (strchr(name, ',')) {
    char parts[NAME_MAX + 1];
    snprintf(parts, sizeof parts, "%s", name);
    for (char *save = NULL, *t = strtok_r(parts, ",", &save); t; t = strtok_r(NULL, ",", &save))
      if (symlinkat(name, tmp, t) < 0 && errno != EEXIST) return oc_fail_errno(e, "symlink %s/%s", dest, t);
  }
  return 0;
}

static bool is_host_hierarchy(const struct oc_mountinfo *mi) {
  if (strcmp(mi->fstype, "cgroup") != 0 && strcmp(mi->fstype, "cgroup2") != 0) return false;
  const char *slash = strrchr(mi->mountpoint, '/');
  size_t rl = strlen(CGROUP_ROOT);
  return slash && slash[1] && (size_t)(slash - mi->mountpoint) == rl && strncmp(mi->mountpoint, CGROUP_ROOT, rl) == 0;
}

OC_MUST_CHECK static int mount_v1_from(const struct oc_config *c, const struct oc_mount_opts *o, int root_fd, const char *dest,
                         uint64_t attrs, const struct oc_mountinfo_table *mt, char *proc_cgroup,
                         struct oc_err *e) {
  bool cgns = oc_config_ns(c, OC_NS_CGROUP) != NULL;
  _cleanup_fd_ int dfd = oc_mkpath_in_root(root_fd, dest, false, e);
  if (dfd < 0) return -1;
  struct oc_mount_opts tmpfs_opts = {.data = (const char *[]){"mode=755"}, .n_data = 1};
  uint64_t tattrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  _cleanup_fd_ int tmp = oc_fs_mount_fd("tmpfs", "tmpfs", &tmpfs_opts, NULL, tattrs, e);
  if (tmp < 0 || oc_attach(tmp, dfd, dest, e) < 0) return -1;
  for (size_t i = 0; i < mt->n; i++)
    if (is_host_hierarchy(&mt->v[i]) && mount_hierarchy(&mt->v[i], cgns, proc_cgroup, tmp, dest, attrs, e) < 0)
      return -1;
  if (attrs & MOUNT_ATTR_RDONLY) {
    struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(tmp, "", AT_EMPTY_PATH, &a, sizeof a) < 0) return oc_fail_errno(e, "make %s read-only", dest);
  }
  for (size_t i = 0; i < o->n_prop; i++)
    if (oc_apply_propagation(tmp, o->prop[i], dest, e) < 0) return -1;
  return 0;
}

OC_MUST_CHECK static int mount_v1(const struct oc_config *c, const struct oc_mount_opts *o, int root_fd, const char *dest,
                    uint64_t attrs, struct oc_err *e) {
  struct oc_mountinfo_table mt;
  _cleanup_free_ char *pc = NULL;
  if (oc_read_fileat(AT_FDCWD, "/proc/self/cgroup", &pc, NULL, 1 << 20, e) < 0) return -1;
  if (oc_mountinfo_read(&mt, e) < 0) return -1;
  int r = mount_v1_from(c, o, root_fd, dest, attrs, &mt, pc, e);
  oc_mountinfo_free(&mt);
  return r;
}

int oc_mount_cgroup(const struct oc_config *c, const struct oc_mount *m, const struct oc_mount_opts *o,
                    int root_fd, const char *dest, struct oc_err *e) {
  uint64_t attrs = o->attr_set | o->rattr_set;
  if (o->rw_asked) attrs &= ~(uint64_t)MOUNT_ATTR_RDONLY;
  else attrs |= MOUNT_ATTR_RDONLY;
  struct statfs sfs;
  bool unified = statfs(CGROUP_ROOT, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
  if (unified || strcmp(m->type, "cgroup2") == 0) return mount_v2(m, o, root_fd, dest, attrs, unified, e);
  return mount_v1(c, o, root_fd, dest, attrs, e);
}
