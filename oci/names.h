/* Name <-> value tables for config.json beyond those declared in oci/config.h
 * (also listed by `features`). Lookups return -1 for an unknown name, NULL for an unknown value. */
#ifndef OCRUN_OCI_NAMES_H
#define OCRUN_OCI_NAMES_H
#include <stdint.h>

#include "oci/config.h"

int oc_sched_policy_from_name(const char *name);  /* "SCHED_FIFO" -> SCHED_FIFO */
const char *oc_sched_policy_name(int policy);
int64_t oc_sched_flag_from_name(const char *name); /* "SCHED_FLAG_RECLAIM" -> 0x02 */
const char *oc_sched_flag_name(int bit);           /* bit number 0.. */
int oc_ioprio_class_from_name(const char *name);  /* "IOPRIO_CLASS_BE" -> 2 */
const char *oc_ioprio_class_name(int ioclass);
int oc_seccomp_action_from_name(const char *name); /* "SCMP_ACT_ERRNO" -> OC_SCMP_ERRNO */
const char *oc_seccomp_action_name(int action);   /* 0 .. OC_SCMP_NOTIFY */
int oc_seccomp_op_from_name(const char *name);     /* "SCMP_CMP_EQ" -> OC_SCMP_EQ */
const char *oc_seccomp_op_name(int op);           /* 0 .. OC_SCMP_MASKED_EQ */
int oc_ns_type_from_name(const char *name);        /* "network" -> OC_NS_NET */
int oc_hook_kind_from_name(const char *name);      /* "poststop" -> OC_HOOK_POSTSTOP, -1 unknown */
int oc_personality_domain_from_name(const char *name); /* "LINUX32" -> PER_LINUX32 */
int64_t oc_personality_flag_from_name(const char *name); /* "ADDR_NO_RANDOMIZE" -> 0x0040000 */
int oc_mempolicy_mode_from_name(const char *name);     /* "MPOL_BIND" -> 2 */
const char *oc_mempolicy_mode_name(int mode);
int64_t oc_mempolicy_flag_from_name(const char *name); /* "MPOL_F_STATIC_NODES" -> 1 << 15 */

/* The seccomp names ocrun knows (`features` lists them). NULL-terminated. */
extern const char *const oc_seccomp_action_names[];
extern const char *const oc_seccomp_op_names[];
extern const char *const oc_seccomp_flag_names[]; /* linux.seccomp.flags */
extern const char *const oc_mempolicy_mode_names[];  /* linux.memoryPolicy.mode, by value */
extern const char *const oc_mempolicy_flag_names[];  /* linux.memoryPolicy.flags */

#endif
