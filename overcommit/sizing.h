/* A container's size (vCPUs, memory) from its config, and the policy's changes to the config:
 * cpu.weight = 100 × vCPUs, default memory limit, no silent swap, memory.oom.group. */
#ifndef OCRUN_SIZING_H
#define OCRUN_SIZING_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "overcommit/policy.h"
#include "oci/config.h"
#include "base/error.h"

/* Set by `--vcpus N` without a cap: the declared size, read before the cgroup settings. */
#define OC_ANNOT_VCPUS "io.github.ocrun.vcpus"
#define OC_ANNOT_OPT_OUT "io.github.ocrun.overcommit.opt-out"
#define OC_ANNOT_K8S_TYPE "io.kubernetes.cri.container-type"

enum {
  OC_SIZE_UNBOUNDED = 1u << 0,    /* no memory limit: charged nothing */
  OC_SIZE_ORCHESTRATED = 1u << 1, /* Kubernetes: the scheduler admitted it */
  OC_SIZE_OPT_OUT = 1u << 2,      /* opt-out annotation, allowed by the policy */
  OC_SIZE_NO_LIMIT = 1u << 3,     /* no memory limit under no_limit_policy reject (refused) */
  OC_SIZE_OPT_OUT_IGNORED = 1u << 4, /* opt-out asked for, policy does not allow it */
  OC_SIZE_AUTO_WEIGHT = 1u << 5,  /* weight set by ocrun from the vCPUs */
  OC_SIZE_NO_CGROUP = 1u << 6,    /* rootless without a cgroup: nothing is enforced */
};

/* Where the vCPU count came from, kept in bits 8-10 of oc_size.flags so that the ledger records
 * it and `capacity --explain` can say it (0: an entry written before the source was kept). */
enum oc_vcpu_source { OC_VCPUS_UNKNOWN, OC_VCPUS_ANNOTATION, OC_VCPUS_QUOTA, OC_VCPUS_CPUSET, OC_VCPUS_SHARES, OC_VCPUS_DEFAULT };
#define OC_SIZE_VCPUS_SHIFT 8
#define OC_SIZE_VCPUS_MASK (7u << OC_SIZE_VCPUS_SHIFT)

struct oc_size {
  double vcpus;
  int64_t memory_bytes;  /* -1: no limit */
  uint64_t weight;       /* cpu.weight in effect (v2 scale), 0 unknown */
  unsigned flags;        /* OC_SIZE_* */
};

/* What the ledger is asked to admit. The caller sets id, root (absolute state root) and
 * cgroup_path after oc_policy_apply filled size. */
struct oc_admission_request {
  const char *id, *root, *cgroup_path;
  struct oc_size size;
};

/* Nearest integer, halves away from zero, for |x| < 2^62 (no libm in the link). */
int64_t oc_sizing_round(double x);
/* Number of CPUs in a cpuset list ("0-3,8"); 0 if empty or malformed. */
unsigned oc_sizing_cpuset_count(const char *list);
/* vCPUs: quota/period, else cpuset count, else shares/1024, else default_vcpus; *src (may be
 * NULL) says which. */
double oc_sizing_vcpus(const struct oc_resources *r, double default_vcpus, enum oc_vcpu_source *src);
enum oc_vcpu_source oc_size_vcpu_source(const struct oc_size *s);
void oc_size_set_vcpu_source(struct oc_size *s, enum oc_vcpu_source src);
/* "cpu quota / period", "default_vcpus", ... */
const char *oc_vcpu_source_name(enum oc_vcpu_source src);
/* memory.limit in bytes, -1 when unset or unlimited. */
int64_t oc_sizing_memory(const struct oc_resources *r);
/* 100 × vCPUs, rounded, clamped to 1..10000. */
uint64_t oc_sizing_weight(double vcpus);
/* If r has no cpu.shares and no unified cpu.weight: cpu.weight = 100 × vCPUs via unified on a
 * unified host, cpu.shares = 1024 × vCPUs (2..262144) otherwise. Returns the weight in effect
 * (v2 scale) in *weight. */
OC_MUST_CHECK int oc_sizing_apply_weight(struct oc_resources *r, double vcpus, bool unified, uint64_t *weight,
                           struct oc_err *e);

/* `--vcpus N --memory SIZE --cpu-cap` of spec/create/run: vcpus <= 0 and memory_bytes <= 0 mean
 * "not given". vcpus records the annotation io.github.ocrun.vcpus; cpu_cap also sets
 * cpu.quota = vcpus × period (period 100000 unless set). */
OC_MUST_CHECK int oc_sizing_apply_flags(struct oc_config *c, double vcpus, int64_t memory_bytes, bool cpu_cap,
                          struct oc_err *e);
/* "512m", "4G", "1.5g", "2GiB", "1048576" (bytes) -> bytes. */
OC_MUST_CHECK int oc_sizing_parse_memory(const char *s, int64_t *out, struct oc_err *e);
/* "2", "0.5" -> vCPUs in (0, 10000]. */
OC_MUST_CHECK int oc_sizing_parse_vcpus(const char *s, double *out, struct oc_err *e);

/* Whether the policy changes and may refuse a container with these flags (mode not off, not opted
 * out, not a Kubernetes container under "orchestrated": "count"). */
bool oc_policy_governs(const struct oc_policy *p, unsigned flags);

/* What the host's cgroups offer (OC_HOST_*). */
enum { OC_HOST_UNIFIED = 1u << 0, OC_HOST_SWAP = 1u << 1 };
/* From oc_cg_mode() and the swap files of the memory controller. */
unsigned oc_sizing_host_cgroups(void);

/* Before the cgroup is created: size the container, apply the policy to c (weight, default
 * memory limit, swap = limit when swap is off, memory.oom.group on a unified host) and fill
 * out->size. Only containers the policy governs are changed: not in mode off, not opted out,
 * not Kubernetes containers under "orchestrated": "count". */
OC_MUST_CHECK int oc_policy_apply(const struct oc_policy *p, struct oc_config *c,
                    struct oc_admission_request *out, struct oc_err *e);
/* Rootless without a cgroup: no limit can be enforced, so c is left as it is and the container
 * is counted unbounded (memory charged 0) with its declared vCPUs, flagged OC_SIZE_NO_CGROUP;
 * under no_limit_policy reject it is refused like any container without a memory limit. */
void oc_policy_apply_no_cgroup(const struct oc_policy *p, const struct oc_config *c,
                               struct oc_admission_request *out);
/* The same with the host's cgroup facts given (OC_HOST_* bits; unit tests). */
OC_MUST_CHECK int oc_policy_apply_host(const struct oc_policy *p, struct oc_config *c, unsigned host,
                         struct oc_admission_request *out, struct oc_err *e);
/* update: the new size from the old one and the update's resources (fields not given keep their
 * value), and the same changes on upd (automatic weight when the vCPUs change, swap). */
OC_MUST_CHECK int oc_policy_apply_update(const struct oc_policy *p, const struct oc_size *old,
                           struct oc_resources *upd, unsigned host, struct oc_size *out,
                           struct oc_err *e);

#endif
