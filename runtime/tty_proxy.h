/* `run` and `exec` in the foreground with a terminal and no --console-socket: ocrun itself
 * receives the pty master and copies between it and its own stdio, as runc does. */
#ifndef OCRUN_TTY_PROXY_H
#define OCRUN_TTY_PROXY_H
#include <sys/types.h>

#include "base/error.h"

/* Receive the master from sock; with stdin a terminal, put it in raw mode and give the pty its
 * size (again on each SIGWINCH); copy until the pty closes or pid exits, forwarding signals to
 * pid meanwhile; restore the terminal. */
OC_MUST_CHECK int oc_tty_proxy_run(int sock, pid_t pid, struct oc_err *e);

#endif
