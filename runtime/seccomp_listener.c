/* SCMP_ACT_NOTIFY: the container process loads its filter before execve and hands the
 * listener fd to the runtime over the sync socket; the runtime sends it, with the container
 * state, to the agent at linux.seccomp.listenerPath (runc's seccomp agent protocol). */
#define _GNU_SOURCE
#include "runtime/seccomp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "base/cleanup.h"
#include "base/unix_socket.h"
#include "runtime/sync.h"

static void yajl_gen_freep(yajl_gen *g) {
  if (*g) yajl_gen_free(*g);
}
static void yajl_tree_freep(yajl_val *v) {
  if (*v) yajl_tree_free(*v);
}

/* {"ociVersion":..,"fds":["seccompFd"],"pid":..,"metadata":..,"state":<state_json>} */
OC_MUST_CHECK static int build_process_state(const struct oc_seccomp *s, const char *state_json, pid_t pid,
                               char **out, struct oc_err *e) {
  char err[256];
  __attribute__((cleanup(yajl_tree_freep))) yajl_val st = yajl_tree_parse(state_json, err, sizeof err);
  if (!st || !YAJL_IS_OBJECT(st))
    return oc_fail(e, EINVAL, "seccomp listener: the container state is not a JSON object");
  const char *ver_path[] = {"ociVersion", NULL};
  const char *ver = YAJL_GET_STRING(yajl_tree_get(st, ver_path, yajl_t_string));
  if (!ver) ver = OC_SPEC_VERSION;

  __attribute__((cleanup(yajl_gen_freep))) yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) return oc_fail(e, ENOMEM, "seccomp listener: out of memory");
#define STR(x) (const unsigned char *)(x), strlen(x)
  yajl_gen_status gs = yajl_gen_map_open(g);
  if (gs == yajl_gen_status_ok) gs = yajl_gen_string(g, STR("ociVersion"));
  if (gs == yajl_gen_status_ok) gs = yajl_gen_string(g, STR(ver));
  if (gs == yajl_gen_status_ok) gs = yajl_gen_string(g, STR("fds"));
  if (gs == yajl_gen_status_ok) gs = yajl_gen_array_open(g);
  if (gs == yajl_gen_status_ok) gs = yajl_gen_string(g, STR("seccompFd"));
  if (gs == yajl_gen_status_ok) gs = yajl_gen_array_close(g);
  if (gs == yajl_gen_status_ok) gs = yajl_gen_string(g, STR("pid"));
  if (gs == yajl_gen_status_ok) gs = yajl_gen_integer(g, pid);
  if (gs == yajl_gen_status_ok && s->listener_metadata && *s->listener_metadata) {
    gs = yajl_gen_string(g, STR("metadata"));
    if (gs == yajl_gen_status_ok) gs = yajl_gen_string(g, STR(s->listener_metadata));
  }
#undef STR
  if (gs != yajl_gen_status_ok)
    return oc_fail(e, EINVAL, "linux.seccomp.listenerMetadata: cannot be encoded as JSON (not UTF-8?)");
  /* The map is left open: the state object is appended as it is. */
  const unsigned char *head;
  size_t head_len;
  yajl_gen_get_buf(g, &head, &head_len);
  if (asprintf(out, "%.*s,\"state\":%s}", (int)head_len, (const char *)head, state_json) < 0) {
    *out = NULL;
    return oc_fail(e, ENOMEM, "seccomp listener: out of memory");
  }
  return 0;
}

int oc_seccomp_send_listener(const struct oc_seccomp *s, int notify_fd, const char *state_json,
                             pid_t pid, struct oc_err *e) {
  if (!s->listener_path || !*s->listener_path)
    return oc_fail(e, EINVAL, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
  if (notify_fd < 0) return oc_fail(e, EBADF, "seccomp listener: no listener fd to send");
  if (!state_json) return oc_fail(e, EINVAL, "seccomp listener: no container state");
  _cleanup_free_ char *msg = NULL;
  int rc = build_process_state(s, state_json, pid, &msg, e);
  if (rc < 0) return rc;
  _cleanup_fd_ int fd = oc_unix_connect(s->listener_path, e);
  if (fd < 0) return oc_wrap(e, fd, "linux.seccomp.listenerPath");

  /* The fd rides on the first sendmsg only; the rest of a long state follows without it. */
  size_t len = strlen(msg), off = 0;
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  bool fd_sent = false;
  while (off < len) {
    struct iovec iov = {msg + off, len - off};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (!fd_sent) {
      mh.msg_control = ctl.buf;
      mh.msg_controllen = sizeof ctl.buf;
      struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
      cm->cmsg_level = SOL_SOCKET;
      cm->cmsg_type = SCM_RIGHTS;
      cm->cmsg_len = CMSG_LEN(sizeof(int));
      memcpy(CMSG_DATA(cm), &notify_fd, sizeof(int));
    }
    ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return oc_fail_errno(e, "linux.seccomp.listenerPath: send to %s", s->listener_path);
    fd_sent = true;
    off += (size_t)n;
  }
  return 0;
}

int oc_seccomp_listener_handover(struct oc_seccomp_filter **f, bool no_new_privs, int sync_fd,
                                 struct oc_err *e) {
  if (!*f || !oc_seccomp_uses_notify(*f)) return 0;
  if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return oc_fail_errno(e, "prctl(PR_SET_NO_NEW_PRIVS)");
  int nfd = -1;
  if (oc_seccomp_load(*f, &nfd, e) < 0) return -1;
  _cleanup_fd_ int listener = nfd;
  if (oc_sync_send(sync_fd, OC_SYNC_SECCOMP_FD, 0, NULL, 0) < 0 || oc_send_fd(sync_fd, listener, "seccomp", e) < 0)
    return oc_fail(e, EPIPE, "send seccomp listener fd to runtime");
  *f = NULL; /* loaded: nothing left for the last steps */
  return 0;
}

int oc_seccomp_listener_forward(const struct oc_seccomp *s, int sync_fd, const char *state_json, pid_t pid,
                                struct oc_err *e) {
  if (oc_sync_expect(sync_fd, OC_SYNC_SECCOMP_FD, NULL, NULL, 0, e) < 0) return -1;
  _cleanup_fd_ int fd = oc_recv_fd(sync_fd, e);
  if (fd < 0) return -1;
  return oc_seccomp_send_listener(s, fd, state_json, pid, e);
}
