/* Unix sockets: connect to a path of any length, and pass file descriptors (SCM_RIGHTS; the
 * name travels as the data, as runc does): the pty master to --console-socket, seccomp
 * listeners to the runtime and to listenerPath. */
#define _GNU_SOURCE
#include "base/unix_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"

int oc_unix_connect_at(int dirfd, const char *name, struct oc_err *e) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  int n = dirfd == AT_FDCWD ? snprintf(sa.sun_path, sizeof sa.sun_path, "%s", name)
                            : snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dirfd, name);
  if (n < 0 || (size_t)n >= sizeof sa.sun_path) return oc_fail(e, ENAMETOOLONG, "socket name too long: %s", name);
  _cleanup_fd_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return oc_fail_errno(e, "socket");
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) return oc_fail_errno(e, "connect to %s", name);
  return oc_steal_fd(&fd);
}

int oc_unix_connect(const char *path, struct oc_err *e) {
  if (strlen(path) < sizeof(((struct sockaddr_un *)0)->sun_path)) return oc_unix_connect_at(AT_FDCWD, path, e);
  /* Longer than sun_path: connect through the directory's fd. */
  _cleanup_free_ char *d = strdup(path), *b = strdup(path);
  if (!d || !b) return oc_fail(e, ENOMEM, "connect to %s: out of memory", path);
  _cleanup_fd_ int dirfd = open(dirname(d), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) return oc_fail_errno(e, "open the directory of %s", path);
  int fd = oc_unix_connect_at(dirfd, basename(b), e);
  if (fd < 0) return oc_wrap(e, fd, "%s", path);
  return fd;
}

int oc_send_fd(int sock, int fd, const char *name, struct oc_err *e) {
  if (!name || !name[0]) name = "fd";
  struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &fd, sizeof fd);
  ssize_t r;
  do r = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0) return oc_fail_errno(e, "send %s over the socket", name);
  return 0;
}

int oc_recv_fd(int sock, struct oc_err *e) {
  char name[4096];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof name};
  union {
    char buf[CMSG_SPACE(sizeof(int) * 4)];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
  ssize_t r;
  do r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r < 0) return oc_fail_errno(e, "receive a file descriptor");
  int fd = -1;
  for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int got;
      memcpy(&got, CMSG_DATA(cm) + i * sizeof(int), sizeof got);
      if (fd < 0) fd = got;
      else close(got);  /* only one is expected */
    }
  }
  if (fd < 0) {
    if (r == 0) return oc_fail(e, EPIPE, "receive a file descriptor: the peer closed the socket");
    return oc_fail(e, EBADMSG, "receive a file descriptor: the message carries none");
  }
  if (msg.msg_flags & MSG_CTRUNC) {
    close(fd);
    return oc_fail(e, EBADMSG, "receive a file descriptor: control data truncated");
  }
  return fd;
}
