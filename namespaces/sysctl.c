/* linux.sysctl: written under the container's /proc/sys, opened in its root and verified to be
 * procfs, never leaving it (no symlinks, no other mounts). Only keys of namespaces the container
 * owns are accepted, otherwise the write would reach the host. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "namespaces/rootfs.h"
#include "namespaces/rootfs_internal.h"
#include "base/cleanup.h"

static bool applied;

static bool has_own_ns(const struct oc_config *c, enum oc_ns_type t) { return oc_config_ns(c, t) != NULL; }

int oc_sysctl_validate(const struct oc_config *c, struct oc_err *e) {
  static const char *const ipc_keys[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                         "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
  for (size_t i = 0; i < c->sysctl.n; i++) {
    const char *k = c->sysctl.v[i].key;
    enum oc_ns_type need = OC_NS_COUNT;
    if (strncmp(k, "net.", 4) == 0 || strncmp(k, "net/", 4) == 0) need = OC_NS_NET;
    else if (strncmp(k, "fs.mqueue.", 10) == 0 || strncmp(k, "fs/mqueue/", 10) == 0) need = OC_NS_IPC;
    else if (!strcmp(k, "kernel.hostname") || !strcmp(k, "kernel.domainname")) need = OC_NS_UTS;
    for (size_t j = 0; j < sizeof ipc_keys / sizeof *ipc_keys; j++)
      if (strcmp(k, ipc_keys[j]) == 0) need = OC_NS_IPC;
    if (need == OC_NS_COUNT)
      return oc_fail(e, EINVAL, "linux.sysctl: %s is not in a separate kernel namespace", k);
    if (!has_own_ns(c, need))
      return oc_fail(e, EINVAL, "linux.sysctl: %s requires a %s namespace", k, oc_ns_type_name(need));
  }
  return 0;
}

/* "net.ipv4.ip_forward" -> "net/ipv4/ip_forward"; a key already written with slashes is kept. */
OC_MUST_CHECK static int key_path(const char *key, char *out, size_t cap, struct oc_err *e) {
  if (snprintf(out, cap, "%s", key) >= (int)cap) return oc_fail(e, ENAMETOOLONG, "linux.sysctl: key too long: %s", key);
  if (!strchr(out, '/'))
    for (char *p = out; *p; p++)
      if (*p == '.') *p = '/';
  for (const char *p = out; *p;) {
    const char *s = p;
    while (*p && *p != '/') p++;
    size_t n = (size_t)(p - s);
    if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
      return oc_fail(e, EINVAL, "linux.sysctl: invalid key %s", key);
    if (*p) p++;
  }
  return 0;
}

OC_MUST_CHECK static int open_proc_sys(struct oc_err *e) {
  _cleanup_fd_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return oc_fail_errno(e, "open /");
  _cleanup_fd_ int fd = oc_open_in_root(root, "/proc/sys", O_PATH | O_DIRECTORY, e);
  if (fd < 0) return oc_wrap(e, fd, "linux.sysctl");
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0) return oc_fail_errno(e, "linux.sysctl: statfs /proc/sys");
  if (sfs.f_type != PROC_SUPER_MAGIC) return oc_fail(e, EPERM, "linux.sysctl: /proc/sys in the container is not procfs");
  return oc_steal_fd(&fd);
}

int oc_sysctl_apply(const struct oc_config *c, struct oc_err *e) {
  if (applied || !c->sysctl.n) return 0;
  _cleanup_fd_ int sys = open_proc_sys(e);
  if (sys < 0) return -1;
  for (size_t i = 0; i < c->sysctl.n; i++) {
    const struct oc_kv *kv = &c->sysctl.v[i];
    char rel[PATH_MAX];
    if (key_path(kv->key, rel, sizeof rel, e) < 0) return -1;
    struct open_how how = {
        .flags = O_WRONLY | O_CLOEXEC | O_NOCTTY,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
    };
    _cleanup_fd_ int fd = (int)syscall(SYS_openat2, sys, rel, &how, sizeof how);
    if (fd < 0) return oc_fail_errno(e, "linux.sysctl: %s", kv->key);
    size_t len = strlen(kv->value);
    ssize_t w = write(fd, kv->value, len);
    if (w < 0) return oc_fail_errno(e, "linux.sysctl: write \"%s\" to %s", kv->value, kv->key);
    if ((size_t)w != len) return oc_fail(e, EIO, "linux.sysctl: short write to %s", kv->key);
  }
  applied = true;
  return 0;
}
