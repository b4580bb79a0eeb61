/* The container's init process between clone and execve of the user program. */
#ifndef OCRUN_INIT_H
#define OCRUN_INIT_H
#include <stdbool.h>

#include "oci/config.h"
#include "runtime/seccomp.h"

struct oc_cgroup;

struct oc_init_ctx {
  const struct oc_config *c;
  const struct oc_cgroup *cg; /* joined by the init itself in v1 hierarchies; NULL without one */
  const char *rootfs;         /* absolute host path */
  const char *id;
  int sync_fd;                /* to the runtime, until READY */
  int start_fd;               /* listening socket <state dir>/start.sock */
  int state_dir_fd;           /* O_PATH fd of the state dir, to unlink start.sock */
  int console_fd;             /* connected console socket, -1 without terminal */
  int ns_fds[OC_NS_COUNT];    /* namespaces joined by path */
  struct oc_seccomp_filter *seccomp;
  bool no_pivot, no_new_keyring;
  int preserve_fds;
};

/* Never returns: execs the user program or exits non-zero after reporting the error. */
__attribute__((noreturn)) void oc_init_run(struct oc_init_ctx *x);

#endif
