/* process.terminal: a pty from the container's devpts; the master goes to --console-socket
 * (SCM_RIGHTS), the peer becomes stdio and /dev/console (bound from the fd, not a path). */
#ifndef OCRUN_CONSOLE_H
#define OCRUN_CONSOLE_H
#include "oci/config.h"
#include "base/error.h"

/* Runs in init after pivot_root. socket_fd: connected console socket. */
OC_MUST_CHECK int oc_console_setup(int socket_fd, const struct oc_process *p, struct oc_err *e);
/* Same for `exec --tty`: the pty becomes stdio and goes to the socket, /dev/console is left alone. */
OC_MUST_CHECK int oc_console_setup_exec(int socket_fd, const struct oc_process *p, struct oc_err *e);

#endif
