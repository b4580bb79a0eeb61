/* File descriptors over unix sockets (SCM_RIGHTS): the pty master to --console-socket, seccomp
 * listeners to the runtime. The name travels as the data, as runc does. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "namespaces/console.h"

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
