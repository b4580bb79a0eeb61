/* Limits whose controller the host lacks are refused before anything is written, never dropped:
 * a container must not run unlimited because a hierarchy is missing. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "cgroups/cg_internal.h"

/* The limits the other controllers' code cannot leave unapplied silently (memory, cpu, pids and
 * blkio fail on their own files); 0 in classID means "not asked", as in runc. */
struct ctl_want {
  bool set;
  unsigned ctl;
  const char *key;
};
enum { N_WANTS = 4 };

static void wants(const struct oc_resources *r, struct ctl_want w[N_WANTS]) {
  w[0] = (struct ctl_want){r->n_hugepage_limits > 0, OC_CTL_HUGETLB, "hugepageLimits"};
  w[1] = (struct ctl_want){r->network.class_id.set && r->network.class_id.v != 0, OC_CTL_NET_CLS,
                           "network.classID"};
  w[2] = (struct ctl_want){r->network.n_priorities > 0, OC_CTL_NET_PRIO, "network.priorities"};
  w[3] = (struct ctl_want){r->n_rdma > 0, OC_CTL_RDMA, "rdma"};
}

unsigned oc_cg_controllers_wanted(const struct oc_resources *r) {
  if (!r) return 0;
  struct ctl_want w[N_WANTS];
  wants(r, w);
  unsigned m = 0;
  for (size_t i = 0; i < N_WANTS; i++)
    if (w[i].set) m |= w[i].ctl;
  return m;
}

int oc_cg_check_controllers(const struct oc_resources *r, unsigned mounted, unsigned usable, const char *dir,
                            struct oc_err *e) {
  if (!r) return 0;
  struct ctl_want w[N_WANTS];
  wants(r, w);
  for (size_t i = 0; i < N_WANTS; i++) {
    if (!w[i].set || (usable & w[i].ctl)) continue;
    const char *name = oc_ctl_v2_name(w[i].ctl);
    if (!(mounted & w[i].ctl))
      return oc_fail(e, ENOTSUP, "linux.resources.%s: the %s cgroup controller is not mounted on this host",
                     w[i].key, name);
    return oc_fail(e, ENOTSUP,
                   "linux.resources.%s: the %s cgroup controller is not enabled for %s (not in its "
                   "cgroup.controllers: the parent does not delegate it)",
                   w[i].key, name, dir);
  }
  return 0;
}
