/* Name tables for config.json values. */
#define _GNU_SOURCE
#include "oci/names.h"

#include <linux/capability.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <string.h>
#include <strings.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include "oci/config.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef SCHED_BATCH
#define SCHED_BATCH 3
#endif
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#define OC_SCHED_ISO 4 /* reserved by the kernel, named by the spec */

#define N(x) [x] = #x
static const char *const cap_names[] = {
  N(CAP_CHOWN), N(CAP_DAC_OVERRIDE), N(CAP_DAC_READ_SEARCH), N(CAP_FOWNER), N(CAP_FSETID),
  N(CAP_KILL), N(CAP_SETGID), N(CAP_SETUID), N(CAP_SETPCAP), N(CAP_LINUX_IMMUTABLE),
  N(CAP_NET_BIND_SERVICE), N(CAP_NET_BROADCAST), N(CAP_NET_ADMIN), N(CAP_NET_RAW),
  N(CAP_IPC_LOCK), N(CAP_IPC_OWNER), N(CAP_SYS_MODULE), N(CAP_SYS_RAWIO), N(CAP_SYS_CHROOT),
  N(CAP_SYS_PTRACE), N(CAP_SYS_PACCT), N(CAP_SYS_ADMIN), N(CAP_SYS_BOOT), N(CAP_SYS_NICE),
  N(CAP_SYS_RESOURCE), N(CAP_SYS_TIME), N(CAP_SYS_TTY_CONFIG), N(CAP_MKNOD), N(CAP_LEASE),
  N(CAP_AUDIT_WRITE), N(CAP_AUDIT_CONTROL), N(CAP_SETFCAP), N(CAP_MAC_OVERRIDE),
  N(CAP_MAC_ADMIN), N(CAP_SYSLOG), N(CAP_WAKE_ALARM), N(CAP_BLOCK_SUSPEND), N(CAP_AUDIT_READ),
  N(CAP_PERFMON), N(CAP_BPF), N(CAP_CHECKPOINT_RESTORE),
};
#define CAP_COUNT ((int)(sizeof cap_names / sizeof cap_names[0]))

static const char *const rlimit_names[RLIMIT_NLIMITS] = {
  N(RLIMIT_CPU), N(RLIMIT_FSIZE), N(RLIMIT_DATA), N(RLIMIT_STACK), N(RLIMIT_CORE),
  N(RLIMIT_RSS), N(RLIMIT_NPROC), N(RLIMIT_NOFILE), N(RLIMIT_MEMLOCK), N(RLIMIT_AS),
  N(RLIMIT_LOCKS), N(RLIMIT_SIGPENDING), N(RLIMIT_MSGQUEUE), N(RLIMIT_NICE), N(RLIMIT_RTPRIO),
  N(RLIMIT_RTTIME),
};

static const char *const sched_policy_names[] = {
  N(SCHED_OTHER), N(SCHED_FIFO), N(SCHED_RR), N(SCHED_BATCH), [OC_SCHED_ISO] = "SCHED_ISO",
  N(SCHED_IDLE), N(SCHED_DEADLINE),
};

/* Bit n of sched_attr.sched_flags (linux/sched.h SCHED_FLAG_*). */
static const char *const sched_flag_names[] = {
  "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
  "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
  "SCHED_FLAG_UTIL_CLAMP_MAX",
};

static const char *const ioprio_names[] = {
  N(IOPRIO_CLASS_RT), N(IOPRIO_CLASS_BE), N(IOPRIO_CLASS_IDLE),
};

/* Shared with seccomp and `features` (declared in runtime/seccomp.h), NULL-terminated. */
const char *const oc_seccomp_action_names[] = {
  [OC_SCMP_KILL] = "SCMP_ACT_KILL", [OC_SCMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
  [OC_SCMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD", [OC_SCMP_TRAP] = "SCMP_ACT_TRAP",
  [OC_SCMP_ERRNO] = "SCMP_ACT_ERRNO", [OC_SCMP_TRACE] = "SCMP_ACT_TRACE",
  [OC_SCMP_ALLOW] = "SCMP_ACT_ALLOW", [OC_SCMP_LOG] = "SCMP_ACT_LOG",
  [OC_SCMP_NOTIFY] = "SCMP_ACT_NOTIFY", [OC_SCMP_NOTIFY + 1] = NULL,
};

const char *const oc_seccomp_op_names[] = {
  [OC_SCMP_NE] = "SCMP_CMP_NE", [OC_SCMP_LT] = "SCMP_CMP_LT", [OC_SCMP_LE] = "SCMP_CMP_LE",
  [OC_SCMP_EQ] = "SCMP_CMP_EQ", [OC_SCMP_GE] = "SCMP_CMP_GE", [OC_SCMP_GT] = "SCMP_CMP_GT",
  [OC_SCMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ", [OC_SCMP_MASKED_EQ + 1] = NULL,
};

static const char *const ns_names[OC_NS_COUNT] = {
  [OC_NS_PID] = "pid", [OC_NS_NET] = "network", [OC_NS_MOUNT] = "mount", [OC_NS_IPC] = "ipc",
  [OC_NS_UTS] = "uts", [OC_NS_USER] = "user", [OC_NS_CGROUP] = "cgroup", [OC_NS_TIME] = "time",
};

static const int ns_flags[OC_NS_COUNT] = {
  [OC_NS_PID] = CLONE_NEWPID, [OC_NS_NET] = CLONE_NEWNET, [OC_NS_MOUNT] = CLONE_NEWNS,
  [OC_NS_IPC] = CLONE_NEWIPC, [OC_NS_UTS] = CLONE_NEWUTS, [OC_NS_USER] = CLONE_NEWUSER,
  [OC_NS_CGROUP] = CLONE_NEWCGROUP, [OC_NS_TIME] = CLONE_NEWTIME,
};

static const char *const hook_names[OC_HOOK_COUNT] = {
  [OC_HOOK_PRESTART] = "prestart", [OC_HOOK_CREATE_RUNTIME] = "createRuntime",
  [OC_HOOK_CREATE_CONTAINER] = "createContainer", [OC_HOOK_START_CONTAINER] = "startContainer",
  [OC_HOOK_POSTSTART] = "poststart", [OC_HOOK_POSTSTOP] = "poststop",
};

static const struct { const char *name; int64_t value; } personality_flags[] = {
  {"UNAME26", UNAME26}, {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE},
  {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS}, {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
  {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT}, {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC},
  {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT}, {"SHORT_INODE", SHORT_INODE},
  {"WHOLE_SECONDS", WHOLE_SECONDS}, {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},
  {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},
};
#undef N

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int find(const char *const *table, int n, const char *name) {
  if (!name) return -1;
  for (int i = 0; i < n; i++)
    if (table[i] && strcmp(table[i], name) == 0) return i;
  return -1;
}

static const char *at(const char *const *table, int n, int i) {
  return i >= 0 && i < n ? table[i] : NULL;
}

int oc_cap_from_name(const char *name) {
  if (!name) return -1;
  /* Be lenient about case and a missing "CAP_" prefix ("sys_admin"), as other tools are. */
  const char *bare = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
  for (int i = 0; i < CAP_COUNT; i++)
    if (cap_names[i] && strcasecmp(cap_names[i] + 4, bare) == 0) return i;
  return -1;
}
const char *oc_cap_name(int cap) { return at(cap_names, CAP_COUNT, cap); }
int oc_cap_last(void) { return CAP_COUNT - 1; }

int oc_rlimit_from_name(const char *name) { return find(rlimit_names, RLIMIT_NLIMITS, name); }
const char *oc_rlimit_name(int resource) { return at(rlimit_names, RLIMIT_NLIMITS, resource); }

const char *oc_ns_type_name(enum oc_ns_type t) { return at(ns_names, OC_NS_COUNT, (int)t); }
int oc_ns_type_from_name(const char *name) { return find(ns_names, OC_NS_COUNT, name); }
int oc_ns_clone_flag(enum oc_ns_type t) {
  return (int)t >= 0 && t < OC_NS_COUNT ? ns_flags[t] : 0;
}

const char *oc_hook_kind_name(enum oc_hook_kind k) { return at(hook_names, OC_HOOK_COUNT, (int)k); }
int oc_hook_kind_from_name(const char *name) { return find(hook_names, OC_HOOK_COUNT, name); }

int oc_sched_policy_from_name(const char *name) {
  return find(sched_policy_names, COUNT(sched_policy_names), name);
}
const char *oc_sched_policy_name(int policy) {
  return at(sched_policy_names, COUNT(sched_policy_names), policy);
}
int64_t oc_sched_flag_from_name(const char *name) {
  int bit = find(sched_flag_names, COUNT(sched_flag_names), name);
  return bit < 0 ? -1 : (int64_t)1 << bit;
}
const char *oc_sched_flag_name(int bit) {
  return at(sched_flag_names, COUNT(sched_flag_names), bit);
}

int oc_ioprio_class_from_name(const char *name) {
  return find(ioprio_names, COUNT(ioprio_names), name);
}
const char *oc_ioprio_class_name(int ioclass) {
  return at(ioprio_names, COUNT(ioprio_names), ioclass);
}

int oc_seccomp_action_from_name(const char *name) {
  return find(oc_seccomp_action_names, COUNT(oc_seccomp_action_names), name);
}
const char *oc_seccomp_action_name(int action) {
  return at(oc_seccomp_action_names, COUNT(oc_seccomp_action_names), action);
}
int oc_seccomp_op_from_name(const char *name) {
  return find(oc_seccomp_op_names, COUNT(oc_seccomp_op_names), name);
}
const char *oc_seccomp_op_name(int op) { return at(oc_seccomp_op_names, COUNT(oc_seccomp_op_names), op); }

int oc_personality_domain_from_name(const char *name) {
  if (!name) return -1;
  if (strcmp(name, "LINUX") == 0) return PER_LINUX;
  if (strcmp(name, "LINUX32") == 0) return PER_LINUX32;
  return -1;
}

int64_t oc_personality_flag_from_name(const char *name) {
  for (int i = 0; name && i < COUNT(personality_flags); i++)
    if (strcmp(personality_flags[i].name, name) == 0) return personality_flags[i].value;
  return -1;
}

/* The kernel's values (uapi linux/mempolicy.h), spelled out: Debian 12's headers predate
 * MPOL_PREFERRED_MANY and MPOL_WEIGHTED_INTERLEAVE. */
const char *const oc_mempolicy_mode_names[] = {
    "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE",
    "MPOL_LOCAL", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE", NULL,
};
const char *const oc_mempolicy_flag_names[] = {
    "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};
static const int64_t mempolicy_flag_values[] = {1 << 13, 1 << 14, 1 << 15};

int oc_mempolicy_mode_from_name(const char *name) {
  return find(oc_mempolicy_mode_names, COUNT(oc_mempolicy_mode_names) - 1, name);
}
const char *oc_mempolicy_mode_name(int mode) {
  return at(oc_mempolicy_mode_names, COUNT(oc_mempolicy_mode_names) - 1, mode);
}
int64_t oc_mempolicy_flag_from_name(const char *name) {
  int i = find(oc_mempolicy_flag_names, COUNT(oc_mempolicy_flag_names) - 1, name);
  return i < 0 ? -1 : mempolicy_flag_values[i];
}

const struct oc_namespace *oc_config_ns(const struct oc_config *c, enum oc_ns_type t) {
  for (size_t i = 0; i < c->n_namespaces && i < OC_NS_COUNT; i++)
    if (c->namespaces[i].type == t) return &c->namespaces[i];
  return NULL;
}

const char *const oc_seccomp_flag_names[] = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};
