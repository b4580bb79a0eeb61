#include "runtime/process_exec.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/log.h"
#include "runtime/process_affinity.h"
#include "runtime/process_setup.h"

int oc_process_prepare(const struct oc_config *c, struct oc_process *p, struct oc_seccomp_filter **seccomp,
                       int sync_fd, char **exe, struct oc_err *e) {
  if (oc_process_apply_attrs(c, p, e) < 0 || oc_process_chdir(p, e) < 0 || oc_process_default_home(p, e) < 0 ||
      oc_process_find_executable(p, exe, e) < 0)
    return -1;
  return oc_seccomp_listener_handover(seccomp, p->no_new_privileges, sync_fd, e);
}

int oc_process_exec(const struct oc_process *p, const char *exe, struct oc_seccomp_filter *f,
                    int preserve_fds, int keep_fd, struct oc_err *e) {
  /* Close our fds before the filter exists: a profile need not allow close_range (and denies
   * it with EPERM by default). Nothing below opens an fd that outlives its step, and keep_fd is
   * close-on-exec. */
  if (oc_close_fds(preserve_fds, keep_fd, e) < 0) return -1;
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it before the capabilities
   * are dropped. With no_new_privs, load it as late as possible so it filters the least of ours. */
  bool early = f && !p->no_new_privileges;
  if (early && oc_seccomp_load(f, NULL, e) < 0) return -1;
  if (oc_process_apply_creds(p, e) < 0) return -1;
  if (f && !early && oc_seccomp_load(f, NULL, e) < 0) return -1;
  if (oc_process_apply_final_affinity(p, e) < 0) return -1;
  oc_log_phase("seccomp", f ? "credentials set, seccomp filter loaded" : "credentials set, no seccomp filter");
  /* The last record: the log's fds are close-on-exec. */
  oc_log_phase("exec", "execve %s", exe);
  static char *const empty_env[] = {NULL};
  execve(exe, p->args.v, p->env.n ? p->env.v : empty_env);
  /* Lower case, as Go prints it: podman maps "permission denied" to 126, "no such file" to 127. */
  int err = errno;
  char reason[128];
  snprintf(reason, sizeof reason, "%s", strerror(err));
  for (char *c = reason; *c; c++) *c = (char)tolower((unsigned char)*c);
  return oc_fail(e, err, "exec: \"%s\": %s", p->args.v[0], reason);
}
