/* oc_process_chdir: enter process.cwd and prove the result is inside the container root. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fsutil.h"
#include "runtime/process_setup.h"

/* A cwd reached through a leaked fd or a /proc magic link (CVE-2024-21626) lies outside the
 * root: the kernel then reports it as "(unreachable)...", which glibc turns into ENOENT. */
OC_MUST_CHECK static int verify_cwd(struct oc_err *e) {
  _cleanup_free_ char *wd = getcwd(NULL, 0);
  if (!wd && errno == ENOENT)
    return oc_fail(e, EPERM,
                   "current working directory is outside of the container root -- possible container "
                   "breakout detected");
  if (!wd) return oc_fail_errno(e, "verify the current working directory (getcwd)");
  if (wd[0] != '/')
    return oc_fail(e, EPERM, "current working directory \"%s\" is not absolute -- possible container "
                             "breakout detected", wd);
  return 0;
}

int oc_process_chdir(const struct oc_process *p, struct oc_err *e) {
  if (p->cwd) {
    if (p->cwd[0] != '/')
      return oc_fail(e, EINVAL, "cwd (\"%s\") set in config.json must be an absolute path", p->cwd);
    /* A missing cwd is created, as runc does (the init's already is, before root.readonly).
     * After pivot_root "/" is the container's root: no component can lead outside it. */
    struct oc_err ignored; /* chdir below names the failure */
    if (chdir(p->cwd) < 0 && errno == ENOENT && oc_mkdir_p(p->cwd, 0755, &ignored) < 0) {}
    if (chdir(p->cwd) < 0) return oc_fail_errno(e, "chdir to cwd (\"%s\") set in config.json failed", p->cwd);
  }
  return verify_cwd(e);
}
