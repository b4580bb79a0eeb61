/* process.execCPUAffinity: cpu list strings ("0-3,7") applied with sched_setaffinity.
 * `initial` is applied by oc_process_apply_attrs (or by the parent on the child's pid, before the
 * process joins the container cgroup); `final` must be applied by the container process itself
 * after it joined the cgroup, right before execve. */
#ifndef OCRUN_PROCESS_AFFINITY_H
#define OCRUN_PROCESS_AFFINITY_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <sys/types.h>

#include "oci/config.h"
#include "base/error.h"

/* Parse a cpu list into a CPU_ALLOC'ed set (free with CPU_FREE); *setsize is its byte size.
 * `what` names the config key in errors. */
OC_MUST_CHECK int oc_cpu_list_parse(const char *list, const char *what, cpu_set_t **set, size_t *setsize,
                      struct oc_err *e);
/* Parse list and sched_setaffinity(pid, ...) (pid 0 = the caller). */
OC_MUST_CHECK int oc_cpu_affinity_apply(pid_t pid, const char *list, const char *what, struct oc_err *e);
/* execCPUAffinity.final, if set; a no-op otherwise. */
OC_MUST_CHECK int oc_process_apply_final_affinity(const struct oc_process *p, struct oc_err *e);

#endif
