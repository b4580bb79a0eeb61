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

/* What `capacity` shows of the cgroup at path, read straight from the few files that hold it
 * (one open each, relative to hierarchy roots opened once per process: no cgroup object, no
 * stats record), so a node of 500 containers is sampled in milliseconds. Each bool says
 * whether its value could be read. The pressure of cpu alone unless all_psi. */
struct oc_cg_live {
  bool cpu, thr, mem, oom, weight;
  uint64_t cpu_ns, nr_throttled, mem_bytes, oom_kills, weight_value;
  struct oc_psi psi[OC_PSI_COUNT];
};
void oc_cg_live_read(const char *path, bool all_psi, struct oc_cg_live *out);
/* Open the hierarchy roots and learn the layout now: after this, oc_cg_live_read and
 * oc_cg_live_cpu may be called from several threads at once. */
void oc_cg_live_prepare(void);
/* The CPU counter alone (ns), for a rate over a short window. */
bool oc_cg_live_cpu(const char *path, uint64_t *cpu_ns);

#endif
