#include "runtime/process_exec.h"

#include <sys/prctl.h>
#include <unistd.h>

#include "runtime/process_setup.h"

int oc_process_exec(const struct oc_process *p, const char *exe, struct oc_seccomp_filter *f,
                    int preserve_fds, int keep_fd, struct oc_err *e) {
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it before the capabilities
   * are dropped. With no_new_privs, load it as late as possible so it filters the least of ours. */
  bool early = f && !p->no_new_privileges;
  if (early && oc_seccomp_load(f, NULL, e) < 0) return -1;
  if (oc_process_apply_creds(p, e) < 0) return -1;
  if (f && !early && oc_seccomp_load(f, NULL, e) < 0) return -1;
  if (oc_close_fds(preserve_fds, keep_fd, e) < 0) return -1;
  static char *const empty_env[] = {NULL};
  execve(exe, p->args.v, p->env.n ? p->env.v : empty_env);
  return oc_fail_errno(e, "exec: \"%s\"", p->args.v[0]);
}
