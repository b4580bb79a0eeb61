#define _GNU_SOURCE
#include "runtime/sealed_exe.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3: say so, or vm.memfd_noexec may refuse the exec */
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

enum exe_kind { EXE_HOST, EXE_SEALED_MEMFD, EXE_RO_MOUNT };

static enum exe_kind exe_kind(int self) {
  int seals = fcntl(self, F_GET_SEALS);
  if (seals >= 0 && (seals & SEALS) == SEALS) return EXE_SEALED_MEMFD;
  /* A regular file whose path is "/" is the root of a mount with no parent: a detached mount,
   * which no namespace holds, so it cannot be remounted read-write. */
  struct statvfs v;
  char link[4];
  if (fstatvfs(self, &v) == 0 && (v.f_flag & ST_RDONLY) &&
      readlink("/proc/self/exe", link, sizeof link) == 1 && link[0] == '/')
    return EXE_RO_MOUNT;
  return EXE_HOST;
}

/* The binary on a private read-only mount of just this file; -1 when not allowed here. */
static int ro_mount_of(int self) {
  int tree = (int)syscall(SYS_open_tree, self, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0) return -1;
  struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof a) < 0) {
    close(tree);
    return -1;
  }
  return tree;
}

OC_MUST_CHECK static int sealed_copy(int self, struct oc_err *e) {
  struct stat sb;
  if (fstat(self, &sb) < 0) return oc_fail_errno(e, "stat /proc/self/exe");
  _cleanup_fd_ int m = memfd_create("ocrun", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (m < 0 && errno == EINVAL) m = memfd_create("ocrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (m < 0) return oc_fail_errno(e, "memfd_create for a sealed copy of ocrun");
  for (off_t off = 0; off < sb.st_size;) {
    ssize_t n = sendfile(m, self, &off, (size_t)(sb.st_size - off));
    if (n < 0) return oc_fail_errno(e, "copy ocrun into a memfd");
    if (n == 0) return oc_fail(e, EIO, "copy ocrun into a memfd: the binary shrank while copied");
  }
  if (fcntl(m, F_ADD_SEALS, SEALS) < 0) return oc_fail_errno(e, "seal the memfd copy of ocrun");
  int r = m;
  m = -1;
  return r;
}

/* Were we started through an fd (execveat/fexecve)? Then the kernel named the program
 * /dev/fd/N: its comm is "N". */
static bool started_from_fd(void) {
  const char *fn = (const char *)getauxval(AT_EXECFN);
  return fn && strncmp(fn, "/dev/fd/", 8) == 0;
}

int oc_exe_protect(char **argv, struct oc_err *e) {
  const char *want = getenv("OCRUN_PROTECT_EXE");
  if (want && want[0] && strcmp(want, "memfd") != 0)
    return oc_fail(e, EINVAL, "OCRUN_PROTECT_EXE=%s: the only value is memfd", want);
  _cleanup_fd_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) return oc_fail_errno(e, "open /proc/self/exe");
  enum exe_kind k = exe_kind(self);
  if (k != EXE_HOST) {
    if (started_from_fd()) {
      const char *slash = strrchr(argv[0], '/');
      prctl(PR_SET_NAME, slash ? slash + 1 : argv[0], 0, 0, 0);
    }
    oc_log_debug("running from %s", k == EXE_RO_MOUNT ? "a private read-only mount of the binary"
                                                      : "a sealed memfd copy of the binary");
    return 0;
  }
  /* Started from an fd but not recognised as protected: straight to the memfd, whose seals the
   * next image always recognises, so there is at most one more exec. */
  int fd = -1;
  if (!(want && want[0]) && !started_from_fd()) fd = ro_mount_of(self);
  if (fd < 0 && (fd = sealed_copy(self, e)) < 0) return -1;
  extern char **environ;
  syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
  int r = oc_fail_errno(e, "re-execute ocrun from its protected copy");
  close(fd);
  return r;
}
