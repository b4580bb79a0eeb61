/* The processes of a container that has no cgroup to list them (rootless without a delegated
 * cgroup): those in its init's pid namespace, or when it shares ours, the init's descendants. */
#ifndef OCRUN_PIDNS_PROCS_H
#define OCRUN_PIDNS_PROCS_H
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

/* Host pids, sorted, init included (nothing when init is gone); *pids is malloc'd. */
OC_MUST_CHECK int oc_pidns_procs(pid_t init, pid_t **pids, size_t *n, struct oc_err *e);

#endif
