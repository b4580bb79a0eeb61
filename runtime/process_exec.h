/* The common last stretch of init and exec: credentials, seccomp, fds, execve. */
#ifndef OCRUN_PROCESS_EXEC_H
#define OCRUN_PROCESS_EXEC_H
#include "oci/config.h"
#include "runtime/seccomp.h"

/* The steps init and exec both take once the process stands in the container (after
 * pivot_root, or after joining the namespaces): process{} attributes, cwd, a default HOME, the
 * executable (*exe), and with a notify seccomp filter its early load and listener handover over
 * sync_fd. */
OC_MUST_CHECK int oc_process_prepare(const struct oc_config *c, struct oc_process *p,
                                     struct oc_seccomp_filter **seccomp, int sync_fd, char **exe,
                                     struct oc_err *e);
/* Returns only on failure. keep_fd stays open (CLOEXEC) to report an execve failure. */
OC_MUST_CHECK int oc_process_exec(const struct oc_process *p, const char *exe, struct oc_seccomp_filter *f,
                    int preserve_fds, int keep_fd, struct oc_err *e);

#endif
