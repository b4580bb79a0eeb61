/* `exec`: a new process in a running container's namespaces and cgroup. */
#ifndef OCRUN_EXEC_H
#define OCRUN_EXEC_H
#include <stdbool.h>

#include "oci/config.h"
#include "runtime/globals.h"

struct oc_exec_opts {
  const char *id;
  struct oc_process *process;  /* complete: defaults already merged */
  const char *pid_file, *console_socket;
  bool detach, ignore_paused;
  bool relay_tty;  /* process.terminal without a console socket: ocrun relays the pty (tty_proxy.h) */
  int preserve_fds;
};

/* Returns 0 and the process' exit code in *exit_code (or 0 with detach). */
OC_MUST_CHECK int oc_container_exec(const struct oc_globals *g, const struct oc_exec_opts *o,
                      const struct oc_config *c, int *exit_code, struct oc_err *e);

#endif
