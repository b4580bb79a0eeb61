#define _GNU_SOURCE
#include "runtime/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"

OC_MUST_CHECK static int wait_hook(pid_t pid, int timeout_s, int *status, struct oc_err *e) {
  _cleanup_fd_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd >= 0 && timeout_s > 0) {
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    int r;
    do r = poll(&p, 1, timeout_s * 1000);
    while (r < 0 && errno == EINTR);
    if (r == 0) {
      if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
        return oc_fail_errno(e, "timed out after %d s, and killing it failed", timeout_s);
      while (waitpid(pid, status, 0) < 0 && errno == EINTR) {}
      return oc_fail(e, ETIMEDOUT, "timed out after %d s", timeout_s);
    }
  }
  while (waitpid(pid, status, 0) < 0)
    if (errno != EINTR) return oc_fail_errno(e, "wait for hook");
  return 0;
}

OC_MUST_CHECK static int run_one(const struct oc_hook *h, const char *state_json, struct oc_err *e) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0) return oc_fail_errno(e, "pipe");
  pid_t pid = fork();
  if (pid < 0) {
    close(pipefd[0]);
    close(pipefd[1]);
    return oc_fail_errno(e, "fork");
  }
  if (pid == 0) {
    if (dup2(pipefd[0], 0) < 0) _exit(127);
    /* Every fd of ours is CLOEXEC already; this also drops any a library opened without it.
     * ENOSYS (before Linux 5.9): CLOEXEC alone has to do. */
    if (syscall(SYS_close_range, 3, ~0U, 0) < 0 && errno != ENOSYS) _exit(127);
    char *argv0[] = {h->path, NULL};
    char *empty_env[] = {NULL};
    execve(h->path, h->args.n ? h->args.v : argv0, h->env.n ? h->env.v : empty_env);
    _exit(127);
  }
  close(pipefd[0]);
  /* A hook may exit without reading stdin: ignore SIGPIPE while writing, then put the old
   * disposition back (an ignored signal survives execve: the container's process and later
   * hooks would inherit it). */
  struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
  if (sigaction(SIGPIPE, &ign, &old_pipe) < 0) {
    int err = errno;
    close(pipefd[1]);
    (void)kill(pid, SIGKILL);
    (void)waitpid(pid, NULL, 0);
    return oc_fail(e, err, "ignore SIGPIPE");
  }
  size_t len = strlen(state_json), off = 0;
  while (off < len) {
    ssize_t w = write(pipefd[1], state_json + off, len - off);
    if (w < 0) break;
    off += (size_t)w;
  }
  close(pipefd[1]);
  if (sigaction(SIGPIPE, &old_pipe, NULL) < 0) {
    int err = errno;
    (void)kill(pid, SIGKILL);
    (void)waitpid(pid, NULL, 0);
    return oc_fail(e, err, "restore SIGPIPE");
  }
  int status = 0;
  if (wait_hook(pid, h->timeout.set ? (int)h->timeout.v : 0, &status, e) < 0) return -1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFEXITED(status)) return oc_fail(e, ECHILD, "exit status %d", WEXITSTATUS(status));
  return oc_fail(e, ECHILD, "killed by signal %d", WTERMSIG(status));
}

int oc_hooks_run(const struct oc_config *c, enum oc_hook_kind kind, const char *state_json,
                 struct oc_err *e) {
  for (size_t i = 0; i < c->hooks[kind].n; i++) {
    const struct oc_hook *h = &c->hooks[kind].v[i];
    if (run_one(h, state_json, e) < 0)
      return oc_wrap(e, -1, "%s hook #%zu (%s) failed", oc_hook_kind_name(kind), i, h->path);
  }
  return 0;
}
