/* exec: the runtime forks a helper that joins the container's namespaces through the init's
 * pidfd and clones the real process (CLONE_PARENT, so the runtime can wait for it), which then
 * takes the same last steps as the init. */
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
#include "runtime/process_exec.h"
#include "runtime/process_setup.h"
#include "runtime/state.h"
#include "runtime/sync.h"
#include "runtime/wait.h"

struct exec_job {
  const struct oc_exec_opts *o;
  const char *state_json;  /* for a seccomp agent (listenerPath) */
  const struct oc_config *c;
  struct oc_seccomp_filter *seccomp;
  int pidfd, cg_fd, console_fd, sync_fd;
};

static int ns_flags(const struct oc_config *c) {
  int flags = 0;
  for (size_t i = 0; i < c->n_namespaces; i++) flags |= oc_ns_clone_flag(c->namespaces[i].type);
  return flags;
}

__attribute__((noreturn)) static void exec_process(struct exec_job *j) {
  struct oc_err e = {0};
  struct oc_process *p = j->o->process;
  char *exe = NULL;
  if (oc_sync_expect(j->sync_fd, OC_SYNC_GO, NULL, NULL, 0, &e) < 0) _exit(1);
  if (oc_config_ns(j->c, OC_NS_USER) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) && errno != EINVAL) {
    oc_fail_errno(&e, "switch to root of the user namespace");
    goto fail;
  }
  if (setsid() < 0) {
    oc_fail_errno(&e, "setsid");
    goto fail;
  }
  if (j->console_fd >= 0 && oc_console_setup_exec(j->console_fd, p, &e) < 0) goto fail;
  if (j->console_fd >= 0) close(j->console_fd);
  if (oc_process_apply_attrs(j->c, p, &e) < 0 || oc_process_chdir(p, &e) < 0 ||
      oc_process_default_home(p, &e) < 0 ||
      oc_process_find_executable(p, &exe, &e) < 0)
    goto fail;
  if (j->seccomp && oc_seccomp_uses_notify(j->seccomp)) {
    /* As for the init: the listener reaches the agent through the runtime, before execve. */
    int nfd = -1;
    if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
      oc_fail_errno(&e, "prctl(PR_SET_NO_NEW_PRIVS)");
      goto fail;
    }
    if (oc_seccomp_load(j->seccomp, &nfd, &e) < 0) goto fail;
    if (oc_sync_send(j->sync_fd, OC_SYNC_SECCOMP_FD, 0, NULL, 0) < 0 || oc_send_fd(j->sync_fd, nfd, "seccomp", &e) < 0)
      _exit(127);
    close(nfd);
    j->seccomp = NULL;
  }
  oc_process_exec(p, exe, j->seccomp, j->o->preserve_fds, j->sync_fd, &e);
fail:
  oc_sync_send_error(j->sync_fd, &e);
  _exit(127);
}

/* The helper: joins the namespaces, clones the process as our sibling, reports its pid. */
__attribute__((noreturn)) static void join_and_clone(struct exec_job *j) {
  struct oc_err e = {0};
  /* The clone below runs ocrun's binary inside the container until execve: keep it out of reach
   * of /proc/<pid>/exe (CVE-2019-5736). The flag is inherited by the clone. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (setns(j->pidfd, ns_flags(j->c)) < 0) {
    oc_fail_errno(&e, "join the namespaces of the container");
    oc_sync_send_error(j->sync_fd, &e);
    _exit(1);
  }
  bool into = false;
  pid_t pid = oc_clone3(CLONE_PARENT, j->cg_fd, NULL, &into, &e);
  if (pid == 0) exec_process(j);
  if (pid < 0) {
    oc_sync_send_error(j->sync_fd, &e);
    _exit(1);
  }
  oc_sync_send(j->sync_fd, OC_SYNC_PID, pid, into ? "1" : "0", 1);
  _exit(0);
}

static int run_exec(struct exec_job *j, struct oc_cgroup *cg, int *exit_code,
                    struct oc_err *e) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return oc_fail_errno(e, "socketpair");
  pid_t helper = fork();
  if (helper < 0) {
    close(sv[0]);
    close(sv[1]);
    return oc_fail_errno(e, "fork");
  }
  if (helper == 0) {
    close(sv[0]);
    j->sync_fd = sv[1];
    join_and_clone(j);
  }
  close(sv[1]);
  _cleanup_fd_ int sync_fd = sv[0];
  int32_t pid = 0;
  char into[4] = "";
  int r = oc_sync_expect(sync_fd, OC_SYNC_PID, &pid, into, sizeof into, e);
  while (waitpid(helper, NULL, 0) < 0 && errno == EINTR) {}
  if (r < 0) return -1;
  if (cg && oc_cg_enter(cg, pid, into[0] == '1', e) < 0) goto kill_it;
  if (oc_sync_send(sync_fd, OC_SYNC_GO, 0, NULL, 0) < 0) {
    oc_fail_errno(e, "sync with exec process");
    goto kill_it;
  }
  if (j->seccomp && oc_seccomp_uses_notify(j->seccomp)) {
    if (oc_sync_expect(sync_fd, OC_SYNC_SECCOMP_FD, NULL, NULL, 0, e) < 0) goto kill_it;
    _cleanup_fd_ int nfd = oc_recv_fd(sync_fd, e);
    if (nfd < 0 || oc_seccomp_send_listener(&j->c->seccomp, nfd, j->state_json, pid, e) < 0) goto kill_it;
  }
  /* EOF: the sync fd was closed by a successful execve. */
  char buf[8];
  r = oc_sync_expect(sync_fd, OC_SYNC_READY, NULL, buf, sizeof buf, e);
  if (r < 0 && e->errnum != EPIPE) {
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    return -1;
  }
  if (j->o->pid_file) {
    char num[32];
    int n = snprintf(num, sizeof num, "%d", pid);
    if (oc_write_path_atomic(j->o->pid_file, num, (size_t)n, 0644, e) < 0) goto kill_it;
  }
  *exit_code = j->o->detach ? 0 : oc_wait_forwarding_signals(pid);
  return 0;
kill_it:
  kill(pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
  return -1;
}

int oc_container_exec(const struct oc_globals *g, const struct oc_exec_opts *o,
                      const struct oc_config *c, int *exit_code, struct oc_err *e) {
  struct oc_state *s = NULL;
  if (oc_state_load(g->root, o->id, &s, e) < 0) return -1;
  struct exec_job j = {.o = o, .c = c, .pidfd = -1, .cg_fd = -1, .console_fd = -1, .sync_fd = -1};
  struct oc_cgroup *cg = NULL;
  char *state_json = NULL;
  int r = -1;
  enum oc_status st = oc_state_status(g->root, s);
  if (st == OC_STOPPED) {
    oc_fail(e, EINVAL, "cannot exec in a stopped container");
    goto out;
  }
  if (st == OC_PAUSED && !o->ignore_paused) {
    oc_fail(e, EINVAL, "cannot exec in a paused container (use --ignore-paused to override)");
    goto out;
  }
  if (o->process->terminal && !o->console_socket) {
    oc_fail(e, EINVAL, "cannot allocate tty without setting console socket");
    goto out;
  }
  if (!o->process->args.n) {
    oc_fail(e, EINVAL, "exec: process args must not be empty");
    goto out;
  }
  char cache[4200];
  snprintf(cache, sizeof cache, "%s/" OC_SECCOMP_CACHE_DIR, g->root);
  if (c->seccomp.set && oc_seccomp_compile_cached(&c->seccomp, cache, &j.seccomp, e) < 0) goto out;
  j.pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
  if (j.pidfd < 0 || oc_proc_start_time(s->pid) != s->start_time) {
    oc_fail(e, ESRCH, "container not running");
    goto out;
  }
  if (s->cgroup_path && oc_cg_open(s->cgroup_path, &cg, e) < 0) goto out;
  j.cg_fd = cg ? oc_cg_clone_fd(cg) : -1;
  if (o->console_socket && (j.console_fd = oc_console_connect(o->console_socket, e)) < 0) goto out;
  state_json = oc_state_json(s, st);
  j.state_json = state_json ? state_json : "{}";
  r = run_exec(&j, cg, exit_code, e);
out:
  free(state_json);
  if (j.pidfd >= 0) close(j.pidfd);
  if (j.console_fd >= 0) close(j.console_fd);
  if (j.seccomp) oc_seccomp_free(j.seccomp);
  if (cg) oc_cg_free(cg);
  oc_state_free(s);
  return r;
}
