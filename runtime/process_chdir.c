/* oc_process_chdir: enter process.cwd and prove the result is inside the container root. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
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

/* A missing cwd is created (as runc does). This runs after pivot_root, so "/" is the container's
 * root and no component can lead outside it. */
static void make_cwd(const char *cwd) {
  char buf[PATH_MAX];
  if (snprintf(buf, sizeof buf, "%s", cwd) >= (int)sizeof buf) return;
  for (char *p = buf + 1;; p++) {
    if (*p != '/' && *p != '\0') continue;
    char c = *p;
    *p = '\0';
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) return;
    if (!(*p = c)) return;
  }
}

int oc_process_chdir(const struct oc_process *p, struct oc_err *e) {
  if (p->cwd) {
    if (p->cwd[0] != '/')
      return oc_fail(e, EINVAL, "cwd (\"%s\") set in config.json must be an absolute path", p->cwd);
    if (chdir(p->cwd) < 0 && errno == ENOENT) make_cwd(p->cwd);
    if (chdir(p->cwd) < 0) return oc_fail_errno(e, "chdir to cwd (\"%s\") set in config.json failed", p->cwd);
  }
  return verify_cwd(e);
}
