/* The last steps of a container process before execve: everything from process{} that is
 * applied to the calling process itself. Used by init (create) and by exec. */
#ifndef OCRUN_PROCESS_SETUP_H
#define OCRUN_PROCESS_SETUP_H
#include "oci/config.h"
#include "base/error.h"

/* Steps that need privilege and come before the user switch: rlimits, oomScoreAdj, scheduler,
 * ioPriority, personality, memoryPolicy, execCPUAffinity.initial, apparmor/selinux (error if asked for
 * and that LSM is not active). */
OC_MUST_CHECK int oc_process_apply_attrs(const struct oc_config *c, const struct oc_process *p, struct oc_err *e);
/* umask, setgroups/setgid/setuid (keeping caps), capabilities (all five sets, bounding dropped),
 * noNewPrivileges; verifies the ids after the switch. */
OC_MUST_CHECK int oc_process_apply_creds(const struct oc_process *p, struct oc_err *e);
/* chdir(cwd) and verify the result is inside the container root (no leaked-fd escape). */
OC_MUST_CHECK int oc_process_chdir(const struct oc_process *p, struct oc_err *e);
/* Resolve args[0] with PATH from p->env (inside the container, after pivot_root).
 * Errors use runc's texts: `exec: "x": executable file not found in $PATH`,
 * `exec: "/x": no such file or directory`, `exec: "/x": permission denied`. */
OC_MUST_CHECK int oc_process_find_executable(const struct oc_process *p, char **out, struct oc_err *e);
/* Close every fd above 2 + preserve_fds except keep (-1 = none); CLOEXEC the kept one. */
OC_MUST_CHECK int oc_close_fds(int preserve_fds, int keep, struct oc_err *e);

/* Add HOME from the container's /etc/passwd (or "/") when env has none. After pivot_root. */
OC_MUST_CHECK int oc_process_default_home(struct oc_process *p, struct oc_err *e);
/* First thing in create/run/exec: close every fd the caller left us above 2 + preserve_fds
 * (containerd leaks its socket as fd 3), so nothing of theirs can reach the container. */
OC_MUST_CHECK int oc_close_inherited_fds(int preserve_fds, struct oc_err *e);

#endif
