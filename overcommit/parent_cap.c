/* The memory cap of ocrun's parent cgroup: see parent_cap.h. */
#define _GNU_SOURCE
#include "overcommit/parent_cap.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "overcommit/ledger.h"
#include "base/cleanup.h"

#define MIB (INT64_C(1) << 20)
/* v1 reports "unlimited" as a huge page-aligned number, v2 as "max". */
#define UNLIMITED_FLOOR (UINT64_C(1) << 62)

int64_t oc_cg_parent_cap_bytes(const struct oc_policy *p, const struct oc_host *h) {
  if (p->mode != OC_POLICY_ENFORCE) return -1;
  struct oc_capacity cap[OC_RES_COUNT];
  oc_capacity_compute(p, h, NULL, cap);
  double mb = cap[OC_RES_MEMORY_MB].capacity;
  if (mb < 1) mb = 1; /* a capacity of nothing still needs a valid limit */
  if (mb > (double)(INT64_C(1) << 40)) return -1;
  return (int64_t)mb * MIB;
}

/* The hierarchy holding the memory controller, NULL if none is mounted. */
static const struct oc_cg_hier *memory_hier(const struct oc_cg_layout *l) {
  if (l->mode == OC_CG_UNIFIED) return l->unified.mount ? &l->unified : NULL;
  for (size_t i = 0; i < l->n_v1; i++)
    if (l->v1[i].mask & OC_CTL_MEMORY) return &l->v1[i];
  return NULL;
}

int oc_cg_parent_cap_set(const char *parent, int64_t bytes, bool *changed, char *note, size_t note_len,
                         struct oc_err *e) {
  *changed = false;
  if (note && note_len) note[0] = '\0';
  const struct oc_cg_layout *l;
  if (oc_cg_layout(&l, e) < 0) return -1;
  const struct oc_cg_hier *h = memory_hier(l);
  if (!h) return 0; /* no memory controller: nothing can enforce a cap */
  char dirpath[4200];
  snprintf(dirpath, sizeof dirpath, "%s%s", h->mount, parent);
  _cleanup_fd_ int root_fd = open(h->mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return oc_fail_errno(e, "open cgroup hierarchy %s", h->mount);
  struct oc_cg_dir d = {.h = h, .dirpath = dirpath, .root_fd = root_fd, .fd = -1, .created_at = -1};
  if (oc_cg_mkdir_path(&d, parent, NULL, e) < 0) return -1;
  _cleanup_fd_ int dir_fd = d.fd;
  bool unified = l->mode == OC_CG_UNIFIED;
  if (unified) {
    /* memory.max appears in the parent once its own parents delegate the controller */
    struct oc_cgroup cg = {.mode = l->mode, .path = (char *)parent, .v2 = d};
    if (oc_cg_v2_enable(&cg, OC_CTL_MEMORY, e) < 0) return -1;
  }
  const char *file = unified ? "memory.max" : "memory.limit_in_bytes";
  uint64_t cur;
  if (oc_cgf_read_u64(&d, file, &cur, e) < 0) return -1;
  bool cur_unlimited = cur >= UNLIMITED_FLOOR;
  if (bytes < 0 ? cur_unlimited : (!cur_unlimited && cur == (uint64_t)bytes)) return 0;
  char val[32];
  if (bytes < 0) snprintf(val, sizeof val, "%s", unified ? "max" : "-1");
  else snprintf(val, sizeof val, "%" PRId64, bytes);
  if (oc_cgf_write(&d, file, val, e) < 0) {
    if (unified || e->errnum != EBUSY) return -1;
    if (note && note_len)
      snprintf(note, note_len, "%s/%s: kept at %" PRIu64 ": the containers below use more than %s bytes",
               dirpath, file, cur, val);
    return 0;
  }
  *changed = true;
  return 0;
}

int oc_cg_parent_cap_apply(const struct oc_policy *p, char *note, size_t note_len, struct oc_err *e) {
  struct oc_host h;
  if (oc_host_detect(&h, e) < 0) return -1;
  bool changed;
  return oc_cg_parent_cap_set(OC_CG_PARENT, oc_cg_parent_cap_bytes(p, &h), &changed, note, note_len, e);
}
