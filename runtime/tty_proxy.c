#define _GNU_SOURCE
#include "runtime/tty_proxy.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "base/unix_socket.h"
#include "base/cleanup.h"
#include "runtime/wait.h"

static volatile sig_atomic_t winch;
static void on_winch(int sig) {
  (void)sig;
  winch = 1;
}

/* The caller's window size onto the pty: the kernel then sends SIGWINCH to its foreground. */
static void copy_size(int master) {
  struct winsize ws;
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ioctl(master, TIOCSWINSZ, &ws) < 0) {
    /* a pty that is gone: the relay loop sees it next */
  }
}

/* Returns false once the source is finished (or would block, for the final drain). */
static bool pump(int from, int to) {
  char buf[8192];
  ssize_t n = read(from, buf, sizeof buf);
  if (n <= 0) return n < 0 && errno == EINTR;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = write(to, buf + off, (size_t)(n - off));
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    off += w;
  }
  return true;
}

/* Copy both ways until the pty closes or the process exits; then what it wrote last. Processes
 * it left in the background may keep the pty open: they do not keep us here. */
static void relay(int master, int pidfd) {
  struct pollfd p[3] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = master, .events = POLLIN},
                        {.fd = pidfd, .events = POLLIN}};
  for (;;) {
    if (winch) {
      winch = 0;
      copy_size(master);
    }
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!pump(master, STDOUT_FILENO)) return;
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!pump(STDIN_FILENO, master)) p[0].fd = -1; /* stdin closed: keep showing output */
    }
    if (p[2].revents & POLLIN) break;
  }
  int fl = fcntl(master, F_GETFL);
  if (fl >= 0 && fcntl(master, F_SETFL, fl | O_NONBLOCK) == 0)
    while (pump(master, STDOUT_FILENO)) {}
}

int oc_tty_proxy_run(int sock, pid_t pid, struct oc_err *e) {
  _cleanup_fd_ int master = oc_recv_fd(sock, e);
  if (master < 0) return -1;
  _cleanup_fd_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) return oc_fail_errno(e, "pidfd_open %d", (int)pid);
  /* Signals that would end this process with the terminal raw go to the process instead: it
   * exits, the relay ends and the terminal is restored. A closed stdout is an error, not death. */
  oc_forward_signals_to(pid);
  struct sigaction ign = {.sa_handler = SIG_IGN}, winch_sa = {.sa_handler = on_winch}, old_pipe;
  sigemptyset(&ign.sa_mask);
  sigemptyset(&winch_sa.sa_mask);
  if (sigaction(SIGPIPE, &ign, &old_pipe) < 0) return oc_fail_errno(e, "ignore SIGPIPE");
  struct termios saved, raw;
  bool is_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (is_tty) {
    raw = saved;
    cfmakeraw(&raw);
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) < 0) {
      int r = oc_fail_errno(e, "terminal: raw mode on stdin");
      (void)sigaction(SIGPIPE, &old_pipe, NULL);
      return r;
    }
    if (sigaction(SIGWINCH, &winch_sa, NULL) < 0) {
      /* no resizes then; the size at start is still copied */
    }
    copy_size(master);
  }
  relay(master, pidfd);
  int r = 0;
  if (is_tty && tcsetattr(STDIN_FILENO, TCSADRAIN, &saved) < 0) r = oc_fail_errno(e, "terminal: restore stdin");
  if (sigaction(SIGPIPE, &old_pipe, NULL) < 0 && r == 0) r = oc_fail_errno(e, "restore SIGPIPE");
  return r;
}
