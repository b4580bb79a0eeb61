#define _GNU_SOURCE
#include "cgroups/live.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/cleanup.h"
#include "cgroups/cg_internal.h"

static bool cpu_is_v1(void) {
  const struct oc_cg_layout *l;
  struct oc_err e;
  if (oc_cg_layout(&l, &e) < 0) return oc_cg_mode() != OC_CG_UNIFIED;
  for (size_t i = 0; i < l->n_v1; i++)
    if (l->v1[i].mask & OC_CTL_CPU) return true;
  return false;
}

const char *oc_cg_weight_file(void) { return cpu_is_v1() ? "cpu.shares" : "cpu.weight"; }

bool oc_cg_cpu_weight(const struct oc_cgroup *cg, uint64_t *out) {
  struct oc_err e;
  const struct oc_cg_dir *d = cpu_is_v1() ? oc_cg_v1_dir(cg, OC_CTL_CPU) : oc_cg_v2_dir(cg);
  return d && oc_cgf_read_u64(d, oc_cg_weight_file(), out, &e) == 0;
}

bool oc_cg_pressure(const struct oc_cgroup *cg, int res, struct oc_psi *out) {
  *out = (struct oc_psi){0};
  const struct oc_cg_dir *d = oc_cg_v2_dir(cg);
  if (!d || res < 0 || res >= OC_PSI_COUNT) return false;
  char file[32];
  snprintf(file, sizeof file, "%s.pressure", oc_psi_names[res]);
  _cleanup_free_ char *text = NULL;
  struct oc_err e;
  if (oc_cgf_read(d, file, &text, &e) < 0) return false;
  return oc_psi_parse(text, out);
}
