#include "runtime/wait.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>

static volatile sig_atomic_t waited_pid;

static void forward(int sig) {
  if (waited_pid > 0) kill(waited_pid, sig);
}

void oc_forward_signals_to(pid_t pid) {
  static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
  waited_pid = pid;
  struct sigaction sa = {.sa_handler = forward, .sa_flags = SA_RESTART};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);
}

int oc_wait_forwarding_signals(pid_t pid) {
  oc_forward_signals_to(pid);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 255;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
