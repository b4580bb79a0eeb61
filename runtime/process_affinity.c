#define _GNU_SOURCE
#include "runtime/process_affinity.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "base/parse.h"

/* Far above any real machine; bounds the allocation a hostile config can cause. */
#define OC_MAX_CPU 65535

struct cpu_fill { long max; cpu_set_t *set; size_t size; };

static int cpu_max(long lo, long hi, void *ctx) {
  (void)lo;
  struct cpu_fill *f = ctx;
  if (hi > f->max) f->max = hi;
  return 0;
}

static int cpu_fill(long lo, long hi, void *ctx) {
  struct cpu_fill *f = ctx;
  for (long c = lo; c <= hi; c++) CPU_SET_S((size_t)c, f->size, f->set);
  return 0;
}

int oc_cpu_list_parse(const char *list, const char *what, cpu_set_t **set, size_t *setsize,
                      struct oc_err *e) {
  if (!list || !*list) return oc_fail(e, EINVAL, "%s: empty cpu list", what);
  /* First pass validates and finds the highest cpu, second fills the set. */
  struct cpu_fill f = {.max = -1};
  if (oc_parse_range_list(list, OC_MAX_CPU, cpu_max, &f) < 0)
    return oc_fail(e, EINVAL, "%s: invalid cpu list \"%s\"", what, list);
  f.set = CPU_ALLOC((int)f.max + 1);
  if (!f.set) return oc_fail_errno(e, "%s: allocate cpu set", what);
  f.size = CPU_ALLOC_SIZE((int)f.max + 1);
  CPU_ZERO_S(f.size, f.set);
  if (oc_parse_range_list(list, OC_MAX_CPU, cpu_fill, &f) < 0) {
    CPU_FREE(f.set);
    return oc_fail(e, EINVAL, "%s: invalid cpu list \"%s\"", what, list);
  }
  *set = f.set;
  *setsize = f.size;
  return 0;
}

int oc_cpu_affinity_apply(pid_t pid, const char *list, const char *what, struct oc_err *e) {
  cpu_set_t *set = NULL;
  size_t size = 0;
  int r = oc_cpu_list_parse(list, what, &set, &size, e);
  if (r < 0) return r;
  if (sched_setaffinity(pid, size, set) < 0) r = oc_fail_errno(e, "%s: sched_setaffinity(\"%s\")", what, list);
  CPU_FREE(set);
  return r;
}

int oc_process_apply_final_affinity(const struct oc_process *p, struct oc_err *e) {
  if (!p->exec_cpu_affinity_final) return 0;
  return oc_cpu_affinity_apply(0, p->exec_cpu_affinity_final, "process.execCPUAffinity.final", e);
}
