#define _GNU_SOURCE
#include "namespaces/ns.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/user_dirs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

pid_t oc_clone3(uint64_t flags, int cgroup_fd, int *pidfd, bool *into_cgroup, struct oc_err *e) {
  int pfd = -1;
  struct clone_args args = {0};
  args.flags = flags | (pidfd ? CLONE_PIDFD : 0);
  args.pidfd = (uint64_t)(uintptr_t)&pfd;
  /* With CLONE_PARENT the kernel wants exit_signal 0: the child inherits the caller's. */
  args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)cgroup_fd;
  }
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0 && (errno == ENOSYS || errno == E2BIG) ) {
    /* No clone3: a raw clone with no stack behaves like fork. */
    args.flags &= ~CLONE_INTO_CGROUP;
    pid = syscall(SYS_clone, (unsigned long)(args.flags & ~CLONE_PIDFD) | args.exit_signal, NULL, NULL, NULL, 0);
    if (pid > 0 && pidfd) pfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
  }
  if (pid < 0) return oc_fail_errno(e, "clone3 (flags 0x%llx)", (unsigned long long)args.flags);
  if (pid > 0) {
    if (pidfd) *pidfd = pfd;
    if (into_cgroup) *into_cgroup = (args.flags & CLONE_INTO_CGROUP) != 0;
  }
  return (pid_t)pid;
}

uint64_t oc_ns_clone_flags(const struct oc_config *c) {
  uint64_t flags = 0;
  for (size_t i = 0; i < c->n_namespaces; i++) {
    const struct oc_namespace *ns = &c->namespaces[i];
    if (ns->path || ns->type == OC_NS_TIME || ns->type == OC_NS_CGROUP) continue;
    flags |= (uint64_t)oc_ns_clone_flag(ns->type);
  }
  return flags;
}

int oc_ns_open_joined(const struct oc_config *c, int fds[OC_NS_COUNT], struct oc_err *e) {
  for (int t = 0; t < OC_NS_COUNT; t++) fds[t] = -1;
  for (size_t i = 0; i < c->n_namespaces; i++) {
    const struct oc_namespace *ns = &c->namespaces[i];
    if (!ns->path) continue;
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int r = oc_fail_errno(e, "open %s namespace path %s", oc_ns_type_name(ns->type), ns->path);
      oc_ns_close(fds);
      return r;
    }
    fds[ns->type] = fd;
  }
  return 0;
}

void oc_ns_close(int fds[OC_NS_COUNT]) {
  for (int t = 0; t < OC_NS_COUNT; t++)
    if (fds[t] >= 0) {
      close(fds[t]);
      fds[t] = -1;
    }
}

int oc_ns_join(const int fds[OC_NS_COUNT], unsigned skip, struct oc_err *e) {
  /* The user namespace first: the others may be owned by it and need its capabilities. */
  static const enum oc_ns_type order[] = {OC_NS_USER, OC_NS_IPC, OC_NS_UTS, OC_NS_NET, OC_NS_PID,
                                          OC_NS_CGROUP, OC_NS_TIME, OC_NS_MOUNT};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    enum oc_ns_type t = order[i];
    if (fds[t] < 0 || (skip & (1u << t))) continue;
    if (setns(fds[t], oc_ns_clone_flag(t)) < 0)
      return oc_fail_errno(e, "join %s namespace", oc_ns_type_name(t));
  }
  return 0;
}

int oc_ns_write_id_map(pid_t pid, const char *file, const struct oc_id_maps *m, struct oc_err *e) {
  if (!m->n) return 0;
  char buf[4096], path[64];
  size_t n = 0;
  for (size_t i = 0; i < m->n; i++) {
    int w = snprintf(buf + n, sizeof buf - n, "%u %u %u\n", m->v[i].container_id, m->v[i].host_id,
                     m->v[i].size);
    if (w < 0 || (size_t)w >= sizeof buf - n) return oc_fail(e, E2BIG, "%s: too many mappings", file);
    n += (size_t)w;
  }
  snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
  return oc_write_fileat(AT_FDCWD, path, buf, n, e);
}

int oc_ns_write_id_maps(pid_t pid, const struct oc_config *c, struct oc_err *e) {
  if (oc_rootless()) return oc_ns_write_id_maps_unprivileged(pid, c, e);
  if (c->uid_mappings.n && oc_ns_write_id_map(pid, "uid_map", &c->uid_mappings, e) < 0)
    return oc_wrap(e, -1, "linux.uidMappings");
  if (c->gid_mappings.n && oc_ns_write_id_map(pid, "gid_map", &c->gid_mappings, e) < 0)
    return oc_wrap(e, -1, "linux.gidMappings");
  return 0;
}

int oc_ns_new_time(const struct oc_config *c, struct oc_err *e) {
  if (unshare(CLONE_NEWTIME) < 0) return oc_fail_errno(e, "unshare time namespace");
  if (!c->n_time_offsets) return 0;
  char buf[256];
  size_t n = 0;
  for (size_t i = 0; i < c->n_time_offsets; i++) {
    const struct oc_time_offset *o = &c->time_offsets[i];
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%d %lld %u\n", o->clock, (long long)o->secs,
                          o->nanosecs);
  }
  /* One write per line: the kernel accepts several, but reports errors per write. */
  return oc_write_fileat(AT_FDCWD, "/proc/self/timens_offsets", buf, n, e) < 0
             ? oc_wrap(e, -1, "linux.timeOffsets")
             : 0;
}
