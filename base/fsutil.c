#include "base/fsutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"

int oc_read_fileat(int dirfd, const char *path, char **out, size_t *len, size_t max, struct oc_err *e) {
  _cleanup_fd_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return oc_fail_errno(e, "open %s", path);
  size_t cap = 4096, n = 0;
  _cleanup_free_ char *buf = malloc(cap + 1);
  if (!buf) return oc_fail(e, ENOMEM, "read %s: out of memory", path);
  for (;;) {
    if (n == cap) {
      if (cap >= max) return oc_fail(e, EFBIG, "read %s: larger than %zu bytes", path, max);
      cap = cap * 2 > max ? max : cap * 2;
      char *nb = realloc(buf, cap + 1);
      if (!nb) return oc_fail(e, ENOMEM, "read %s: out of memory", path);
      buf = nb;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return oc_fail_errno(e, "read %s", path);
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  *out = OC_STEAL_PTR(buf);
  if (len) *len = n;
  return 0;
}

int oc_write_fileat(int dirfd, const char *path, const char *buf, size_t len, struct oc_err *e) {
  _cleanup_fd_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return oc_fail_errno(e, "open %s", path);
  ssize_t w = write(fd, buf, len);
  if (w < 0) return oc_fail_errno(e, "write %.*s to %s", (int)(len > 64 ? 64 : len), buf, path);
  if ((size_t)w != len) return oc_fail(e, EIO, "short write to %s", path);
  return 0;
}

int oc_write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

int oc_write_path_atomic(const char *path, const void *buf, size_t len, mode_t mode, struct oc_err *e) {
  char tmp[PATH_MAX];
  if (snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, getpid()) >= (int)sizeof tmp)
    return oc_fail(e, ENAMETOOLONG, "path too long: %s", path);
  _cleanup_fd_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return oc_fail_errno(e, "create %s", tmp);
  if (oc_write_all(fd, buf, len) < 0) {
    int r = oc_fail_errno(e, "write %s", tmp);
    unlink(tmp);
    return r;
  }
  if (rename(tmp, path) < 0) {
    int r = oc_fail_errno(e, "rename %s to %s", tmp, path);
    unlink(tmp);
    return r;
  }
  return 0;
}

int oc_write_file_atomic(const char *dir, const char *name, const void *buf, size_t len, mode_t mode,
                         struct oc_err *e) {
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
    return oc_fail(e, ENAMETOOLONG, "path too long: %s/%s", dir, name);
  return oc_write_path_atomic(path, buf, len, mode, e);
}

int oc_mkdir_p(const char *path, mode_t mode, struct oc_err *e) {
  char buf[PATH_MAX];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
    return oc_fail(e, ENAMETOOLONG, "path too long: %s", path);
  for (char *p = buf + 1;; p++) {
    if (*p == '/' || *p == '\0') {
      char c = *p;
      *p = '\0';
      if (mkdir(buf, mode) < 0 && errno != EEXIST) return oc_fail_errno(e, "mkdir %s", buf);
      *p = c;
      if (!c) break;
    }
  }
  return 0;
}

OC_MUST_CHECK static int remove_at(int dirfd, const char *name, struct oc_err *e) {
  if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT) return 0;
  if (errno != EISDIR && errno != EPERM) return oc_fail_errno(e, "unlink %s", name);
  _cleanup_fd_ int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return oc_fail_errno(e, "open %s", name);
  int dfd = dup(fd);
  if (dfd < 0) return oc_fail_errno(e, "dup");
  _cleanup_dir_ DIR *d = fdopendir(dfd);
  if (!d) {
    close(dfd);
    return oc_fail_errno(e, "opendir %s", name);
  }
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    if (remove_at(fd, de->d_name, e) < 0) return -1;
  }
  if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT) return oc_fail_errno(e, "rmdir %s", name);
  return 0;
}

int oc_remove_tree(const char *path, struct oc_err *e) { return remove_at(AT_FDCWD, path, e); }
