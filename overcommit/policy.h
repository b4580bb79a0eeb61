/* The overcommit policy (/etc/ocrun/policy.json) and the host totals it is applied to.
 * capacity = (total − reserved) × allocation_ratio × (1 − HA reserve), per resource. */
#ifndef OCRUN_POLICY_H
#define OCRUN_POLICY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define OC_POLICY_DEFAULT_PATH "/etc/ocrun/policy.json"

enum oc_policy_mode { OC_POLICY_ENFORCE, OC_POLICY_WARN, OC_POLICY_OFF };
/* What a container that declares no memory limit gets. */
enum oc_no_limit { OC_NO_LIMIT_REJECT, OC_NO_LIMIT_DEFAULT, OC_NO_LIMIT_UNBOUNDED };
/* Kubernetes containers: counted only, or admitted like any other. */
enum oc_orchestrated { OC_ORCH_COUNT, OC_ORCH_ENFORCE };

struct oc_policy {
  char source[256];  /* file it came from, or "built-in defaults" */
  const char *preset; /* NULL or a preset name */
  enum oc_policy_mode mode;
  double cpu_allocation_ratio, ram_allocation_ratio;
  int64_t reserved_host_memory_mb;
  double reserved_host_cpus;
  /* HA reserve: a percentage, or host failures to survive among a cluster's hosts (0/0: none). */
  double ha_reserve_percent;
  uint32_t ha_host_failures, ha_cluster_size;
  enum oc_no_limit no_limit_policy;
  int64_t default_memory_limit_mb;
  double default_vcpus;
  bool swap_off;
  bool oom_group;
  enum oc_orchestrated orchestrated;
  bool allow_opt_out;
};

/* The host's totals: online CPUs and MemTotal in MB. */
struct oc_host {
  double cpus;
  int64_t memory_mb;
};

/* Built-in defaults: enforce, 16.0 / 1.0, 512 MB reserved, no HA reserve, a container without a
 * memory limit gets default_memory_limit_mb (1024: the smallest general-purpose flavour of the
 * large clouds), default_vcpus 1, swap off, orchestrated containers counted only. */
void oc_policy_defaults(struct oc_policy *p);
/* Apply a named preset (openstack-legacy, openstack, vm) over p. */
OC_MUST_CHECK int oc_policy_preset(const char *name, struct oc_policy *p, struct oc_err *e);
/* Parse policy JSON over the defaults; the preset (if any) first, then the file's other keys.
 * what names the source in errors ("policy /etc/ocrun/policy.json"). */
OC_MUST_CHECK int oc_policy_parse(const char *json, size_t len, const char *what, struct oc_policy *out,
                    struct oc_err *e);
/* Load the policy: path if given, else $OCRUN_POLICY, else /etc/ocrun/policy.json (defaults when
 * that file does not exist; a given path or $OCRUN_POLICY must exist). Checks it against the host. */
OC_MUST_CHECK int oc_policy_load(const char *path, struct oc_policy *out, struct oc_err *e);
/* A reserve must leave something of the host. */
OC_MUST_CHECK int oc_policy_check_host(const struct oc_policy *p, const struct oc_host *h, struct oc_err *e);
/* Fraction of capacity kept free for HA (0 .. <1). */
double oc_policy_ha_fraction(const struct oc_policy *p);
/* The effective policy as a JSON object (malloc'd, NULL + e on failure). */
OC_MUST_CHECK char *oc_policy_json(const struct oc_policy *p, struct oc_err *e);
const char *oc_policy_mode_name(enum oc_policy_mode m);
const char *oc_no_limit_name(enum oc_no_limit n);

/* Host totals from sysconf and /proc/meminfo. $OCRUN_HOST_CPUS and $OCRUN_HOST_MEMORY_MB replace
 * them (tests: a fake node of known size). */
OC_MUST_CHECK int oc_host_detect(struct oc_host *h, struct oc_err *e);

#endif
