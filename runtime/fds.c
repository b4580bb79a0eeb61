/* oc_close_fds: the last fd hygiene before execve (containerd leaks its fd 3 into create). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/log.h"
#include "runtime/process_setup.h"

OC_MUST_CHECK static int close_span(unsigned lo, unsigned hi, struct oc_err *e) {
  if (lo > hi) return 0;
  if (close_range(lo, hi, 0) == 0) return 0;
  if (errno != ENOSYS) return oc_fail_errno(e, "close_range(%u, %u)", lo, hi);
  /* Kernels before 5.9: close one by one up to the fd limit. */
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) < 0) return oc_fail_errno(e, "getrlimit RLIMIT_NOFILE");
  unsigned max = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1u << 20 ? 1u << 20 : (unsigned)rl.rlim_cur;
  for (unsigned fd = lo; fd <= hi && fd < max; fd++) close((int)fd);
  return 0;
}

OC_MUST_CHECK static int set_cloexec(int fd, bool on, struct oc_err *e) {
  int flags = fcntl(fd, F_GETFD);
  if (flags < 0) return errno == EBADF ? 0 : oc_fail_errno(e, "fcntl(%d, F_GETFD)", fd);
  int want = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (want != flags && fcntl(fd, F_SETFD, want) < 0) return oc_fail_errno(e, "fcntl(%d, F_SETFD)", fd);
  return 0;
}

int oc_close_fds(int preserve_fds, int keep, struct oc_err *e) {
  if (preserve_fds < 0) return oc_fail(e, EINVAL, "--preserve-fds %d: must not be negative", preserve_fds);
  int first = 3 + preserve_fds; /* first fd that must not reach the container */
  if (keep >= 0 && keep < first)
    return oc_fail(e, EINVAL, "internal fd %d collides with the preserved fds 0..%d", keep, first - 1);
  for (int fd = 3; fd < first; fd++) {
    int r = set_cloexec(fd, false, e);
    if (r < 0) return r;
  }
  int r;
  if (keep < 0) return close_span((unsigned)first, ~0U, e);
  if ((r = close_span((unsigned)first, (unsigned)keep - 1, e)) < 0) return r;
  if ((r = close_span((unsigned)keep + 1, ~0U, e)) < 0) return r;
  return set_cloexec(keep, true, e);
}

int oc_close_inherited_fds(int preserve_fds, struct oc_err *e) {
  if (preserve_fds < 0) return oc_fail(e, EINVAL, "--preserve-fds %d: must not be negative", preserve_fds);
  /* Records before this (exe_protect's) may have opened the log: never leave it a stale fd. */
  oc_log_close_fds();
  return close_span(3u + (unsigned)preserve_fds, ~0U, e);
}
