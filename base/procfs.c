#define _GNU_SOURCE
#include "base/procfs.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"

static bool on_procfs(int fd) {
  struct statfs sfs;
  return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

int oc_procfs_open(const char *subpath, int flags, struct oc_err *e) {
  _cleanup_fd_ int root = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return oc_fail_errno(e, "open /proc");
  if (!on_procfs(root)) return oc_fail(e, EXDEV, "/proc is not a procfs mount");

  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
      .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
  };
  _cleanup_fd_ int fd = (int)syscall(SYS_openat2, root, subpath, &how, sizeof how);
  if (fd < 0 && errno == ENOSYS) fd = openat(root, subpath, flags | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return oc_fail_errno(e, "open /proc/%s", subpath);
  if (!on_procfs(fd)) return oc_fail(e, EXDEV, "/proc/%s is not on procfs", subpath);
  return oc_steal_fd(&fd);
}

int oc_procfs_write(const char *subpath, const char *data, struct oc_err *e) {
  _cleanup_fd_ int fd = oc_procfs_open(subpath, O_WRONLY, e);
  if (fd < 0) return fd;
  size_t len = strlen(data);
  ssize_t n = write(fd, data, len);
  if (n < 0) return oc_fail_errno(e, "write /proc/%s (\"%s\")", subpath, data);
  if ((size_t)n != len) return oc_fail(e, EIO, "write /proc/%s (\"%s\"): short write", subpath, data);
  return 0;
}

ssize_t oc_procfs_read(const char *subpath, char *buf, size_t size, struct oc_err *e) {
  if (size == 0) return oc_fail(e, EINVAL, "read /proc/%s: empty buffer", subpath);
  _cleanup_fd_ int fd = oc_procfs_open(subpath, O_RDONLY, e);
  if (fd < 0) return fd;
  size_t got = 0;
  while (got < size - 1) {
    ssize_t n = read(fd, buf + got, size - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return oc_fail_errno(e, "read /proc/%s", subpath);
    if (n == 0) break;
    got += (size_t)n;
  }
  buf[got] = '\0';
  return (ssize_t)got;
}

unsigned long long oc_proc_start_time(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  _cleanup_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  if (n <= 0) return 0;
  buf[n] = '\0';
  /* comm may hold spaces and parens: fields restart after the last ')'. */
  char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ') return 0;
  char state = p[2];
  if (state == 'Z' || state == 'X') return 0;
  p += 2;
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (!p) return 0;
    p++;
  }
  return strtoull(p, NULL, 10);
}

bool oc_proc_alive(pid_t pid, unsigned long long start_time) {
  return pid > 0 && start_time != 0 && oc_proc_start_time(pid) == start_time;
}
