#define _GNU_SOURCE
#include "runtime/process_affinity.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

/* Far above any real machine; bounds the allocation a hostile config can cause. */
#define OC_MAX_CPU 65535

static int parse_cpu(const char **s, long *out) {
  if (!isdigit((unsigned char)**s)) return -1;
  char *end;
  errno = 0;
  long v = strtol(*s, &end, 10);
  if (errno || v > OC_MAX_CPU) return -1;
  *s = end;
  *out = v;
  return 0;
}

int oc_cpu_list_parse(const char *list, const char *what, cpu_set_t **set, size_t *setsize,
                      struct oc_err *e) {
  if (!list || !*list) return oc_fail(e, EINVAL, "%s: empty cpu list", what);
  /* First pass validates and finds the highest cpu, second fills the set. */
  long max = -1;
  for (int pass = 0; pass < 2; pass++) {
    const char *s = list;
    for (;;) {
      long lo, hi;
      if (parse_cpu(&s, &lo) < 0) return oc_fail(e, EINVAL, "%s: invalid cpu list \"%s\"", what, list);
      hi = lo;
      if (*s == '-') {
        s++;
        if (parse_cpu(&s, &hi) < 0 || hi < lo)
          return oc_fail(e, EINVAL, "%s: invalid cpu list \"%s\"", what, list);
      }
      if (pass == 0) {
        if (hi > max) max = hi;
      } else {
        for (long c = lo; c <= hi; c++) CPU_SET_S((size_t)c, *setsize, *set);
      }
      if (*s == '\0') break;
      if (*s != ',') return oc_fail(e, EINVAL, "%s: invalid cpu list \"%s\"", what, list);
      s++;
    }
    if (pass == 0) {
      *set = CPU_ALLOC((int)max + 1);
      if (!*set) return oc_fail_errno(e, "%s: allocate cpu set", what);
      *setsize = CPU_ALLOC_SIZE((int)max + 1);
      CPU_ZERO_S(*setsize, *set);
    }
  }
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
