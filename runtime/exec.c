/* exec: the runtime enters the container's pid namespace for its children only (setns with
 * CLONE_NEWPID moves the caller's children, not the caller) and clones the process, which is so
 * born in it and joins the other namespaces through the init's pidfd: one clone. A rootless
 * runtime (no CAP_SYS_ADMIN of its own: it may enter the pid namespace only through the user
 * namespace) forks a helper that joins them all and clones the process as its
 * sibling (CLONE_PARENT, so the runtime can wait for it). The process then takes the same last
 * steps as the init. */
#define _GNU_SOURCE
#include "runtime/exec.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "namespaces/console.h"
#include "namespaces/ns.h"
#include "base/cleanup.h"
#include "base/procfs.h"
#include "base/fsutil.h"
#include "base/unix_socket.h"
#include "base/user_dirs.h"
#include "runtime/process_exec.h"
#include "runtime/process_setup.h"
#include "runtime/state.h"
#include "runtime/sync.h"
#include "runtime/tty_proxy.h"
#include "runtime/wait.h"
#include "base/log.h"

struct exec_job {
  const struct oc_exec_opts *o;
  const char *state_json;  /* for a seccomp agent (listenerPath) */
  const struct oc_config *c;
  struct oc_seccomp_filter *seccomp;
  const struct oc_cgroup *cg;  /* the process joins its v1 hierarchies itself; NULL without one */
  int pidfd, cg_fd, sync_fd;
  int console_fd;  /* owned: spawn closes it in the runtime once the helper has its copy */
  int relay_fd;    /* the runtime's end of the pty relay, -1 without one */
  int root_fd;     /* the init's root, when the container shares the host's mount namespace */
};

/* Every namespace but the cgroup one: inside the container's cgroup namespace, under nsdelegate,
 * clone3(CLONE_INTO_CGROUP) from a cgroup outside it fails with ENOENT; the process joins it once
 * it is in the container's cgroup (exec_process). */
static int ns_flags(const struct oc_config *c) {
  int flags = 0;
  for (size_t i = 0; i < c->n_namespaces; i++)
    if (c->namespaces[i].type != OC_NS_CGROUP) flags |= oc_ns_clone_flag(c->namespaces[i].type);
  return flags;
}

/* The process: joins the namespaces unless the helper did (it was born in the pid namespace),
 * then the cgroup while the runtime handles the unified hierarchy (when CLONE_INTO_CGROUP did
 * not). It sends nothing until GO: in the helper's case it shares the socket with the helper,
 * whose PID must come first. */
__attribute__((noreturn)) static void exec_process(struct exec_job *j, bool in_ns) {
  struct oc_err e = {0};
  struct oc_process *p = j->o->process;
  char *exe = NULL;
  int flags = ns_flags(j->c) & ~CLONE_NEWPID;
  if (!in_ns && flags && setns(j->pidfd, flags) < 0) {
    oc_fail_errno(&e, "join the namespaces of the container");
    oc_sync_report_exit(j->sync_fd, &e, 1);
  }
  if (!in_ns) oc_log_phase("namespaces", "joined the container's namespaces");
  struct oc_err cg_err = {0};
  int joined = j->cg ? oc_cg_enter_self_v1(j->cg, &cg_err) : 0;
  if (oc_sync_expect(j->sync_fd, OC_SYNC_GO, NULL, NULL, 0, &e) < 0) _exit(1);
  if (joined < 0) oc_sync_report_exit(j->sync_fd, &cg_err, 127);
  if (j->cg) oc_log_phase("cgroup", "process in the container's cgroup");
  if (oc_config_ns(j->c, OC_NS_CGROUP) && setns(j->pidfd, CLONE_NEWCGROUP) < 0) {
    oc_fail_errno(&e, "join the cgroup namespace of the container");
    goto fail;
  }
  if (oc_config_ns(j->c, OC_NS_USER) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) && errno != EINVAL) {
    oc_fail_errno(&e, "switch to root of the user namespace");
    goto fail;
  }
  if (setsid() < 0) {
    oc_fail_errno(&e, "setsid");
    goto fail;
  }
  /* Joining a mount namespace moves us to its root; without one, move there ourselves. */
  if (j->root_fd >= 0 && (fchdir(j->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)) {
    oc_fail_errno(&e, "chroot to the container's root");
    goto fail;
  }
  if (j->console_fd >= 0 && oc_console_setup_exec(j->console_fd, p, &e) < 0) goto fail;
  if (j->console_fd >= 0) close(j->console_fd);
  if (oc_process_prepare(j->c, p, &j->seccomp, j->sync_fd, &exe, &e) == 0 &&
      oc_process_exec(p, exe, j->seccomp, j->o->preserve_fds, j->sync_fd, &e) == 0)
    _exit(127); /* not reached: oc_process_exec returns only on failure */
fail:
  oc_sync_report_exit(j->sync_fd, &e, 127);
}

/* The helper: joins the namespaces, clones the process as our sibling, reports its pid. */
__attribute__((noreturn)) static void join_and_clone(struct exec_job *j) {
  struct oc_err e = {0};
  int flags = ns_flags(j->c);
  if (flags && setns(j->pidfd, flags) < 0) {
    oc_fail_errno(&e, "join the namespaces of the container");
    oc_sync_report_exit(j->sync_fd, &e, 1);
  }
  oc_log_phase("namespaces", "joined the container's namespaces");
  bool into = false;
  pid_t pid = oc_clone3(CLONE_PARENT, j->cg_fd, NULL, &into, &e);
  if (pid == 0) exec_process(j, true);
  if (pid < 0) oc_sync_report_exit(j->sync_fd, &e, 1);
  /* If the runtime is gone there is no one to tell: it sees EOF instead of the pid. */
  _exit(oc_sync_send(j->sync_fd, OC_SYNC_PID, pid, into ? "1" : "0", 1) < 0 ? 1 : 0);
}

/* The process's pid and how it went into the cgroup, from the helper. */
OC_MUST_CHECK static int via_helper(struct exec_job *j, int sv[2], pid_t *pid, bool *into, struct oc_err *e) {
  pid_t helper = fork();
  if (helper < 0) return oc_fail_errno(e, "fork");
  if (helper == 0) {
    close(sv[0]);
    if (j->relay_fd >= 0) close(j->relay_fd);
    j->sync_fd = sv[1];
    join_and_clone(j);
  }
  int32_t got = 0;
  char into_s[4] = "";
  int r = oc_sync_expect(sv[0], OC_SYNC_PID, &got, into_s, sizeof into_s, e);
  while (waitpid(helper, NULL, 0) < 0 && errno == EINTR) {}
  if (r < 0) return -1;
  *pid = got;
  *into = into_s[0] == '1';
  return 0;
}

/* Clone the process (directly, or through the helper). A failure to join the namespaces comes
 * later, as the process's ERROR. */
OC_MUST_CHECK static int spawn(struct exec_job *j, int *sync_out, pid_t *pid, bool *into, struct oc_err *e) {
  int sv[2];
  _cleanup_fd_ int console_fd = j->console_fd;
  /* The process runs ocrun's binary inside the container until execve: keep it out of reach
   * of /proc/<pid>/exe (CVE-2019-5736). The flag is inherited by the clone; the runtime itself
   * never is in the container's pid namespace. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) return oc_fail_errno(e, "prctl(PR_SET_DUMPABLE, 0)");
  /* Back in our own pid namespace right after the clone: a later child of the runtime (a hook,
   * LeakSanitizer's tracer at exit) must not be born in the container's. */
  _cleanup_fd_ int own_pidns = -1;
  bool direct = !oc_rootless();
  if (direct && (ns_flags(j->c) & CLONE_NEWPID)) {
    own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (own_pidns < 0) return oc_fail_errno(e, "open /proc/self/ns/pid");
    direct = setns(j->pidfd, CLONE_NEWPID) == 0;
    if (!direct && errno != EPERM) return oc_fail_errno(e, "join the pid namespace of the container");
  }
  int r = 0;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    r = oc_fail_errno(e, "socketpair");
    sv[0] = sv[1] = -1;
  } else if (direct) {
    pid_t child = oc_clone3(0, j->cg_fd, NULL, into, e);
    if (child == 0) {
      close(sv[0]);
      if (j->relay_fd >= 0) close(j->relay_fd);
      j->sync_fd = sv[1];
      exec_process(j, false);
    }
    if (child < 0) r = -1;
    else *pid = child;
  } else {
    r = via_helper(j, sv, pid, into, e);
  }
  if (direct && own_pidns >= 0 && setns(own_pidns, CLONE_NEWPID) < 0 && r == 0)
    r = oc_fail_errno(e, "rejoin the runtime's pid namespace");
  if (sv[1] >= 0) close(sv[1]);
  if (r < 0) {
    if (sv[0] >= 0) close(sv[0]);
    return -1;
  }
  *sync_out = sv[0];
  return 0;
}

OC_MUST_CHECK static int run_exec(struct exec_job *j, struct oc_cgroup *cg, int *exit_code,
                                  struct oc_err *e) {
  _cleanup_fd_ int sync_fd = -1;
  _cleanup_child_ pid_t pid = -1;
  bool into = false;
  if (spawn(j, &sync_fd, &pid, &into, e) < 0) return -1;
  oc_log_phase("clone", "process cloned: pid %d", (int)pid);
  int r = cg ? oc_cg_enter_unified(cg, pid, into, e) : 0;
  if (r == 0 && oc_sync_send(sync_fd, OC_SYNC_GO, 0, NULL, 0) < 0) r = oc_fail_errno(e, "sync with exec process");
  if (r < 0) {
    /* The process may have failed first (joining the namespaces) and be gone: its ERROR, when
     * there is one, says why. One still waiting for GO sees EOF and exits. */
    struct oc_err pe = {0};
    if (shutdown(sync_fd, SHUT_WR) == 0 && oc_sync_expect(sync_fd, OC_SYNC_READY, NULL, NULL, 0, &pe) < 0 &&
        pe.errnum != EPIPE)
      *e = pe;
    return -1;
  }
  if (j->seccomp && oc_seccomp_uses_notify(j->seccomp) &&
      oc_seccomp_listener_forward(&j->c->seccomp, sync_fd, j->state_json, pid, e) < 0)
    return -1;
  /* EOF: the sync fd was closed by a successful execve; an ERROR message is the exec failure. */
  char buf[8];
  if (oc_sync_expect(sync_fd, OC_SYNC_READY, NULL, buf, sizeof buf, e) < 0 && e->errnum != EPIPE) return -1;
  if (j->o->pid_file && oc_write_pid_file(j->o->pid_file, pid, e) < 0) return -1;
  pid_t running = oc_steal_pid(&pid);
  if (j->relay_fd >= 0 && oc_tty_proxy_run(j->relay_fd, running, e) < 0) oc_log_warn("%s", e->msg);
  *exit_code = j->o->detach ? 0 : oc_wait_forwarding_signals(running);
  return 0;
}

/* /proc/<pid>/root of the init, checked through its pidfd to still be that process. */
OC_MUST_CHECK static int open_init_root(pid_t pid, int pidfd, struct oc_err *e) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/root", pid);
  _cleanup_fd_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return oc_fail_errno(e, "open %s", path);
  if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0) return oc_fail_errno(e, "container init (pid %d)", pid);
  return oc_steal_fd(&fd);
}

OC_MUST_CHECK static int check_exec_allowed(enum oc_status st, const struct oc_exec_opts *o, struct oc_err *e) {
  if (st == OC_STOPPED) return oc_fail(e, EINVAL, "cannot exec in a stopped container");
  if (st == OC_PAUSED && !o->ignore_paused)
    return oc_fail(e, EINVAL, "cannot exec in a paused container (use --ignore-paused to override)");
  if (o->process->terminal && !o->console_socket && !o->relay_tty)
    return oc_fail(e, EINVAL, "cannot allocate tty without setting console socket");
  if (!o->process->args.n) return oc_fail(e, EINVAL, "exec: process args must not be empty");
  return 0;
}

int oc_container_exec(const struct oc_globals *g, const struct oc_exec_opts *o,
                      const struct oc_config *c, int *exit_code, struct oc_err *e) {
  _cleanup_state_ struct oc_state *s = NULL;
  if (oc_state_load(g->root, o->id, &s, e) < 0) return -1;
  /* Opened once, for the paused check and for the process to join. */
  _cleanup_cgroup_ struct oc_cgroup *cg = NULL;
  struct oc_err cg_err = {0};
  int cg_r = s->cgroup_path ? oc_cg_open(s->cgroup_path, &cg, &cg_err) : 0;
  enum oc_status st = oc_state_status_in(g->root, s, cg);
  if (check_exec_allowed(st, o, e) < 0) return -1;
  if (cg_r < 0) {
    *e = cg_err;
    return -1;
  }
  oc_log_phase("config", "container %s found %s, its config loaded", o->id, oc_status_name(st));
  _cleanup_seccomp_ struct oc_seccomp_filter *seccomp = NULL;
  if (c->seccomp.set && oc_seccomp_compile_cached(&c->seccomp, g->root, &seccomp, e) < 0) return -1;
  _cleanup_fd_ int pidfd = oc_state_open_init(s, e);
  if (pidfd < 0) return -1;
  _cleanup_fd_ int root_fd = -1;
  if (!oc_config_ns(c, OC_NS_MOUNT) && (root_fd = open_init_root(s->pid, pidfd, e)) < 0) return -1;
  _cleanup_fd_ int console_fd = -1, relay_fd = -1;
  if (o->console_socket && (console_fd = oc_unix_connect(o->console_socket, e)) < 0)
    return oc_wrap(e, -1, "console socket");
  if (o->process->terminal && !o->console_socket) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return oc_fail_errno(e, "socketpair for the pty");
    relay_fd = sv[0];
    console_fd = sv[1];
  }
  _cleanup_free_ char *state_json = oc_state_json(s, st);
  struct exec_job j = {.o = o, .c = c, .seccomp = seccomp, .cg = cg, .pidfd = pidfd,
                       .cg_fd = cg ? oc_cg_clone_fd(cg) : -1,
                       .console_fd = oc_steal_fd(&console_fd), .relay_fd = relay_fd, .sync_fd = -1,
                       .root_fd = root_fd,
                       .state_json = state_json ? state_json : "{}"};
  return run_exec(&j, cg, exit_code, e);
}
