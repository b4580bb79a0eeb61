/* linux.resources.unified: raw cgroup v2 files, written after everything else so they win. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "cgroups/cg_internal.h"

int oc_cg_apply_unified(struct oc_cgroup *cg, const struct oc_kvv *u, struct oc_err *e) {
  if (!u || u->n == 0) return 0;
  if (cg->v2.fd < 0)
    return oc_fail(e, ENOTSUP,
                   "linux.resources.unified: needs cgroup v2, and this host has only v1 (legacy) cgroups");
  unsigned want = 0;
  for (size_t i = 0; i < u->n; i++) {
    if (oc_cg_unified_key_check(u->v[i].key, e) < 0) return -1;
    if (!u->v[i].value) return oc_fail(e, EINVAL, "linux.resources.unified: \"%s\": no value", u->v[i].key);
    want |= oc_ctl_from_name(u->v[i].key, strcspn(u->v[i].key, "."));
  }
  if (cg->mode == OC_CG_HYBRID && oc_cg_v2_enable(cg, want, e) < 0)
    return oc_wrap(e, -1, "linux.resources.unified");
  for (size_t i = 0; i < u->n; i++) {
    const char *key = u->v[i].key;
    int r = oc_cgf_write(&cg->v2, key, u->v[i].value, e);
    if (r == -ENOENT) {
      int n = (int)strcspn(key, ".");
      return oc_fail(e, ENOENT, "linux.resources.unified: \"%s\": no such file in %s (controller \"%.*s\" %s)",
                     key, cg->v2.dirpath, n, key,
                     cg->mode == OC_CG_HYBRID ? "is not in this hybrid host's unified hierarchy"
                                              : "is not available or not enabled");
    }
    if (r < 0) return oc_wrap(e, r, "linux.resources.unified");
  }
  return 0;
}
