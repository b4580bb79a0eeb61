/* start: the init, waiting on start.sock since create, is told to execve the user program. */
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
#include "base/log.h"
#include "base/unix_socket.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/state.h"

OC_MUST_CHECK static int state_error(const char *verb, enum oc_status st, struct oc_err *e) {
  if (st == OC_STOPPED) return oc_fail(e, EINVAL, "cannot %s a container that has stopped", verb);
  if (st == OC_RUNNING || st == OC_PAUSED)
    return oc_fail(e, EINVAL, "cannot %s an already running container", verb);
  return oc_fail(e, EINVAL, "cannot %s a container in the %s state", verb, oc_status_name(st));
}

/* Connect to the init's start socket, ask it to go, and read its answer: EOF without bytes
 * means the user program was exec'd; bytes are the error text. */
OC_MUST_CHECK static int handshake(const char *state_dir, struct oc_err *e) {
  _cleanup_fd_ int dfd = open(state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return oc_fail_errno(e, "open %s", state_dir);
  _cleanup_fd_ int s = oc_unix_connect_at(dfd, "start.sock", e);
  /* The init removes the socket when it starts: gone means someone started it already. */
  if (s < 0) return oc_fail(e, e->errnum, "cannot start an already running container");
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
  /* Gone already unless the init could not remove it (root of a user namespace). */
  if (unlinkat(dfd, "start.sock", 0) < 0 && errno != ENOENT) return oc_fail_errno(e, "remove %s/start.sock", state_dir);
  return 0;
}

int oc_container_start(const struct oc_globals *g, const char *id, struct oc_err *e) {
  _cleanup_state_ struct oc_state *s = NULL;
  if (oc_state_load(g->root, id, &s, e) < 0) return -1;
  enum oc_status st = oc_state_status(g->root, s);
  if (st != OC_CREATED) return state_error("start", st, e);
  char dir[4200];
  if (oc_state_dir(g->root, id, dir, sizeof dir, e) < 0 || handshake(dir, e) < 0) return -1;
  struct oc_err he;
  _cleanup_config_ struct oc_config *c = oc_state_config_with_hooks(g->root, s, OC_HOOK_POSTSTART);
  if (!c) return 0;
  _cleanup_free_ char *json = oc_state_json(s, OC_RUNNING);
  /* The spec: a failing poststart hook is logged, the container keeps running. */
  if (json && oc_hooks_run(c, OC_HOOK_POSTSTART, json, &he) < 0) oc_log_warn("%s", he.msg);
  return 0;
}
