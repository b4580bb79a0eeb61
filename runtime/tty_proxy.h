/* `run` in the foreground with process.terminal and no --console-socket: ocrun itself receives
 * the pty master and copies between it and its own stdio, as runc does. */
#ifndef OCRUN_TTY_PROXY_H
#define OCRUN_TTY_PROXY_H
#include <sys/types.h>

#include "base/error.h"

/* Receive the master from sock, then copy until the pty closes; restores the terminal. */
OC_MUST_CHECK int oc_tty_proxy_run(int sock, struct oc_err *e);

#endif
