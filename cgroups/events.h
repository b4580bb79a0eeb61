/* OOM notifications of a container's cgroup, for `ocrun events`: memory.events (poll) on v2,
 * an eventfd registered on memory.oom_control through cgroup.event_control on v1. */
#ifndef OCRUN_CG_EVENTS_H
#define OCRUN_CG_EVENTS_H
#include <stdbool.h>

#include "cgroups/cgroup.h"

struct oc_cg_oom_watch;
OC_MUST_CHECK int oc_cg_oom_watch_open(const struct oc_cgroup *cg, struct oc_cg_oom_watch **out, struct oc_err *e);
/* The fd to poll and the poll events that mean "something happened". */
int oc_cg_oom_watch_fd(const struct oc_cg_oom_watch *w, short *events);
/* OOM events since the last call (>= 0); *gone is set once the cgroup has been removed. */
OC_MUST_CHECK int oc_cg_oom_watch_read(struct oc_cg_oom_watch *w, bool *gone, struct oc_err *e);
void oc_cg_oom_watch_free(struct oc_cg_oom_watch *w);

#endif
