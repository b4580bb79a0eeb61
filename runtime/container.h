/* The lifecycle operations behind create, start, run and delete. */
#ifndef OCRUN_CONTAINER_H
#define OCRUN_CONTAINER_H
#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "runtime/globals.h"

struct oc_criu_opts;

struct oc_create_opts {
  const char *id;
  const char *bundle;          /* NULL: the current directory */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot, no_new_keyring;
  int preserve_fds;
  /* run in the foreground: a connected socket to use as console socket when the config asks for
   * a terminal and no --console-socket was given (-1: none). */
  int internal_console_fd;
  /* VM-style sizing flags (0/NULL: not given) and "would this fit?" without creating. */
  const char *vcpus, *memory;
  bool cpu_cap, dry_run;
  /* restore: CRIU brings the init back from these images instead of a clone (NULL: create). */
  const struct oc_criu_opts *restore;
};

/* Create the container and return once its init waits for `start`; *pid is its host pid. */
OC_MUST_CHECK int oc_container_create(const struct oc_globals *g, const struct oc_create_opts *o, pid_t *pid,
                        struct oc_err *e);
OC_MUST_CHECK int oc_container_start(const struct oc_globals *g, const char *id, struct oc_err *e);
/* force: kill what runs first; a missing container is then not an error. */
OC_MUST_CHECK int oc_container_delete(const struct oc_globals *g, const char *id, bool force, struct oc_err *e);

#endif
