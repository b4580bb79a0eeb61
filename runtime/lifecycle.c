/* start and delete: the transitions after create. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "overcommit/ledger.h"
#include "base/cleanup.h"
#include "base/procfs.h"
#include "runtime/container.h"
#include "base/fsutil.h"
#include "runtime/hooks.h"
#include "base/log.h"
#include "runtime/state.h"

static int state_error(const char *verb, enum oc_status st, struct oc_err *e) {
  if (st == OC_STOPPED) return oc_fail(e, EINVAL, "cannot %s a container that has stopped", verb);
  if (st == OC_RUNNING || st == OC_PAUSED)
    return oc_fail(e, EINVAL, "cannot %s an already running container", verb);
  return oc_fail(e, EINVAL, "cannot %s a container in the %s state", verb, oc_status_name(st));
}

/* Connect to the init's start socket, ask it to go, and read its answer: EOF without bytes
 * means the user program was exec'd; bytes are the error text. */
static int handshake(const char *state_dir, struct oc_err *e) {
  _cleanup_fd_ int dfd = open(state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return oc_fail_errno(e, "open %s", state_dir);
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/start.sock", dfd);
  _cleanup_fd_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return oc_fail_errno(e, "socket");
  if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0)
    return oc_fail(e, errno, "cannot start an already running container");
  if (send(s, "S", 1, MSG_NOSIGNAL) != 1) return oc_fail_errno(e, "signal container init");
  char msg[1024];
  size_t n = 0;
  for (;;) {
    ssize_t r = read(s, msg + n, sizeof msg - 1 - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
    if (n == sizeof msg - 1) break;
  }
  msg[n] = '\0';
  if (n) return oc_fail(e, EINVAL, "%s", msg);
  return 0;
}

int oc_container_start(const struct oc_globals *g, const char *id, struct oc_err *e) {
  struct oc_state *s = NULL;
  if (oc_state_load(g->root, id, &s, e) < 0) return -1;
  enum oc_status st = oc_state_status(g->root, s);
  char dir[4200];
  int r = 0;
  if (st != OC_CREATED) {
    r = state_error("start", st, e);
    goto out;
  }
  snprintf(dir, sizeof dir, "%s/%s", g->root, id);
  if ((r = handshake(dir, e)) < 0) goto out;
  struct oc_config *c = NULL;
  if (oc_state_config(g->root, id, &c, e) == 0) {
    if (oc_hooks_any(c, OC_HOOK_POSTSTART)) {
      char *json = oc_state_json(s, OC_RUNNING);
      struct oc_err he;
      /* The spec: a failing poststart hook is logged, the container keeps running. */
      if (json && oc_hooks_run(c, OC_HOOK_POSTSTART, json, &he) < 0) oc_log_warn("%s", he.msg);
      free(json);
    }
    oc_config_free(c);
  }
out:
  oc_state_free(s);
  return r;
}

/* Wait until the init is gone (or 10 s pass). */
static void wait_gone(pid_t pid, unsigned long long start_time) {
  _cleanup_fd_ int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pfd < 0 || oc_proc_start_time(pid) != start_time) return;
  struct pollfd p = {.fd = pfd, .events = POLLIN};
  while (poll(&p, 1, 10000) < 0 && errno == EINTR) {}
}

int oc_container_delete(const struct oc_globals *g, const char *id, bool force, struct oc_err *e) {
  struct oc_state *s = NULL;
  int r = oc_state_load(g->root, id, &s, e);
  if (r < 0) return (force && r == -ENOENT) ? 0 : r;
  enum oc_status st = oc_state_status(g->root, s);
  if ((st == OC_RUNNING || st == OC_PAUSED) && !force) {
    r = oc_fail(e, EBUSY, "cannot delete container %s that is not stopped: %s", id, oc_status_name(st));
    oc_state_free(s);
    return r;
  }
  struct oc_cgroup *cg = NULL;
  struct oc_err ce;
  if (s->cgroup_path && oc_cg_open(s->cgroup_path, &cg, &ce) < 0) cg = NULL;
  if (st != OC_STOPPED && s->pid > 0) {
    if (oc_proc_start_time(s->pid) == s->start_time) kill(s->pid, SIGKILL);
    if (cg) {
      oc_cg_signal_all(cg, SIGKILL, &ce);
      if (st == OC_PAUSED) oc_cg_freeze(cg, false, &ce);
    }
    wait_gone(s->pid, s->start_time);
  }
  if (cg && oc_cg_destroy(cg, &ce) < 0) oc_log_warn("delete %s: %s", id, ce.msg);
  if (cg) oc_cg_free(cg);
  struct oc_config *c = NULL;
  if (oc_state_config(g->root, id, &c, &ce) == 0) {
    if (oc_hooks_any(c, OC_HOOK_POSTSTOP)) {
      char *json = oc_state_json(s, OC_STOPPED);
      if (json && oc_hooks_run(c, OC_HOOK_POSTSTOP, json, &ce) < 0) oc_log_warn("%s", ce.msg);
      free(json);
    }
    oc_config_free(c);
  }
  char dir[4200], root_abs[4096];
  snprintf(dir, sizeof dir, "%s/%s", g->root, id);
  r = oc_remove_tree(dir, e);
  if (realpath(g->root, root_abs) && oc_ledger_release(id, root_abs, &ce) < 0) oc_log_warn("delete %s: %s", id, ce.msg);
  oc_state_free(s);
  return r;
}
