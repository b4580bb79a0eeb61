/* Rootless mode's per-user directories (base/user_dirs.h). */
#define _GNU_SOURCE
#include "base/user_dirs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

bool oc_rootless(void) { return geteuid() != 0; }

void oc_user_dir_path(const char *name, char *buf, size_t len) {
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (xdg && xdg[0] == '/')
    snprintf(buf, len, "%s/%s", xdg, name);
  else
    snprintf(buf, len, "/tmp/%s-%u", name, (unsigned)geteuid());
}

int oc_user_dir_open(const char *path, struct oc_err *e) {
  if (mkdir(path, 0700) < 0 && errno != EEXIST) return oc_fail_errno(e, "mkdir %s", path);
  int fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return oc_fail_errno(e, "open %s (must be a directory, not a symlink)", path);
  struct stat st;
  if (fstat(fd, &st) < 0) {
    int r = oc_fail_errno(e, "stat %s", path);
    close(fd);
    return r;
  }
  if (st.st_uid != geteuid() || (st.st_mode & 022)) {
    close(fd);
    return oc_fail(e, EPERM, "%s is owned by uid %u with mode %04o: it must be yours (uid %u) and writable only by you",
                   path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), (unsigned)geteuid());
  }
  return fd;
}
