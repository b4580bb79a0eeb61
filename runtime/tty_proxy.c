#include "runtime/tty_proxy.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "base/unix_socket.h"
#include "base/cleanup.h"

static volatile sig_atomic_t winch;
static void on_winch(int sig) {
  (void)sig;
  winch = 1;
}

static void copy_size(int master) {
  struct winsize ws;
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
}

/* Returns false once the source is finished. */
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

int oc_tty_proxy_run(int sock, struct oc_err *e) {
  _cleanup_fd_ int master = oc_recv_fd(sock, e);
  if (master < 0) return -1;
  struct termios saved, raw;
  bool is_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (is_tty) {
    raw = saved;
    cfmakeraw(&raw);
    tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    copy_size(master);
    struct sigaction sa = {.sa_handler = on_winch};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGWINCH, &sa, NULL);
  }
  struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = master, .events = POLLIN}};
  for (;;) {
    if (winch) {
      winch = 0;
      copy_size(master);
    }
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!pump(master, STDOUT_FILENO)) break;
    }
    if (p[0].revents & (POLLIN | POLLHUP)) {
      if (!pump(STDIN_FILENO, master)) p[0].fd = -1; /* stdin closed: keep showing output */
    }
  }
  if (is_tty) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  return 0;
}
