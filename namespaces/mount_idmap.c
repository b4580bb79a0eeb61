/* Bind mount sources as detached trees (open_tree), idmapped when asked.
 * An idmapped mount needs CAP_SYS_ADMIN over the source's filesystem, which the init of a container
 * with a user namespace lacks: oc_rootfs_open_sources runs in the runtime before clone and the
 * cloned init inherits the trees (the fds and this file's table are copied by the clone). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "namespaces/ns.h"
#include "namespaces/rootfs.h"
#include "namespaces/rootfs_internal.h"
#include "base/cleanup.h"
#include "base/user_dirs.h"

static int *source_trees;
static size_t n_source_trees;

/* The pid of our child as the mounted /proc numbers it: we may be in a pid namespace of our own
 * while /proc is still the host's. */
OC_MUST_CHECK static pid_t proc_pid_of(int pidfd, struct oc_err *e) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
  _cleanup_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return oc_fail_errno(e, "open %s", path);
  ssize_t r = read(fd, buf, sizeof buf - 1);
  if (r < 0) return oc_fail_errno(e, "read %s", path);
  buf[r] = '\0';
  char *p = strstr(buf, "\nPid:");
  long v = p ? strtol(p + 5, NULL, 10) : -1;
  if (v <= 0) return oc_fail(e, ESRCH, "idmapped mount: no pid in %s", path);
  return (pid_t)v;
}

int oc_userns_fd_from_maps(const struct oc_id_maps *uid, const struct oc_id_maps *gid, struct oc_err *e) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0) return oc_fail_errno(e, "pipe");
  pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, NULL, NULL, 0);
  if (pid < 0) {
    int r = oc_fail_errno(e, "idmapped mount: create user namespace");
    close(pipefd[0]);
    close(pipefd[1]);
    return r;
  }
  if (pid == 0) {
    /* Only holds the namespace open until the parent closes the pipe. */
    char b;
    close(pipefd[1]);
    while (read(pipefd[0], &b, 1) < 0 && errno == EINTR) {}
    _exit(0);
  }
  close(pipefd[0]);
  int ret = -1;
  _cleanup_fd_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  pid_t ppid;
  if (pidfd < 0) {
    ret = oc_fail_errno(e, "pidfd_open");
  } else if ((ppid = proc_pid_of(pidfd, e)) > 0 && oc_ns_write_id_map(ppid, "uid_map", uid, e) == 0 &&
             oc_ns_write_id_map(ppid, "gid_map", gid, e) == 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int)ppid);
    ret = open(path, O_RDONLY | O_CLOEXEC);
    if (ret < 0) ret = oc_fail_errno(e, "idmapped mount: open %s", path);
  }
  close(pipefd[1]);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
  return ret;
}

int oc_idmap_userns_fd(const struct oc_config *c, const struct oc_mount *m, struct oc_err *e) {
  if (m->uid_mappings.n || m->gid_mappings.n) return oc_userns_fd_from_maps(&m->uid_mappings, &m->gid_mappings, e);
  const struct oc_namespace *user = oc_config_ns(c, OC_NS_USER);
  if (user && user->path) {
    int fd = open(user->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return oc_fail_errno(e, "open user namespace %s", user->path);
    return fd;
  }
  if (user && c->uid_mappings.n) return oc_userns_fd_from_maps(&c->uid_mappings, &c->gid_mappings, e);
  return oc_fail(e, EINVAL, "idmapped mount on %s: no uidMappings/gidMappings and no user namespace",
                 m->destination);
}

int oc_bind_source_tree(const struct oc_config *c, const struct oc_mount *m, const struct oc_mount_opts *o,
                        struct oc_err *e) {
  const char *src = m->source && m->source[0] ? m->source : NULL;
  if (!src) return oc_fail(e, EINVAL, "bind mount on %s has no source", m->destination);
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->rec ? AT_RECURSIVE : 0);
  _cleanup_fd_ int tree = open_tree(AT_FDCWD, src, flags);
  if (tree < 0) return oc_fail_errno(e, "bind mount source %s", src);
  if (o->idmap) {
    _cleanup_fd_ int userns = oc_idmap_userns_fd(c, m, e);
    if (userns < 0) return userns;
    struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
    unsigned at = AT_EMPTY_PATH | (o->ridmap ? AT_RECURSIVE : 0);
    if (mount_setattr(tree, "", at, &a, sizeof a) < 0)
      return oc_fail_errno(e, "idmapped mount of %s on %s", src, m->destination);
  }
  return oc_steal_fd(&tree);
}

int oc_take_source_tree(size_t idx) {
  if (idx >= n_source_trees) return -1;
  int fd = source_trees[idx];
  source_trees[idx] = -1;
  return fd;
}

void oc_rootfs_close_sources(void) {
  for (size_t i = 0; i < n_source_trees; i++)
    if (source_trees[i] >= 0) close(source_trees[i]);
  free(source_trees);
  source_trees = NULL;
  n_source_trees = 0;
}

int oc_rootfs_open_sources(const struct oc_config *c, struct oc_err *e) {
  oc_rootfs_close_sources();
  /* Rootless, the runtime holds no privilege over the host's mounts: the init clones the sources
   * itself, in the mount namespace its user namespace owns. */
  bool userns = oc_config_ns(c, OC_NS_USER) != NULL && !oc_rootless();
  if (!c->n_mounts) return 0;
  source_trees = malloc(c->n_mounts * sizeof *source_trees);
  if (!source_trees) return oc_fail(e, ENOMEM, "out of memory");
  n_source_trees = c->n_mounts;
  for (size_t i = 0; i < c->n_mounts; i++) source_trees[i] = -1;
  for (size_t i = 0; i < c->n_mounts; i++) {
    const struct oc_mount *m = &c->mounts[i];
    struct oc_mount_opts o;
    int r = oc_mount_opts_parse(m, i, &o, e);
    if (r == 0) {
      if (oc_mount_is_bind(m, &o) && (userns || o.idmap)) {
        r = oc_bind_source_tree(c, m, &o, e);
        if (r >= 0) source_trees[i] = r;
      }
      oc_mount_opts_release(&o);
    }
    if (r < 0) {
      oc_rootfs_close_sources();
      return oc_wrap(e, r, "mounts[%zu]", i);
    }
  }
  return 0;
}
