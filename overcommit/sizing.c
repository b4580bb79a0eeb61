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

double oc_sizing_vcpus(const struct oc_resources *r, double default_vcpus) {
  if (!r) return default_vcpus;
  if (r->cpu.quota.set && r->cpu.quota.v > 0) {
    uint64_t period = r->cpu.period.set && r->cpu.period.v > 0 ? r->cpu.period.v : DEFAULT_PERIOD;
    return (double)r->cpu.quota.v / (double)period;
  }
  unsigned n = oc_sizing_cpuset_count(r->cpu.cpus);
  if (n > 0) return n;
  if (r->cpu.shares.set && r->cpu.shares.v > 0) return (double)r->cpu.shares.v / 1024.0;
  return default_vcpus;
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

static const char *kv_get(const struct oc_kvv *kv, const char *key) {
  for (size_t i = 0; i < kv->n; i++)
    if (strcmp(kv->v[i].key, key) == 0) return kv->v[i].value;
  return NULL;
}

/* Add or replace key in kv. */
OC_MUST_CHECK static int kv_set(struct oc_kvv *kv, const char *key, const char *value, struct oc_err *e) {
  char *v = strdup(value);
  if (!v) return oc_fail(e, ENOMEM, "%s: out of memory", key);
  for (size_t i = 0; i < kv->n; i++)
    if (strcmp(kv->v[i].key, key) == 0) {
      free(kv->v[i].value);
      kv->v[i].value = v;
      return 0;
    }
  char *k = strdup(key);
  struct oc_kv *nv = k ? realloc(kv->v, (kv->n + 1) * sizeof *nv) : NULL;
  if (!nv) {
    free(k);
    free(v);
    return oc_fail(e, ENOMEM, "%s: out of memory", key);
  }
  nv[kv->n++] = (struct oc_kv){.key = k, .value = v};
  kv->v = nv;
  return 0;
}

int oc_sizing_apply_weight(struct oc_resources *r, double vcpus, bool unified, uint64_t *weight,
                           struct oc_err *e) {
  const char *uw = kv_get(&r->unified, "cpu.weight");
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
    if (kv_set(&r->unified, "cpu.weight", buf, e) < 0) return -1;
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
    if (kv_set(&c->annotations, OC_ANNOT_VCPUS, buf, e) < 0) return -1;
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

bool oc_policy_governs(const struct oc_policy *p, unsigned flags) {
  if (p->mode == OC_POLICY_OFF || (flags & OC_SIZE_OPT_OUT)) return false;
  return !((flags & OC_SIZE_ORCHESTRATED) && p->orchestrated == OC_ORCH_COUNT);
}

static unsigned classify(const struct oc_policy *p, const struct oc_config *c) {
  unsigned f = 0;
  if (kv_get(&c->annotations, OC_ANNOT_K8S_TYPE) || (c->cgroups_path && strstr(c->cgroups_path, "kubepods")))
    f |= OC_SIZE_ORCHESTRATED;
  const char *o = kv_get(&c->annotations, OC_ANNOT_OPT_OUT);
  if (o && strcmp(o, "true") == 0) f |= p->allow_opt_out ? OC_SIZE_OPT_OUT : OC_SIZE_OPT_OUT_IGNORED;
  return f;
}

static double declared_vcpus(const struct oc_config *c, double default_vcpus) {
  const char *a = kv_get(&c->annotations, OC_ANNOT_VCPUS);
  double d;
  struct oc_err e;
  if (a && oc_sizing_parse_vcpus(a, &d, &e) == 0) return d;
  return oc_sizing_vcpus(c->has_resources ? &c->resources : NULL, default_vcpus);
}

/* The weight a container gets when ocrun does not set one. */
static uint64_t weight_as_given(const struct oc_resources *r) {
  const char *uw = kv_get(&r->unified, "cpu.weight");
  if (uw) return strtoull(uw, NULL, 10);
  if (r->cpu.shares.set && r->cpu.shares.v > 0) return oc_cg_shares_to_weight(r->cpu.shares.v);
  return 100;
}

/* A no-limit container under the policy; may set the default limit in r. */
static void no_limit(const struct oc_policy *p, bool gov, struct oc_resources *r, struct oc_size *s) {
  if (!gov || p->no_limit_policy == OC_NO_LIMIT_UNBOUNDED) {
    s->flags |= OC_SIZE_UNBOUNDED;
  } else if (p->no_limit_policy == OC_NO_LIMIT_REJECT) {
    s->flags |= OC_SIZE_UNBOUNDED | OC_SIZE_NO_LIMIT;
  } else {
    r->memory.limit = (oc_i64){.set = true, .v = p->default_memory_limit_mb * MIB};
    s->memory_bytes = r->memory.limit.v;
  }
}

static void no_swap(const struct oc_policy *p, unsigned host, struct oc_resources *r) {
  if (p->swap_off && (host & OC_HOST_SWAP) && r->memory.limit.set && r->memory.limit.v > 0 &&
      !r->memory.swap.set)
    r->memory.swap = (oc_i64){.set = true, .v = r->memory.limit.v};
}

int oc_policy_apply_host(const struct oc_policy *p, struct oc_config *c, unsigned host,
                         struct oc_admission_request *out, struct oc_err *e) {
  *out = (struct oc_admission_request){.size = {.flags = classify(p, c)}};
  struct oc_size *s = &out->size;
  bool gov = oc_policy_governs(p, s->flags);
  struct oc_resources *r = &c->resources;
  s->vcpus = declared_vcpus(c, p->default_vcpus);
  s->memory_bytes = oc_sizing_memory(c->has_resources ? r : NULL);
  if (!gov) {
    s->weight = c->has_resources ? weight_as_given(r) : 100;
    if (s->memory_bytes < 0) no_limit(p, gov, r, s);
    return 0;
  }
  c->has_resources = true;
  if (s->memory_bytes < 0) no_limit(p, gov, r, s);
  no_swap(p, host, r);
  bool explicit_w = kv_get(&r->unified, "cpu.weight") || (r->cpu.shares.set && r->cpu.shares.v > 0);
  if (oc_sizing_apply_weight(r, s->vcpus, host & OC_HOST_UNIFIED, &s->weight, e) < 0) return -1;
  if (!explicit_w) s->flags |= OC_SIZE_AUTO_WEIGHT;
  if (p->oom_group && (host & OC_HOST_UNIFIED) && !kv_get(&r->unified, "memory.oom.group") &&
      kv_set(&r->unified, "memory.oom.group", "1", e) < 0)
    return -1;
  return 0;
}

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

int oc_policy_apply(const struct oc_policy *p, struct oc_config *c,
                    struct oc_admission_request *out, struct oc_err *e) {
  return oc_policy_apply_host(p, c, oc_sizing_host_cgroups(), out, e);
}

int oc_policy_apply_update(const struct oc_policy *p, const struct oc_size *old,
                           struct oc_resources *upd, unsigned host, struct oc_size *out,
                           struct oc_err *e) {
  *out = *old;
  out->flags &= ~(OC_SIZE_UNBOUNDED | OC_SIZE_NO_LIMIT);
  bool gov = oc_policy_governs(p, old->flags);
  bool sized = (upd->cpu.quota.set && upd->cpu.quota.v > 0) || oc_sizing_cpuset_count(upd->cpu.cpus) > 0 ||
               (upd->cpu.shares.set && upd->cpu.shares.v > 0);
  if (sized) out->vcpus = oc_sizing_vcpus(upd, old->vcpus);
  if (upd->memory.limit.set) {
    out->memory_bytes = upd->memory.limit.v > 0 ? upd->memory.limit.v : -1;
    if (out->memory_bytes < 0) no_limit(p, gov, upd, out);
  } else if (old->memory_bytes < 0) {
    out->flags |= old->flags & (OC_SIZE_UNBOUNDED | OC_SIZE_NO_LIMIT);
  }
  if (!gov) return 0;
  no_swap(p, host, upd);
  bool explicit_w = kv_get(&upd->unified, "cpu.weight") || (upd->cpu.shares.set && upd->cpu.shares.v > 0);
  if (explicit_w) {
    out->flags &= ~OC_SIZE_AUTO_WEIGHT;
    return oc_sizing_apply_weight(upd, out->vcpus, host & OC_HOST_UNIFIED, &out->weight, e);
  }
  if ((old->flags & OC_SIZE_AUTO_WEIGHT) && out->vcpus != old->vcpus)
    return oc_sizing_apply_weight(upd, out->vcpus, host & OC_HOST_UNIFIED, &out->weight, e);
  return 0;
}
