/* The container's init: namespaces → rootfs → hooks → pivot_root → process attributes → READY,
 * then wait for `start` on the start socket and execve the user program. */
#define _GNU_SOURCE
#include "runtime/init.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "cgroups/cgroup.h"
#include "namespaces/console.h"
#include "namespaces/ns.h"
#include "namespaces/rootfs.h"
#include "runtime/hooks.h"
#include "runtime/process_exec.h"
#include "runtime/process_setup.h"
#include "runtime/sync.h"

#define KEYCTL_JOIN_SESSION_KEYRING 1

static bool has_ns(const struct oc_config *c, enum oc_ns_type t) { return oc_config_ns(c, t) != NULL; }

OC_MUST_CHECK static int become_ns_root(const struct oc_config *c, struct oc_err *e) {
  if (!has_ns(c, OC_NS_USER)) return 0;
  /* Inside a fresh user namespace we are the overflow uid until we switch to a mapped id. */
  if (setresgid(0, 0, 0) < 0 && errno != EINVAL) return oc_fail_errno(e, "setresgid(0) in user namespace");
  if (setresuid(0, 0, 0) < 0 && errno != EINVAL) return oc_fail_errno(e, "setresuid(0) in user namespace");
  return 0;
}

OC_MUST_CHECK static int set_names(const struct oc_config *c, struct oc_err *e) {
  if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
    return oc_fail_errno(e, "sethostname \"%s\"", c->hostname);
  if (c->domainname && setdomainname(c->domainname, strlen(c->domainname)) < 0)
    return oc_fail_errno(e, "setdomainname \"%s\"", c->domainname);
  return 0;
}

/* A new time namespace, before this process stops being dumpable: only until then is
 * /proc/self/timens_offsets its own euid's file; afterwards it is the host root's, which the
 * root of a user namespace (and a rootless runtime's user) cannot open for writing. The
 * namespace is unshared in the container's user namespace (joined here first when given by
 * path), so that it owns it and we have CAP_SYS_TIME there; and nothing enters it before the
 * offsets are written (this process does at execve, a child at fork). */
OC_MUST_CHECK static int new_time_ns(const struct oc_init_ctx *x, unsigned *joined, struct oc_err *e) {
  const struct oc_namespace *tns = oc_config_ns(x->c, OC_NS_TIME);
  if (!tns || tns->path) return 0;
  if (x->ns_fds[OC_NS_USER] >= 0) {
    if (setns(x->ns_fds[OC_NS_USER], CLONE_NEWUSER) < 0) return oc_fail_errno(e, "join user namespace");
    *joined |= 1u << OC_NS_USER;
  }
  return oc_ns_new_time(x->c, e);
}

/* Everything up to READY; errors go back to the runtime, which cleans up. joined: the
 * namespaces already entered. */
OC_MUST_CHECK static int prepare(struct oc_init_ctx *x, unsigned joined, char *state_json, char **exe,
                                 struct oc_err *e) {
  const struct oc_config *c = x->c;
  if (oc_ns_join(x->ns_fds, joined | (1u << OC_NS_PID) | (1u << OC_NS_TIME), e) < 0) return -1;
  oc_ns_close(x->ns_fds);
  if (become_ns_root(c, e) < 0) return -1;
  /* Unshared only now, so the namespace's root is the container's cgroup even where the runtime
   * had to move us there after clone (no CLONE_INTO_CGROUP on v1/hybrid hosts). */
  const struct oc_namespace *cgns = oc_config_ns(c, OC_NS_CGROUP);
  if (cgns && !cgns->path && unshare(CLONE_NEWCGROUP) < 0)
    return oc_fail_errno(e, "unshare cgroup namespace");
  if (setsid() < 0) return oc_fail_errno(e, "setsid");
  oc_log_phase("namespaces", "namespaces joined and unshared");

  if (oc_rootfs_prepare(c, x->rootfs, e) < 0) return -1;
  oc_log_phase("mounts", "rootfs and mounts prepared");
  if (oc_hooks_any(c, OC_HOOK_PRESTART) || oc_hooks_any(c, OC_HOOK_CREATE_RUNTIME)) {
    if (oc_sync_send(x->sync_fd, OC_SYNC_HOOKS, 0, NULL, 0) < 0)
      return oc_fail_errno(e, "sync with runtime");
    if (oc_sync_expect(x->sync_fd, OC_SYNC_HOOKS_DONE, NULL, NULL, 0, e) < 0) return -1;
  }
  if (oc_hooks_run(c, OC_HOOK_CREATE_CONTAINER, state_json, e) < 0) return -1;
  if (oc_hooks_any(c, OC_HOOK_CREATE_CONTAINER)) oc_log_phase("hooks", "createContainer hooks run");
  /* Without a mount namespace of its own the container shares the host's: chroot, as runc. */
  int r = has_ns(c, OC_NS_MOUNT) ? oc_rootfs_pivot(x->rootfs, x->no_pivot, e) : oc_rootfs_chroot(x->rootfs, e);
  if (r < 0) return -1;
  oc_log_phase("pivot_root", !has_ns(c, OC_NS_MOUNT) ? "chroot (no mount namespace of its own)"
                             : x->no_pivot ? "root changed without pivot_root (--no-pivot)" : "pivot_root done");
  if (oc_rootfs_finalize(c, e) < 0) return -1;
  if (set_names(c, e) < 0) return -1;
  const struct oc_namespace *net = oc_config_ns(c, OC_NS_NET);
  if (net && !net->path && oc_ns_loopback_up(e) < 0) return -1;
  if (x->console_fd >= 0) {
    if (oc_console_setup(x->console_fd, &c->process, e) < 0) return -1;
    close(x->console_fd);
    x->console_fd = -1;
  }
  if (!x->no_new_keyring) {
    char name[300];
    snprintf(name, sizeof name, "_ses.%s", x->id);
    /* Best effort, as runc: some kernels or seccomp setups refuse keyrings. */
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0)
      oc_log_debug("join session keyring %s: %s (continuing without)", name, strerror(errno));
  }
  /* The init owns its copy of the config after clone: the env may grow a HOME. The listener
   * fd of a notify filter must reach the agent through the runtime before `create` returns. */
  return oc_process_prepare(c, (struct oc_process *)&c->process, &x->seccomp, x->sync_fd, exe, e);
}

/* Block until `start` connects; returns the connection (for error reports) or -1. */
static int wait_for_start(struct oc_init_ctx *x) {
  int conn;
  do conn = accept4(x->start_fd, NULL, NULL, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0) return -1;
  char b;
  if (read(conn, &b, 1) != 1 || b != 'S') return -1;
  /* Removing the socket is what turns "created" into "running" for every reader: if it stays,
   * the container would look created forever, so a failure here is a failed start. Root of a
   * user namespace may not write the host's state dir (EACCES): then `start` removes it. */
  if (unlinkat(x->state_dir_fd, "start.sock", 0) < 0 && errno != EACCES && errno != EPERM) {
    char msg[160];
    int n = snprintf(msg, sizeof msg, "remove start.sock from the state dir: %s", strerror(errno));
    if (n > 0 && write(conn, msg, (size_t)n) < 0) { /* start then sees EOF and the exit */ }
    return -1;
  }
  close(x->start_fd);
  close(x->state_dir_fd);
  return conn;
}

void oc_init_run(struct oc_init_ctx *x) {
  struct oc_err e = {0};
  static char state_json[65536]; /* "creating" JSON, NUL, "created" JSON */
  char *exe = NULL;
  /* Into the v1 hierarchies first (the unified one was CLONE_INTO_CGROUP's or the runtime's),
   * while the runtime records the pid; a failure is reported once the runtime listens (GO). */
  struct oc_err cg_err = {0};
  int in_cgroup = x->cg ? oc_cg_enter_self_v1(x->cg, &cg_err) : 0;
  unsigned joined = 0;
  if (oc_sync_expect(x->sync_fd, OC_SYNC_GO, NULL, state_json, sizeof state_json, &e) < 0) _exit(1);
  if (in_cgroup < 0) oc_sync_report_exit(x->sync_fd, &cg_err, 1);
  if (new_time_ns(x, &joined, &e) < 0) oc_sync_report_exit(x->sync_fd, &e, 1);
  /* Until execve replaces it, this process is the ocrun binary: keep the container's processes
   * from reaching it through /proc/<pid>/exe (CVE-2019-5736). Only after GO: until then the
   * runtime writes our id maps, and a rootless one may open /proc/<pid>/uid_map only while we
   * are dumpable (no process of the container exists before GO); and after the time
   * namespace's offsets, for the same reason (new_time_ns). */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
    oc_fail_errno(&e, "prctl(PR_SET_DUMPABLE, 0)");
    oc_sync_report_exit(x->sync_fd, &e, 1);
  }
  if (prepare(x, joined, state_json, &exe, &e) < 0) oc_sync_report_exit(x->sync_fd, &e, 1);
  if (oc_sync_send(x->sync_fd, OC_SYNC_READY, 0, NULL, 0) < 0) _exit(1);
  /* A create killed before DONE never reported this container: EOF, and no waiting for start. */
  if (oc_sync_expect(x->sync_fd, OC_SYNC_DONE, NULL, NULL, 0, &e) < 0) _exit(1);
  close(x->sync_fd);

  int conn = wait_for_start(x);
  if (conn < 0) _exit(1);
  const char *created_json = state_json + strlen(state_json) + 1;
  oc_log_phase("start", "start received");
  int r = oc_hooks_run(x->c, OC_HOOK_START_CONTAINER, created_json, &e);
  if (r == 0 && oc_hooks_any(x->c, OC_HOOK_START_CONTAINER)) oc_log_phase("hooks", "startContainer hooks run");
  if (r < 0 || oc_process_exec(&x->c->process, exe, x->seccomp, x->preserve_fds, conn, &e) < 0) {
    if (write(conn, e.msg, strlen(e.msg)) < 0) { /* start sees EOF and the exit */ }
    _exit(127);
  }
  _exit(127);
}
