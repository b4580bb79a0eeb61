/* The common last stretch of init and exec: credentials, seccomp, fds, execve. */
#ifndef OCRUN_PROCESS_EXEC_H
#define OCRUN_PROCESS_EXEC_H
#include "oci/config.h"
#include "runtime/seccomp.h"

/* Returns only on failure. keep_fd stays open (CLOEXEC) to report an execve failure. */
int oc_process_exec(const struct oc_process *p, const char *exe, struct oc_seccomp_filter *f,
                    int preserve_fds, int keep_fd, struct oc_err *e);

#endif
