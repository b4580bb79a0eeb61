/* A container's size from its config and the policy's changes to the config. */
#define _GNU_SOURCE
#include "overcommit/sizing.h"
#include "base/parse.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h> /* isfinite only: no libm in the link */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "cgroups/cgroup.h"

#define DEFAULT_PERIOD 100000
#define MIB (INT64_C(1) << 20)

int64_t oc_sizing_round(double x) {
  return x < 0 ? -(int64_t)(-x + 0.5) : (int64_t)(x + 0.5);
}

unsigned oc_sizing_cpuset_count(const char *list) {
  if (!list) return 0;
  unsigned n = 0;
  const char *p = list;
  while (*p) {
    while (*p == ' ' || *p == '\n') p++;
    if (!*p) break;
    if (!isdigit((unsigned char)*p)) return 0;
    char *end;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (*end == '-') {
      if (!isdigit((unsigned char)end[1])) return 0;
      b = strtoul(end + 1, &end, 10);
    }
    if (b < a || b - a > 65535) return 0;
    n += (unsigned)(b - a + 1);
    while (*end == ' ' || *end == '\n') end++;
    if (*end == ',') end++;
    else if (*end) return 0;
    p = end;
  }
  return n;
}

static double from(enum oc_vcpu_source *src, enum oc_vcpu_source which, double vcpus) {
  if (src) *src = which;
  return vcpus;
}

double oc_sizing_vcpus(const struct oc_resources *r, double default_vcpus, enum oc_vcpu_source *src) {
  if (!r) return from(src, OC_VCPUS_DEFAULT, default_vcpus);
  if (r->cpu.quota.set && r->cpu.quota.v > 0) {
    uint64_t period = r->cpu.period.set && r->cpu.period.v > 0 ? r->cpu.period.v : DEFAULT_PERIOD;
    return from(src, OC_VCPUS_QUOTA, (double)r->cpu.quota.v / (double)period);
  }
  unsigned n = oc_sizing_cpuset_count(r->cpu.cpus);
  if (n > 0) return from(src, OC_VCPUS_CPUSET, n);
  if (r->cpu.shares.set && r->cpu.shares.v > 0) return from(src, OC_VCPUS_SHARES, (double)r->cpu.shares.v / 1024.0);
  return from(src, OC_VCPUS_DEFAULT, default_vcpus);
}

enum oc_vcpu_source oc_size_vcpu_source(const struct oc_size *s) {
  unsigned v = (s->flags & OC_SIZE_VCPUS_MASK) >> OC_SIZE_VCPUS_SHIFT;
  return v <= OC_VCPUS_DEFAULT ? (enum oc_vcpu_source)v : OC_VCPUS_UNKNOWN;
}

void oc_size_set_vcpu_source(struct oc_size *s, enum oc_vcpu_source src) {
  s->flags = (s->flags & ~OC_SIZE_VCPUS_MASK) | ((unsigned)src << OC_SIZE_VCPUS_SHIFT);
}

const char *oc_vcpu_source_name(enum oc_vcpu_source src) {
  switch (src) {
    case OC_VCPUS_ANNOTATION: return "annotation " OC_ANNOT_VCPUS;
    case OC_VCPUS_QUOTA: return "cpu quota / period";
    case OC_VCPUS_CPUSET: return "cpuset CPU count";
    case OC_VCPUS_SHARES: return "cpu.shares / 1024";
    case OC_VCPUS_DEFAULT: return "default_vcpus (no CPU setting)";
    default: return "not recorded";
  }
}

int64_t oc_sizing_memory(const struct oc_resources *r) {
  if (!r || !r->memory.limit.set || r->memory.limit.v <= 0) return -1;
  return r->memory.limit.v;
}

uint64_t oc_sizing_weight(double vcpus) {
  double w = vcpus > 1e6 ? 1e6 : (double)oc_sizing_round(vcpus * 100.0);
  if (!(w >= 1)) return 1;
  if (w > 10000) return 10000;
  return (uint64_t)w;
}

int oc_sizing_apply_weight(struct oc_resources *r, double vcpus, bool unified, uint64_t *weight,
                           struct oc_err *e) {
  const char *uw = oc_kvv_get(&r->unified, "cpu.weight");
  if (uw) {
    char *end;
    unsigned long long w = strtoull(uw, &end, 10);
    *weight = (*end == '\0' || *end == '\n') ? w : 0;
    return 0;
  }
  if (r->cpu.shares.set && r->cpu.shares.v > 0) {
    *weight = oc_cg_shares_to_weight(r->cpu.shares.v);
    return 0;
  }
  uint64_t w = oc_sizing_weight(vcpus);
  if (unified) {
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, w);
    if (oc_kvv_set(&r->unified, "cpu.weight", buf, e) < 0) return -1;
  } else {
    /* v1 has no cpu.weight: shares on the same scale (1024 per vCPU) keep the proportion. */
    double s = (double)oc_sizing_round(vcpus * 1024.0);
    r->cpu.shares = (oc_u64){.set = true, .v = s < 2 ? 2 : s > 262144 ? 262144 : (uint64_t)s};
  }
  *weight = w;
  return 0;
}

int oc_sizing_apply_flags(struct oc_config *c, double vcpus, int64_t memory_bytes, bool cpu_cap,
                          struct oc_err *e) {
  if (cpu_cap && vcpus <= 0) return oc_fail(e, EINVAL, "--cpu-cap needs --vcpus");
  struct oc_resources *r = &c->resources;
  if (vcpus > 0) {
    char buf[32];
    snprintf(buf, sizeof buf, "%g", vcpus);
    if (oc_kvv_set(&c->annotations, OC_ANNOT_VCPUS, buf, e) < 0) return -1;
    if (cpu_cap) {
      uint64_t period = r->cpu.period.set && r->cpu.period.v > 0 ? r->cpu.period.v : DEFAULT_PERIOD;
      double q = (double)oc_sizing_round(vcpus * (double)period);
      if (q < 1000) return oc_fail(e, EINVAL, "--vcpus %g: a cap below 1000 us per period is too small", vcpus);
      r->cpu.period = (oc_u64){.set = true, .v = period};
      r->cpu.quota = (oc_i64){.set = true, .v = (int64_t)q};
      c->has_resources = true;
    }
  }
  if (memory_bytes > 0) {
    r->memory.limit = (oc_i64){.set = true, .v = memory_bytes};
    c->has_resources = true;
  }
  return 0;
}

int oc_sizing_parse_memory(const char *s, int64_t *out, struct oc_err *e) {
  int64_t v;
  if (oc_parse_size(s, &v) < 0 || v < 1 || v > (INT64_C(1) << 50))
    return oc_fail(e, EINVAL, "invalid memory size \"%s\" (a number with an optional k, m, g or t suffix)", s);
  *out = v;
  return 0;
}

int oc_sizing_parse_vcpus(const char *s, double *out, struct oc_err *e) {
  char *end;
  errno = 0;
  double d = strtod(s, &end);
  if (end == s || *end || errno || !isfinite(d) || d <= 0 || d > 10000)
    return oc_fail(e, EINVAL, "invalid vCPU count \"%s\" (a number above 0, at most 10000)", s);
  *out = d;
  return 0;
}

/* ---- the policy applied to a config ---- */

unsigned oc_sizing_host_cgroups(void) {
  if (oc_cg_mode() == OC_CG_UNIFIED) return OC_HOST_UNIFIED | OC_HOST_SWAP;
  /* v1 limits swap through memory+swap, which needs swap accounting in the kernel. */
  const struct oc_cg_layout *lay;
  struct oc_err e;
  if (oc_cg_layout(&lay, &e) < 0) return 0;
  for (size_t i = 0; i < lay->n_v1; i++) {
    if (!(lay->v1[i].mask & OC_CTL_MEMORY)) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/memory.memsw.limit_in_bytes", lay->v1[i].mount);
    return access(path, F_OK) == 0 ? OC_HOST_SWAP : 0;
  }
  return 0;
}
