/* ocrun's parent cgroup (/ocrun): containers without a cgroupsPath live below it, and its memory
 * limit is the node's memory capacity, so the kernel keeps their sum within capacity even when a
 * container declared no limit. */
#ifndef OCRUN_PARENT_CAP_H
#define OCRUN_PARENT_CAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overcommit/policy.h"
#include "base/error.h"

/* The parent of the default cgroup path "/ocrun/<id>". */
#define OC_CG_PARENT "/ocrun"

/* The parent's limit under policy p on host h, in bytes: the memory capacity
 * ((total − reserved) × ram ratio × (1 − HA), whole MB) in enforce mode; -1 (unlimited) in warn
 * and off modes, which do not refuse containers either. */
int64_t oc_cg_parent_cap_bytes(const struct oc_policy *p, const struct oc_host *h);

/* Set the memory limit of the parent cgroup path (created in the memory hierarchy if missing):
 * memory.max on unified hosts, memory.limit_in_bytes of the v1 memory hierarchy on legacy and
 * hybrid ones. bytes -1 is unlimited. Writes only when the current limit differs (*changed).
 * A v1 kernel that cannot lower the limit below the current usage (EBUSY) keeps the old one:
 * then 0 is returned and note (if given) says so. */
OC_MUST_CHECK int oc_cg_parent_cap_set(const char *parent, int64_t bytes, bool *changed, char *note, size_t note_len,
                         struct oc_err *e);

/* Both for OC_CG_PARENT under p (host totals detected as the ledger does). */
OC_MUST_CHECK int oc_cg_parent_cap_apply(const struct oc_policy *p, char *note, size_t note_len, struct oc_err *e);

#endif
