#define _GNU_SOURCE
#include "runtime/sealed_exe.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"

#define SEALED_MARK "_OCRUN_SEALED_EXE"

static char **saved_argv;

void oc_sealed_exe_set_argv(char **argv) { saved_argv = argv; }

int oc_reexec_sealed(struct oc_err *e) {
  if (getenv(SEALED_MARK)) {
    unsetenv(SEALED_MARK);
    return 0;
  }
  _cleanup_fd_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0) return oc_fail_errno(e, "open /proc/self/exe");
  struct stat sb;
  if (fstat(src, &sb) < 0) return oc_fail_errno(e, "stat /proc/self/exe");
  _cleanup_fd_ int mfd = memfd_create("ocrun", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0) return oc_fail_errno(e, "memfd_create");
  for (off_t left = sb.st_size; left > 0;) {
    ssize_t n = sendfile(mfd, src, NULL, (size_t)left);
    if (n <= 0) return oc_fail_errno(e, "copy ocrun into a memfd");
    left -= n;
  }
  if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
    return oc_fail_errno(e, "seal the memfd copy of ocrun");
  if (setenv(SEALED_MARK, "1", 1) < 0) return oc_fail_errno(e, "setenv");
  fexecve(mfd, saved_argv, environ);
  int r = oc_fail_errno(e, "re-exec ocrun from its sealed copy");
  unsetenv(SEALED_MARK);
  return r;
}
