/* Checks run by the runtime before anything exists: what would fail half-way through `create`
 * fails here with one line naming the config key. Filesystem types and their data options are
 * asked of the kernel itself (fsopen + fsconfig, nothing is mounted). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces/rootfs.h"
#include "namespaces/rootfs_internal.h"
#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/log.h"

/* Without the right to fsopen (rootless), fall back to the list of registered filesystems. */
static bool in_proc_filesystems(const char *type) {
  struct oc_err ignored;
  _cleanup_free_ char *list = NULL;
  if (oc_read_fileat(AT_FDCWD, "/proc/filesystems", &list, NULL, 1 << 20, &ignored) < 0) return true;
  size_t tl = strcspn(type, ".");  /* fuse.sshfs -> fuse */
  for (char *save = NULL, *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *name = strrchr(line, '\t');
    name = name ? name + 1 : line;
    if (strlen(name) == tl && strncmp(name, type, tl) == 0) return true;
  }
  return false;
}

OC_MUST_CHECK static int probe_fs(const struct oc_mount *m, size_t idx, const struct oc_mount_opts *o, struct oc_err *e) {
  _cleanup_fd_ int fs = fsopen(m->type, FSOPEN_CLOEXEC);
  if (fs < 0) {
    if (errno == ENODEV || (errno != ENOSYS && errno != EPERM && !in_proc_filesystems(m->type)))
      return oc_fail(e, ENODEV, "mounts[%zu]: unknown mount type \"%s\" for %s", idx, m->type, m->destination);
    return 0;
  }
  /* cgroup mounts are built by us; overlay resolves its layer paths while parsing them. */
  if (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2") || !strcmp(m->type, "overlay")) return 0;
  for (size_t i = 0; i < o->n_data; i++) {
    const char *opt = o->data[i], *eq = strchr(opt, '=');
    char key[256];
    int r;
    if (eq) {
      snprintf(key, sizeof key, "%.*s", (int)(eq - opt), opt);
      r = fsconfig(fs, FSCONFIG_SET_STRING, key, eq + 1, 0);
    } else {
      r = fsconfig(fs, FSCONFIG_SET_FLAG, opt, NULL, 0);
    }
    if (r < 0 && errno == EINVAL) {
      char log[300];
      oc_fs_context_log(fs, log, sizeof log);
      const char *what = strstr(log, "Unknown parameter") ? "unknown" : "invalid";
      return oc_fail(e, EINVAL, "mounts[%zu]: %s mount option \"%s\" for %s on %s%s", idx, what, opt, m->type,
                     m->destination, log);
    }
  }
  return 0;
}

static bool has_maps(const struct oc_mount *m) { return m->uid_mappings.n || m->gid_mappings.n; }

OC_MUST_CHECK static int validate_bind(const struct oc_config *c, const struct oc_mount *m, size_t idx,
                         const struct oc_mount_opts *o, const char *dest, struct oc_err *e) {
  if (!m->source || !m->source[0]) return oc_fail(e, EINVAL, "mounts[%zu]: bind mount on %s has no source", idx, dest);
  if (strncmp(dest, "/proc/", 6) == 0 && !oc_proc_dest_allowed(dest))
    return oc_fail(e, EPERM, "mounts[%zu]: %s cannot be mounted because it is inside /proc", idx, dest);
  for (size_t i = 0; i < o->n_data; i++)
    oc_log_debug("mounts[%zu]: option \"%s\" ignored for bind mount on %s (the kernel ignores data on a bind)", idx,
                 o->data[i], dest);
  if (!o->idmap) return 0;
  if (has_maps(m) && (!m->uid_mappings.n || !m->gid_mappings.n))
    return oc_fail(e, EINVAL, "mounts[%zu]: idmapped mount on %s needs both uidMappings and gidMappings", idx, dest);
  const struct oc_namespace *user = oc_config_ns(c, OC_NS_USER);
  if (!has_maps(m) && !(user && (user->path || c->uid_mappings.n)))
    return oc_fail(e, EINVAL, "mounts[%zu]: idmap on %s needs uidMappings/gidMappings or a user namespace", idx, dest);
  return 0;
}

OC_MUST_CHECK static int validate_mount(const struct oc_config *c, size_t idx, struct oc_err *e) {
  const struct oc_mount *m = &c->mounts[idx];
  char dest[PATH_MAX];
  if (!m->destination || m->destination[0] != '/')
    return oc_fail(e, EINVAL, "mounts[%zu]: destination \"%s\" is not an absolute path", idx,
                   m->destination ? m->destination : "");
  if (oc_path_clean(m->destination, dest, sizeof dest, e) < 0) return oc_wrap(e, -1, "mounts[%zu]", idx);
  if (strcmp(dest, "/") == 0) return oc_fail(e, EINVAL, "mounts[%zu]: cannot mount over the container's root", idx);
  struct oc_mount_opts o;
  if (oc_mount_opts_parse(m, idx, &o, e) < 0) return -1;
  int r;
  if (oc_mount_is_bind(m, &o)) {
    r = validate_bind(c, m, idx, &o, dest, e);
  } else if (o.idmap) {
    r = oc_fail(e, EINVAL, "mounts[%zu]: idmapped mounts are only supported for bind mounts (%s)", idx, dest);
  } else if (strcmp(dest, "/proc") == 0 && strcmp(m->type, "proc") != 0) {
    r = oc_fail(e, EPERM, "mounts[%zu]: /proc cannot be mounted because it is not of type proc", idx);
  } else if (strncmp(dest, "/proc/", 6) == 0) {
    r = oc_fail(e, EPERM, "mounts[%zu]: %s cannot be mounted because it is inside /proc", idx, dest);
  } else {
    r = probe_fs(m, idx, &o, e);
  }
  oc_mount_opts_release(&o);
  return r;
}

OC_MUST_CHECK static int validate_devices(const struct oc_config *c, struct oc_err *e) {
  for (size_t i = 0; i < c->n_devices; i++) {
    const struct oc_device *d = &c->devices[i];
    if (!d->path || d->path[0] != '/')
      return oc_fail(e, EINVAL, "linux.devices[%zu]: path \"%s\" is not absolute", i, d->path ? d->path : "");
    if (!strchr("cbup", d->type) || !d->type)
      return oc_fail(e, EINVAL, "linux.devices[%zu]: invalid type '%c' for %s", i, d->type ? d->type : '?', d->path);
  }
  return 0;
}

OC_MUST_CHECK static int validate_paths(const struct oc_strv *v, const char *key, struct oc_err *e) {
  for (size_t i = 0; i < v->n; i++)
    if (v->v[i][0] != '/') return oc_fail(e, EINVAL, "%s: \"%s\" is not an absolute path", key, v->v[i]);
  return 0;
}

int oc_rootfs_validate(const struct oc_config *c, const char *rootfs, struct oc_err *e) {
  struct stat st;
  if (stat(rootfs, &st) < 0) return oc_fail_errno(e, "rootfs (%s) does not exist", rootfs);
  if (!S_ISDIR(st.st_mode)) return oc_fail(e, ENOTDIR, "rootfs (%s) is not a directory", rootfs);
  unsigned long prop;
  if (c->rootfs_propagation && !oc_propagation_parse(c->rootfs_propagation, &prop))
    return oc_fail(e, EINVAL, "linux.rootfsPropagation: unknown propagation \"%s\"", c->rootfs_propagation);
  for (size_t i = 0; i < c->n_mounts; i++)
    if (validate_mount(c, i, e) < 0) return -1;
  if (validate_devices(c, e) < 0) return -1;
  if (validate_paths(&c->masked_paths, "linux.maskedPaths", e) < 0) return -1;
  if (validate_paths(&c->readonly_paths, "linux.readonlyPaths", e) < 0) return -1;
  return oc_sysctl_validate(c, e);
}
