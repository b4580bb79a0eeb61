#define _GNU_SOURCE
#include "runtime/process_lsm.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/procfs.h"

bool oc_apparmor_enabled(void) {
  _cleanup_fd_ int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  char c = 0;
  return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

bool oc_selinux_enabled(void) { return access("/sys/fs/selinux/enforce", F_OK) == 0; }

OC_MUST_CHECK static int apply_apparmor(const char *profile, struct oc_err *e) {
  if (!oc_apparmor_enabled())
    return oc_fail(e, EOPNOTSUPP,
                   "apparmor profile \"%s\" requested but AppArmor is not enabled on this host", profile);
  char buf[1024];
  int n = snprintf(buf, sizeof buf, "exec %s", profile);
  if (n < 0 || (size_t)n >= sizeof buf) return oc_fail(e, EINVAL, "apparmor profile \"%s\": too long", profile);
  /* The per-LSM directory exists since Linux 5.8; older kernels only have the shared file. */
  int r = oc_procfs_write("self/attr/apparmor/exec", buf, e);
  if (r < 0 && e->errnum == ENOENT) r = oc_procfs_write("self/attr/exec", buf, e);
  if (r < 0) return oc_wrap(e, r, "apply apparmor profile \"%s\"", profile);
  return 0;
}

OC_MUST_CHECK static int apply_selinux(const char *label, struct oc_err *e) {
  if (!oc_selinux_enabled())
    return oc_fail(e, EOPNOTSUPP, "selinux label \"%s\" requested but SELinux is not enabled on this host",
                   label);
  int r = oc_procfs_write("self/attr/exec", label, e);
  if (r < 0) return oc_wrap(e, r, "apply selinux label \"%s\"", label);
  return 0;
}

int oc_process_apply_lsm(const struct oc_process *p, struct oc_err *e) {
  int r;
  if (p->apparmor_profile && *p->apparmor_profile && (r = apply_apparmor(p->apparmor_profile, e)) < 0)
    return r;
  if (p->selinux_label && *p->selinux_label && (r = apply_selinux(p->selinux_label, e)) < 0) return r;
  return 0;
}
