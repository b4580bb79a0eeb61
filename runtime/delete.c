/* delete: kill what is left, remove the cgroup, run poststop hooks, remove the state dir and
 * release the ledger entry. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "cgroups/cgroup.h"
#include "overcommit/ledger.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/host_mounts.h"
#include "runtime/state.h"

/* Kill what is left of a container that is not stopped: the init through its pidfd (so a
 * reused pid is never hit), then everything in its cgroup; wait (10 s at most) for the init. */
/* SIGKILL the process behind pfd (-1: none). */
static void kill_pidfd(int pfd, const char *id, const char *what, pid_t pid) {
  if (pfd >= 0 && syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    oc_log_warn("delete %s: kill %s (pid %d): %s", id, what, pid, strerror(errno));
}

/* Wait (10 s at most) until the process behind pfd has exited. */
static void wait_pidfd(int pfd) {
  if (pfd < 0) return;
  struct pollfd p = {.fd = pfd, .events = POLLIN};
  while (poll(&p, 1, 10000) < 0 && errno == EINTR) {}
}

static void kill_remains(const struct oc_state *s, enum oc_status st, struct oc_cgroup *cg) {
  struct oc_err e;
  _cleanup_fd_ int pfd = oc_state_open_init(s, &e);
  kill_pidfd(pfd, s->id, "init", s->pid);
  if (cg) {
    if (oc_cg_signal_all(cg, SIGKILL, &e) < 0) oc_log_warn("delete %s: %s", s->id, e.msg);
    /* A frozen process only dies once thawed. */
    if (st == OC_PAUSED && oc_cg_freeze(cg, false, &e) < 0) oc_log_warn("delete %s: %s", s->id, e.msg);
  }
  wait_pidfd(pfd);
}

static void run_poststop_hooks(const struct oc_globals *g, const struct oc_state *s) {
  struct oc_err e;
  _cleanup_config_ struct oc_config *c = oc_state_config_with_hooks(g->root, s, OC_HOOK_POSTSTOP);
  if (!c) return;
  _cleanup_free_ char *json = oc_state_json(s, OC_STOPPED);
  /* The spec: a failing poststop hook is logged, delete goes on. */
  if (json && oc_hooks_run(c, OC_HOOK_POSTSTOP, json, &e) < 0) oc_log_warn("%s", e.msg);
}

/* A creation still at work: SIGKILL its creator (through a pidfd checked against its start
 * time) and wait for it (10 s at most), so it makes nothing more while delete removes the rest. */
static void stop_creator(const struct oc_state *s) {
  struct oc_err e;
  _cleanup_fd_ int pfd = oc_state_open_creator(s, &e);
  kill_pidfd(pfd, s->id, "creator", s->creator_pid);
  wait_pidfd(pfd);
}

/* A state dir without state.json (left by an older ocrun, which wrote it last) names no cgroup:
 * take it from the config copy, resolved as create did. */
static char *cgroup_from_config(const struct oc_globals *g, const char *id) {
  struct oc_err e;
  _cleanup_config_ struct oc_config *c = NULL;
  char *path = NULL;
  if (oc_state_config(g->root, id, &c, &e) < 0 ||
      oc_cg_resolve_path(c->cgroups_path, id, g->systemd_cgroup, &path, &e) < 0)
    return NULL;
  return path;
}

/* The container's cgroup, NULL when it has none (or it is gone). */
static struct oc_cgroup *open_cgroup(const struct oc_state *s) {
  struct oc_err e;
  struct oc_cgroup *cg = NULL;
  if (s->cgroup_path && oc_cg_open(s->cgroup_path, &cg, &e) < 0 && e.errnum != ENOENT)
    oc_log_warn("delete %s: %s", s->id, e.msg);
  return cg;
}

int oc_container_delete(const struct oc_globals *g, const char *id, bool force, struct oc_err *e) {
  _cleanup_state_ struct oc_state *s = NULL;
  int r = oc_state_load(g->root, id, &s, e);
  if (r < 0) return (force && r == -ENOENT) ? 0 : r;
  if (!s->cgroup_path && s->creating) s->cgroup_path = cgroup_from_config(g, id);
  /* Opened once, for the paused check and to be removed. */
  _cleanup_cgroup_ struct oc_cgroup *cg = open_cgroup(s);
  enum oc_status st = oc_state_status_in(g->root, s, cg);
  if (st == OC_CREATING) {
    if (!force)
      return oc_fail(e, EBUSY, "cannot delete container %s that is not stopped: creating (by ocrun pid %d)", id,
                     s->creator_pid);
    stop_creator(s);
    st = OC_STOPPED;
    oc_cg_free(cg); /* the creator may have made more of it meanwhile */
    cg = open_cgroup(s);
  }
  struct oc_err ce;
  if ((st == OC_RUNNING || st == OC_PAUSED) && !force)
    return oc_fail(e, EBUSY, "cannot delete container %s that is not stopped: %s", id, oc_status_name(st));
  /* An unfinished creation is stopped, but its init may still be on its way out. */
  if ((st != OC_STOPPED || s->creating) && (s->pid > 0 || cg)) kill_remains(s, st, cg);
  if (cg && oc_cg_destroy(cg, &ce) < 0) oc_log_warn("delete %s: %s", id, ce.msg);
  run_poststop_hooks(g, s);
  /* The ledger entry before the state dir: while the dir is there, it names what is left. */
  char dir[4200], root_abs[4096];
  if (oc_state_dir(g->root, id, dir, sizeof dir, e) < 0) return -1;
  if (s->rootfs && oc_host_mounts_remove(dir, s->rootfs, &ce) < 0) oc_log_warn("delete %s: %s", id, ce.msg);
  if (realpath(g->root, root_abs) && oc_ledger_release(id, root_abs, &ce) < 0) oc_log_warn("delete %s: %s", id, ce.msg);
  return oc_remove_tree(dir, e);
}
