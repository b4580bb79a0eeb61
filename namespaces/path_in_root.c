/* Paths inside the container's root, resolved by fd: openat2(RESOLVE_IN_ROOT) makes ".." and
 * absolute symlinks stop at the root, so nothing under the rootfs can send us to the host. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "namespaces/rootfs_internal.h"
#include "base/cleanup.h"

int oc_path_clean(const char *in, char *out, size_t cap, struct oc_err *e) {
  if (!in || in[0] != '/') return oc_fail(e, EINVAL, "path \"%s\" is not absolute", in ? in : "");
  size_t n = 0;
  const char *p = in;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    const char *s = p;
    while (*p && *p != '/') p++;
    size_t len = (size_t)(p - s);
    if (len == 1 && s[0] == '.') continue;
    if (len == 2 && s[0] == '.' && s[1] == '.') {
      while (n > 0 && out[n - 1] != '/') n--;
      if (n > 0) n--;  /* drop the slash too; at the root it stays "" */
      continue;
    }
    if (n + 1 + len + 1 > cap) return oc_fail(e, ENAMETOOLONG, "path too long: %s", in);
    out[n++] = '/';
    memcpy(out + n, s, len);
    n += len;
  }
  if (n == 0) {
    if (cap < 2) return oc_fail(e, ENAMETOOLONG, "path too long: %s", in);
    out[n++] = '/';
  }
  out[n] = '\0';
  return 0;
}

static int openat2_in_root(int root_fd, const char *path, int flags) {
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  int fd;
  do fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
  while (fd < 0 && (errno == EAGAIN || errno == EINTR));
  return fd;
}

int oc_open_in_root(int root_fd, const char *path, int flags, struct oc_err *e) {
  int fd = openat2_in_root(root_fd, path, flags);
  if (fd < 0) return oc_fail_errno(e, "open %s in the container", path);
  return fd;
}

OC_MUST_CHECK static int mkpath_in_root(int root_fd, const char *path, bool file, int depth, struct oc_err *e);

/* name (in parent, at prefix) is a symlink to nowhere: continue with its target, resolved inside
 * the root as the kernel would with RESOLVE_IN_ROOT, followed by the rest of the path. */
OC_MUST_CHECK static int follow_dangling(int root_fd, int parent, const char *name, const char *prefix,
                           const char *rest, bool file, int depth, struct oc_err *e) {
  char target[PATH_MAX], joined[PATH_MAX * 2 + 2], clean[PATH_MAX];
  ssize_t n = readlinkat(parent, name, target, sizeof target - 1);
  if (n < 0) return oc_fail(e, ENOENT, "create %s in the container: it is a dangling symlink", prefix);
  target[n] = '\0';
  if (depth >= 40) return oc_fail(e, ELOOP, "create %s in the container: too many symlinks", prefix);
  size_t dir_len = strlen(prefix) - strlen(name);
  if (target[0] == '/')
    snprintf(joined, sizeof joined, "%s%s", target, rest);
  else
    snprintf(joined, sizeof joined, "%.*s%s%s", (int)dir_len, prefix, target, rest);
  if (oc_path_clean(joined, clean, sizeof clean, e) < 0) return -1;
  return mkpath_in_root(root_fd, clean, file, depth + 1, e);
}

int oc_mkpath_in_root(int root_fd, const char *path, bool file, struct oc_err *e) {
  return mkpath_in_root(root_fd, path, file, 0, e);
}

OC_MUST_CHECK static int mkpath_in_root(int root_fd, const char *path, bool file, int depth, struct oc_err *e) {
  int fd = openat2_in_root(root_fd, path, O_PATH);
  if (fd >= 0) return fd;
  if (errno != ENOENT) return oc_fail_errno(e, "open %s in the container", path);

  char prefix[PATH_MAX];
  if (strlen(path) >= sizeof prefix) return oc_fail(e, ENAMETOOLONG, "path too long: %s", path);
  _cleanup_fd_ int parent = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
  if (parent < 0) return oc_fail_errno(e, "dup root fd");
  const char *p = path;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    const char *s = p;
    while (*p && *p != '/') p++;
    bool last = *p == '\0';
    size_t plen = (size_t)(p - path);
    memcpy(prefix, path, plen);
    prefix[plen] = '\0';
    char name[NAME_MAX + 1];
    if ((size_t)(p - s) > NAME_MAX) return oc_fail(e, ENAMETOOLONG, "path component too long in %s", path);
    memcpy(name, s, (size_t)(p - s));
    name[p - s] = '\0';

    int next = openat2_in_root(root_fd, prefix, O_PATH);
    if (next < 0 && errno != ENOENT) return oc_fail_errno(e, "open %s in the container", prefix);
    if (next < 0) {
      /* Created beside the already verified parent fd, never through a path string. */
      if (last && file) {
        int cfd = openat(parent, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0644);
        if (cfd < 0 && errno != EEXIST) return oc_fail_errno(e, "create %s in the container", prefix);
        if (cfd >= 0) close(cfd);
      } else if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
        return oc_fail_errno(e, "mkdir %s in the container", prefix);
      }
      next = openat2_in_root(root_fd, prefix, O_PATH);
      if (next < 0 && errno == ENOENT) return follow_dangling(root_fd, parent, name, prefix, p, file, depth, e);
      if (next < 0) return oc_fail_errno(e, "open %s in the container", prefix);
    }
    close(parent);
    parent = next;
  }
  return oc_steal_fd(&parent);
}
