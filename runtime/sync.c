#include "runtime/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

struct sync_hdr { uint32_t type; int32_t value; };

int oc_sync_send(int fd, enum oc_sync_type type, int32_t value, const void *data, size_t len) {
  struct sync_hdr h = {type, value};
  struct iovec iov[2] = {{&h, sizeof h}, {(void *)data, len}};
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = data ? 2 : 1};
  ssize_t n;
  do n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n < 0 ? -errno : 0;
}

int oc_sync_send_error(int fd, const struct oc_err *err) {
  return oc_sync_send(fd, OC_SYNC_ERROR, err->errnum, err->msg, strlen(err->msg));
}

void oc_sync_report_exit(int fd, const struct oc_err *e, int code) {
  /* A failed send means the runtime is gone: it cannot be told, and it reads EOF if alive. */
  if (oc_sync_send_error(fd, e) < 0) _exit(code);
  _exit(code);
}

int oc_sync_expect(int fd, enum oc_sync_type want, int32_t *value, char *buf, size_t cap,
                   struct oc_err *e) {
  char data[65536];
  struct sync_hdr h;
  struct iovec iov[2] = {{&h, sizeof h}, {data, sizeof data - 1}};
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
  ssize_t n;
  /* ECONNRESET: the other side exited with a message of ours unread (an ERROR and exit while
   * our GO was on its way). The error is reported once; what it sent before is still queued. */
  int resets = 0;
  do n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && (errno == EINTR || (errno == ECONNRESET && resets++ == 0)));
  if (n < 0) return oc_fail_errno(e, "read from container process");
  if (n == 0) return oc_fail(e, EPIPE, "container process exited before it was ready");
  if ((size_t)n < sizeof h) return oc_fail(e, EPROTO, "short message from container process");
  size_t len = (size_t)n - sizeof h;
  data[len] = '\0';
  if (h.type == OC_SYNC_ERROR) return oc_fail(e, h.value, "%s", data);
  if (h.type != (uint32_t)want)
    return oc_fail(e, EPROTO, "unexpected message %u from container process (wanted %u)", h.type, want);
  if (value) *value = h.value;
  if (buf && cap) {
    size_t m = len < cap - 1 ? len : cap - 1;
    memcpy(buf, data, m);
    buf[m] = '\0';
  }
  return 0;
}
