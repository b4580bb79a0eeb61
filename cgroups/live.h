/* Live values of a container's cgroup that `capacity` shows next to the ledger: the CPU weight in
 * the host's own unit and the cgroup's pressure (PSI). Read-only. */
#ifndef OCRUN_CG_LIVE_H
#define OCRUN_CG_LIVE_H
#include <stdbool.h>
#include <stdint.h>

#include "base/psi.h"
#include "cgroups/cgroup.h"

/* The file that holds CPU weights on this host: "cpu.shares" where the cpu controller is a v1
 * hierarchy (legacy and hybrid hosts; default 1024), else "cpu.weight" (default 100). */
const char *oc_cg_weight_file(void);
/* The cgroup's weight from that file; false when it cannot be read. */
bool oc_cg_cpu_weight(const struct oc_cgroup *cg, uint64_t *out);
/* <res>.pressure of the cgroup's v2 directory (unified hosts, and a hybrid host's unified
 * hierarchy, which tracks pressure per cgroup too); false when there is none. */
bool oc_cg_pressure(const struct oc_cgroup *cg, int res, struct oc_psi *out);

#endif
