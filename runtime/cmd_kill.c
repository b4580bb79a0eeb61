/* `kill [--all] ID [SIGNAL]`: the init through its pidfd, or every process of the cgroup. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/pidns_procs.h"
#include "base/log.h"
#include "cgroups/cgroup.h"
#include "runtime/args.h"
#include "runtime/commands.h"
#include "runtime/signals.h"
#include "runtime/state.h"

OC_MUST_CHECK static int signal_init(const struct oc_state *s, int sig, struct oc_err *e) {
  _cleanup_fd_ int pfd = oc_state_open_init(s, e);
  if (pfd < 0) return -1;
  if (syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0) {
    if (errno == ESRCH) return oc_fail(e, ESRCH, "container not running");
    return oc_fail_errno(e, "kill container init (pid %d)", s->pid);
  }
  return 0;
}

/* kill --all without a cgroup (rootless): the processes of the init's pid namespace, or its
 * descendants when it shares ours; the init last, through its verified pidfd. */
OC_MUST_CHECK static int signal_procs(const struct oc_state *s, int sig, struct oc_err *e) {
  _cleanup_fd_ int pfd = oc_state_open_init(s, e);
  if (pfd < 0) return -1;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (oc_pidns_procs(s->pid, &pids, &n, e) < 0) return -1;
  for (size_t k = 0; k < n; k++)
    if (pids[k] != s->pid && kill(pids[k], sig) < 0 && errno != ESRCH)
      return oc_fail_errno(e, "kill pid %d of container %s", (int)pids[k], s->id);
  if (syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0) < 0 && errno != ESRCH)
    return oc_fail_errno(e, "kill container init (pid %d)", s->pid);
  return 0;
}

int cmd_kill(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false, all = false;
  const struct oc_opt opts[] = {
      {"all", 'a', NULL, &all, NULL, "signal every process of the container, not only its init"}, OC_OPT_END};
  int i = oc_parse_ids(argc, argv, opts, 1, 2, &help, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID [SIGNAL]", opts), 0;
  const char *signame = i + 1 < argc ? argv[i + 1] : "SIGTERM";
  int sig = oc_signal_parse(signame);
  if (sig < 0) {
    oc_log_error("invalid signal \"%s\"", signame);
    return 1;
  }
  struct oc_state *s = NULL;
  if (oc_state_load(g->root, argv[i], &s, &e) < 0) return oc_log_fail(&e);
  enum oc_status st = oc_state_status(g->root, s);
  int r = 0;
  if (st == OC_STOPPED) {
    /* containerd sends kill --all to exited, not yet deleted containers and expects success. */
    if (!all) r = oc_fail(&e, ESRCH, "container not running");
  } else if (all && s->cgroup_path) {
    struct oc_cgroup *cg = NULL;
    r = oc_cg_open(s->cgroup_path, &cg, &e);
    if (r == 0) {
      r = oc_cg_signal_all(cg, sig, &e);
      /* A frozen process only dies once thawed. */
      if (r == 0 && sig == SIGKILL && st == OC_PAUSED) r = oc_cg_freeze(cg, false, &e);
      oc_cg_free(cg);
    }
  } else if (all) {
    r = signal_procs(s, sig, &e);
  } else {
    r = signal_init(s, sig, &e);
  }
  oc_state_free(s);
  return r < 0 ? oc_log_fail(&e) : 0;
}
