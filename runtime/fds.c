/* oc_close_fds: the last fd hygiene before execve (containerd leaks its fd 3 into create). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/procfs.h"
#include "base/log.h"
#include "runtime/process_setup.h"

/* Close what /proc/self/fd lists in [lo, hi]: for kernels before 5.9 and for a seccomp filter
 * already loaded (SCMP_ACT_NOTIFY) that denies close_range. */
OC_MUST_CHECK static int close_listed(unsigned lo, unsigned hi, struct oc_err *e) {
  int dfd = oc_procfs_open("self/fd", O_RDONLY | O_DIRECTORY, e);
  if (dfd < 0) return oc_wrap(e, dfd, "close fds %u-%u", lo, hi);
  DIR *d = fdopendir(dfd);
  if (!d) {
    close(dfd);
    return oc_fail_errno(e, "close fds %u-%u: fdopendir /proc/self/fd", lo, hi);
  }
  struct dirent *de;
  while ((errno = 0, de = readdir(d)) != NULL) {
    char *end;
    unsigned long fd = strtoul(de->d_name, &end, 10);
    if (*end || end == de->d_name || fd < lo || fd > hi || (int)fd == dfd) continue;
    if (close((int)fd) < 0 && errno != EBADF) {
      int err = errno;
      closedir(d);
      return oc_fail(e, err, "close fd %lu", fd);
    }
  }
  int err = errno;
  closedir(d);
  return err ? oc_fail(e, err, "close fds %u-%u: read /proc/self/fd", lo, hi) : 0;
}

OC_MUST_CHECK static int close_span(unsigned lo, unsigned hi, struct oc_err *e) {
  if (lo > hi) return 0;
  if (close_range(lo, hi, 0) == 0) return 0;
  if (errno != ENOSYS && errno != EPERM) return oc_fail_errno(e, "close_range(%u, %u)", lo, hi);
  return close_listed(lo, hi, e);
}

OC_MUST_CHECK static int set_cloexec(int fd, bool on, struct oc_err *e) {
  int flags = fcntl(fd, F_GETFD);
  if (flags < 0) return errno == EBADF ? 0 : oc_fail_errno(e, "fcntl(%d, F_GETFD)", fd);
  int want = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (want != flags && fcntl(fd, F_SETFD, want) < 0) return oc_fail_errno(e, "fcntl(%d, F_SETFD)", fd);
  return 0;
}

static bool in(int fd, const int *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (v[i] == fd) return true;
  return false;
}

int oc_close_fds(int preserve_fds, int keep, struct oc_err *e) {
  if (preserve_fds < 0) return oc_fail(e, EINVAL, "--preserve-fds %d: must not be negative", preserve_fds);
  int first = 3 + preserve_fds; /* first fd that must not reach the container */
  if (keep >= 0 && keep < first)
    return oc_fail(e, EINVAL, "internal fd %d collides with the preserved fds 0..%d", keep, first - 1);
  /* The log's fds stay open for the last --debug records (the log file may be out of reach once
   * the root changed); they are close-on-exec, and never made inheritable here. */
  int kept[3];
  int n = oc_log_fds(kept, 2);
  for (int fd = 3; fd < first; fd++) {
    if (in(fd, kept, (size_t)n)) continue;
    int r = set_cloexec(fd, false, e);
    if (r < 0) return r;
  }
  if (keep >= 0) kept[n++] = keep;
  /* Close [first, ∞) around the kept fds, lowest first. */
  unsigned lo = (unsigned)first;
  for (;;) {
    int next = -1;
    for (int i = 0; i < n; i++)
      if (kept[i] >= (int)lo && (next < 0 || kept[i] < next)) next = kept[i];
    if (next < 0) break;
    int r = close_span(lo, (unsigned)next - 1, e);
    if (r < 0) return r;
    lo = (unsigned)next + 1;
  }
  int r = close_span(lo, ~0U, e);
  if (r < 0) return r;
  return keep >= 0 ? set_cloexec(keep, true, e) : 0;
}

int oc_close_inherited_fds(int preserve_fds, struct oc_err *e) {
  if (preserve_fds < 0) return oc_fail(e, EINVAL, "--preserve-fds %d: must not be negative", preserve_fds);
  /* Records before this (exe_protect's) may have opened the log: never leave it a stale fd. */
  oc_log_close_fds();
  return close_span(3u + (unsigned)preserve_fds, ~0U, e);
}
