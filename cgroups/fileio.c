/* Reading and writing cgroup files through the cgroup's directory fd. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"

int64_t oc_cg_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int oc_cgf_open_w(const struct oc_cg_dir *d, const char *file, struct oc_err *e) {
  /* O_TRUNC is ignored by cgroupfs and keeps fake roots (plain files) readable in tests */
  int fd = openat(d->fd, file, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return oc_fail_errno(e, "%s/%s", d->dirpath, file);
  return fd;
}

int oc_cgf_write_fd(int fd, const struct oc_cg_dir *d, const char *file, const char *val,
                    struct oc_err *e) {
  size_t len = strlen(val);
  ssize_t n;
  do n = write(fd, val, len);
  while (n < 0 && errno == EINTR);
  if (n < 0) return oc_fail_errno(e, "%s/%s: write \"%s\"", d->dirpath, file, val);
  if ((size_t)n != len) return oc_fail(e, EIO, "%s/%s: short write of \"%s\"", d->dirpath, file, val);
  return 0;
}

int oc_cgf_write(const struct oc_cg_dir *d, const char *file, const char *val, struct oc_err *e) {
  _cleanup_fd_ int fd = oc_cgf_open_w(d, file, e);
  if (fd < 0) return fd;
  return oc_cgf_write_fd(fd, d, file, val, e);
}

int oc_cgf_writef(const struct oc_cg_dir *d, const char *file, struct oc_err *e, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof buf) return oc_fail(e, EINVAL, "%s/%s: value too long", d->dirpath, file);
  return oc_cgf_write(d, file, buf, e);
}

int oc_cgf_read(const struct oc_cg_dir *d, const char *file, char **out, struct oc_err *e) {
  _cleanup_fd_ int fd = openat(d->fd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return -ENOENT;
    return oc_fail_errno(e, "%s/%s", d->dirpath, file);
  }
  size_t cap = 4096, len = 0;
  _cleanup_free_ char *buf = malloc(cap);
  if (!buf) return oc_fail(e, ENOMEM, "out of memory");
  for (;;) {
    if (cap - len < 2) {
      if (cap > (64u << 20)) return oc_fail(e, EFBIG, "%s/%s: too large", d->dirpath, file);
      char *nb = realloc(buf, cap * 2);
      if (!nb) return oc_fail(e, ENOMEM, "out of memory");
      buf = nb;
      cap *= 2;
    }
    ssize_t n = read(fd, buf + len, cap - len - 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return oc_fail_errno(e, "read %s/%s", d->dirpath, file);
    if (n == 0) break;
    len += (size_t)n;
  }
  buf[len] = '\0';
  *out = OC_STEAL_PTR(buf);
  return (int)(len > INT32_MAX ? INT32_MAX : len);
}

static int parse_u64(const char *s, uint64_t *out) {
  while (*s == ' ' || *s == '\t') s++;
  if (strncmp(s, "max", 3) == 0) {
    *out = UINT64_MAX;
    return 0;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *s == '-') return -1;
  *out = v;
  return 0;
}

int oc_cgf_read_u64(const struct oc_cg_dir *d, const char *file, uint64_t *out, struct oc_err *e) {
  _cleanup_free_ char *text = NULL;
  int r = oc_cgf_read(d, file, &text, e);
  if (r == -ENOENT) return oc_fail(e, ENOENT, "%s/%s: no such file", d->dirpath, file);
  if (r < 0) return r;
  if (parse_u64(text, out) < 0) return oc_fail(e, EINVAL, "%s/%s: not a number: \"%.40s\"", d->dirpath, file, text);
  return 0;
}

bool oc_cgf_exists(const struct oc_cg_dir *d, const char *file) {
  return d && d->fd >= 0 && faccessat(d->fd, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

bool oc_cg_kv_get(const char *text, const char *key, uint64_t *out) {
  size_t kl = strlen(key);
  for (const char *p = text; p && *p;) {
    if (strncmp(p, key, kl) == 0 && (p[kl] == ' ' || p[kl] == '\t'))
      return parse_u64(p + kl, out) == 0;
    p = strchr(p, '\n');
    if (p) p++;
  }
  return false;
}

int oc_cgf_kv(const struct oc_cg_dir *d, const char *file, const char *key, uint64_t *out) {
  _cleanup_free_ char *text = NULL;
  struct oc_err e;
  int r = oc_cgf_read(d, file, &text, &e);
  if (r < 0) return r == -ENOENT ? r : -EIO;
  return oc_cg_kv_get(text, key, out) ? 0 : -ENOENT;
}

int oc_cg_put(const struct oc_cg_dir *d, const char *key, const char *file, const char *val, struct oc_err *e) {
  int r = oc_cgf_write(d, file, val, e);
  return r < 0 ? oc_wrap(e, r, "linux.resources.%s", key) : 0;
}

int oc_cg_put_i64(const struct oc_cg_dir *d, const char *key, const char *file, int64_t v, struct oc_err *e) {
  char buf[32];
  snprintf(buf, sizeof buf, "%" PRId64, v);
  return oc_cg_put(d, key, file, buf, e);
}

int oc_cg_put_u64(const struct oc_cg_dir *d, const char *key, const char *file, uint64_t v, struct oc_err *e) {
  char buf[32];
  snprintf(buf, sizeof buf, "%" PRIu64, v);
  return oc_cg_put(d, key, file, buf, e);
}
