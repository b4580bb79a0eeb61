/* The policy applied to one container: who it governs (Kubernetes containers, opt-outs), its
 * size (vCPUs from the annotation or the CPU limits, memory from the limit), and what it changes
 * in the config before the cgroup exists: CPU weight, the default memory limit, swap off,
 * memory.oom.group; for update, the same on the update's resources. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cgroup.h"
#include "overcommit/sizing.h"

#define MIB (INT64_C(1) << 20)

bool oc_policy_governs(const struct oc_policy *p, unsigned flags) {
  if (p->mode == OC_POLICY_OFF || (flags & OC_SIZE_OPT_OUT)) return false;
  return !((flags & OC_SIZE_ORCHESTRATED) && p->orchestrated == OC_ORCH_COUNT);
}

static unsigned classify(const struct oc_policy *p, const struct oc_config *c) {
  unsigned f = 0;
  if (oc_kvv_get(&c->annotations, OC_ANNOT_K8S_TYPE) || (c->cgroups_path && strstr(c->cgroups_path, "kubepods")))
    f |= OC_SIZE_ORCHESTRATED;
  const char *o = oc_kvv_get(&c->annotations, OC_ANNOT_OPT_OUT);
  if (o && strcmp(o, "true") == 0) f |= p->allow_opt_out ? OC_SIZE_OPT_OUT : OC_SIZE_OPT_OUT_IGNORED;
  return f;
}

static double declared_vcpus(const struct oc_config *c, double default_vcpus, enum oc_vcpu_source *src) {
  const char *a = oc_kvv_get(&c->annotations, OC_ANNOT_VCPUS);
  double d;
  struct oc_err e;
  if (a && oc_sizing_parse_vcpus(a, &d, &e) == 0) {
    *src = OC_VCPUS_ANNOTATION;
    return d;
  }
  return oc_sizing_vcpus(c->has_resources ? &c->resources : NULL, default_vcpus, src);
}

/* The weight a container gets when ocrun does not set one. */
static uint64_t weight_as_given(const struct oc_resources *r) {
  const char *uw = oc_kvv_get(&r->unified, "cpu.weight");
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
  enum oc_vcpu_source src;
  s->vcpus = declared_vcpus(c, p->default_vcpus, &src);
  oc_size_set_vcpu_source(s, src);
  s->memory_bytes = oc_sizing_memory(c->has_resources ? r : NULL);
  if (!gov) {
    s->weight = c->has_resources ? weight_as_given(r) : 100;
    if (s->memory_bytes < 0) no_limit(p, gov, r, s);
    return 0;
  }
  c->has_resources = true;
  if (s->memory_bytes < 0) no_limit(p, gov, r, s);
  no_swap(p, host, r);
  bool explicit_w = oc_kvv_get(&r->unified, "cpu.weight") || (r->cpu.shares.set && r->cpu.shares.v > 0);
  if (oc_sizing_apply_weight(r, s->vcpus, host & OC_HOST_UNIFIED, &s->weight, e) < 0) return -1;
  if (!explicit_w) s->flags |= OC_SIZE_AUTO_WEIGHT;
  /* Never silently ignored: v1 has no way to kill a cgroup's processes together. */
  if (p->oom_group && !(host & OC_HOST_UNIFIED))
    return oc_fail(e, ENOTSUP,
                   "policy %s: oom_group needs cgroup v2 (memory.oom.group); this host's memory controller is "
                   "cgroup v1: set \"oom_group\": false",
                   p->source);
  if (p->oom_group && (host & OC_HOST_UNIFIED) && !oc_kvv_get(&r->unified, "memory.oom.group") &&
      oc_kvv_set(&r->unified, "memory.oom.group", "1", e) < 0)
    return -1;
  return 0;
}

void oc_policy_apply_no_cgroup(const struct oc_policy *p, const struct oc_config *c,
                               struct oc_admission_request *out) {
  unsigned f = classify(p, c) | OC_SIZE_UNBOUNDED | OC_SIZE_NO_CGROUP;
  if (oc_policy_governs(p, f) && p->no_limit_policy == OC_NO_LIMIT_REJECT) f |= OC_SIZE_NO_LIMIT;
  enum oc_vcpu_source src;
  *out = (struct oc_admission_request){
      .size = {.vcpus = declared_vcpus(c, p->default_vcpus, &src), .memory_bytes = -1, .flags = f}};
  oc_size_set_vcpu_source(&out->size, src);
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
  if (sized) {
    enum oc_vcpu_source src;
    out->vcpus = oc_sizing_vcpus(upd, old->vcpus, &src);
    oc_size_set_vcpu_source(out, src);
  }
  if (upd->memory.limit.set) {
    out->memory_bytes = upd->memory.limit.v > 0 ? upd->memory.limit.v : -1;
    if (out->memory_bytes < 0) no_limit(p, gov, upd, out);
  } else if (old->memory_bytes < 0) {
    out->flags |= old->flags & (OC_SIZE_UNBOUNDED | OC_SIZE_NO_LIMIT);
  }
  if (!gov) return 0;
  no_swap(p, host, upd);
  bool explicit_w = oc_kvv_get(&upd->unified, "cpu.weight") || (upd->cpu.shares.set && upd->cpu.shares.v > 0);
  if (explicit_w) {
    out->flags &= ~OC_SIZE_AUTO_WEIGHT;
    return oc_sizing_apply_weight(upd, out->vcpus, host & OC_HOST_UNIFIED, &out->weight, e);
  }
  if ((old->flags & OC_SIZE_AUTO_WEIGHT) && out->vcpus != old->vcpus)
    return oc_sizing_apply_weight(upd, out->vcpus, host & OC_HOST_UNIFIED, &out->weight, e);
  return 0;
}
