/* pause: the process of a pod sandbox (tests/cri builds it static and imports it as the suite's
 * sandbox_image). It holds the pod's namespaces open: it waits for SIGINT or SIGTERM and exits 0,
 * and, being pid 1 of a pod whose containers share its pid namespace, reaps every child that is
 * reparented to it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  sigset_t set;
  if (sigemptyset(&set) < 0 || sigaddset(&set, SIGINT) < 0 || sigaddset(&set, SIGTERM) < 0 ||
      sigaddset(&set, SIGCHLD) < 0 || sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
    perror("pause: sigprocmask");
    return 1;
  }
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) {
      fputs("pause: sigwait failed\n", stderr);
      return 1;
    }
    if (sig != SIGCHLD) return 0;
    /* Reap every child that has exited; ECHILD (none left) ends the round. */
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
  }
}
