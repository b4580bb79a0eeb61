/* ocrun-recvtty SOCKET: the --console-socket end for the guest cases (which have no python for
 * tests/lib/recvtty.py). Listens on SOCKET, takes one pty master sent over SCM_RIGHTS, then
 * copies stdin to the master and the master to stdout until the pty hangs up (the container's
 * processes are gone). run.sh builds it statically into the guest as /usr/local/bin. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what) {
  fprintf(stderr, "ocrun-recvtty: %s: %s\n", what, strerror(errno));
  return 1;
}

static int recv_master(int conn) {
  char name[256], ctl[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof name};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
  if (recvmsg(conn, &m, MSG_CMSG_CLOEXEC) < 0) return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_type != SCM_RIGHTS) {
    errno = EPROTO;
    return -1;
  }
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

/* Write all of buf; 0 or -1. */
static int write_all(int fd, const char *buf, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, (size_t)n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    buf += w;
    n -= w;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: ocrun-recvtty SOCKET\n");
    return 2;
  }
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(argv[1]) >= sizeof sa.sun_path) {
    fprintf(stderr, "ocrun-recvtty: socket path too long\n");
    return 2;
  }
  strcpy(sa.sun_path, argv[1]);
  int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (ls < 0) return die("socket");
  if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 1) < 0) return die(argv[1]);
  int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0) return die("accept");
  int master = recv_master(conn);
  if (master < 0) return die("receive the pty master");
  close(conn);
  close(ls);
  struct pollfd p[2] = {{.fd = master, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
  char buf[4096];
  for (;;) {
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return die("poll");
    }
    if (p[1].revents) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0) p[1].fd = -1; /* stdin done: keep copying the output */
      else if (write_all(master, buf, n) < 0) return die("write to the pty");
    }
    if (p[0].revents) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n <= 0) return 0; /* EIO: every slave is closed */
      if (write_all(1, buf, n) < 0) return die("write to stdout");
    }
  }
}
