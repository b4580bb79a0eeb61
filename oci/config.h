/* In-memory form of an OCI runtime-spec config.json (1.0.0 .. 1.3.x).
 * Parsed once by oci/config.c (yajl tree); every later stage reads only this. */
#ifndef OCRUN_OCI_CONFIG_H
#define OCRUN_OCI_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

/* The runtime-spec version ocrun implements: `spec` writes it, `state` and the seccomp state
 * fall back to it, `features` and --version report it. */
#define OC_SPEC_VERSION "1.3.0"

typedef struct { bool set; int64_t v; } oc_i64;
typedef struct { bool set; uint64_t v; } oc_u64;
typedef struct { bool set; bool v; } oc_bool;

struct oc_strv { char **v; size_t n; };                 /* NULL-terminated v[n] == NULL */
struct oc_kv { char *key; char *value; };
struct oc_kvv { struct oc_kv *v; size_t n; };

struct oc_id_map { uint32_t container_id, host_id, size; };
struct oc_id_maps { struct oc_id_map *v; size_t n; };

struct oc_mount {
  char *destination;
  char *type;          /* may be NULL (bind mounts) */
  char *source;        /* may be NULL */
  struct oc_strv options;
  struct oc_id_maps uid_mappings, gid_mappings;  /* idmapped mounts */
};

struct oc_rlimit { int resource; /* RLIMIT_* */ uint64_t hard, soft; };

/* Capability sets as bitmasks of CAP_* numbers (bit n = capability n). */
struct oc_caps {
  bool set;  /* process.capabilities present */
  uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oc_user {
  uint32_t uid, gid;
  oc_u64 umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username;
};

struct oc_scheduler {
  bool set;
  int policy;  /* SCHED_* */
  int32_t nice, priority;
  uint32_t flags; /* SCHED_FLAG_* bitmask */
  uint64_t runtime, deadline, period;
};

struct oc_io_priority { bool set; int ioclass; /* IOPRIO_CLASS_* */ int priority; };

struct oc_process {
  bool terminal;
  oc_u64 console_height, console_width;
  struct oc_user user;
  struct oc_strv args;
  char *command_line;  /* Windows only; kept for round trip */
  struct oc_strv env;
  char *cwd;
  struct oc_caps caps;
  struct oc_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  oc_i64 oom_score_adj;
  char *apparmor_profile;
  char *selinux_label;
  struct oc_scheduler scheduler;
  struct oc_io_priority io_priority;
  char *exec_cpu_affinity_initial, *exec_cpu_affinity_final; /* cpu list strings "0-3,5" */
};

enum oc_ns_type { OC_NS_PID, OC_NS_NET, OC_NS_MOUNT, OC_NS_IPC, OC_NS_UTS, OC_NS_USER, OC_NS_CGROUP,
                  OC_NS_TIME, OC_NS_COUNT };
struct oc_namespace { enum oc_ns_type type; char *path; /* NULL: new namespace */ };

enum oc_hook_kind { OC_HOOK_PRESTART, OC_HOOK_CREATE_RUNTIME, OC_HOOK_CREATE_CONTAINER,
                    OC_HOOK_START_CONTAINER, OC_HOOK_POSTSTART, OC_HOOK_POSTSTOP, OC_HOOK_COUNT };
struct oc_hook {
  char *path;
  struct oc_strv args, env;
  oc_i64 timeout;  /* seconds, > 0 */
};
struct oc_hooks { struct oc_hook *v; size_t n; };

/* linux.devices: device nodes created in the container */
struct oc_device {
  char type;  /* 'c', 'b', 'u', 'p' */
  char *path;
  int64_t major, minor;
  oc_u64 file_mode, uid, gid;
};

/* linux.resources.devices: cgroup device rules */
struct oc_device_rule {
  bool allow;
  char type;  /* 'a', 'c', 'b' (0 = unset = 'a') */
  oc_i64 major, minor;  /* unset = wildcard */
  char access[4];       /* subset of "rwm", "" = all */
};

struct oc_weight_device { int64_t major, minor; oc_u64 weight, leaf_weight; };
struct oc_throttle_device { int64_t major, minor; uint64_t rate; };
struct oc_throttles { struct oc_throttle_device *v; size_t n; };
struct oc_hugepage_limit { char *page_size; uint64_t limit; };
struct oc_net_priority { char *name; uint32_t priority; };
struct oc_rdma { char *device; oc_u64 hca_handles, hca_objects; };

struct oc_resources {
  struct oc_device_rule *devices;
  size_t n_devices;
  struct {
    oc_i64 limit, reservation, swap, kernel, kernel_tcp;
    oc_u64 swappiness;
    oc_bool disable_oom_killer, use_hierarchy, check_before_update;
  } memory;
  struct {
    oc_u64 shares, period, realtime_period, burst;
    oc_i64 quota, realtime_runtime, idle;
    char *cpus, *mems;
  } cpu;
  struct { oc_i64 limit; } pids;
  struct {
    oc_u64 weight, leaf_weight;
    struct oc_weight_device *weight_devices;
    size_t n_weight_devices;
    struct oc_throttles read_bps, write_bps, read_iops, write_iops;
  } block_io;
  struct oc_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  struct {
    oc_u64 class_id;
    struct oc_net_priority *priorities;
    size_t n_priorities;
  } network;
  struct oc_rdma *rdma;
  size_t n_rdma;
  struct oc_kvv unified;
};

enum oc_seccomp_action { OC_SCMP_KILL, OC_SCMP_KILL_PROCESS, OC_SCMP_KILL_THREAD, OC_SCMP_TRAP,
                         OC_SCMP_ERRNO, OC_SCMP_TRACE, OC_SCMP_ALLOW, OC_SCMP_LOG, OC_SCMP_NOTIFY };
enum oc_seccomp_op { OC_SCMP_NE, OC_SCMP_LT, OC_SCMP_LE, OC_SCMP_EQ, OC_SCMP_GE, OC_SCMP_GT,
                     OC_SCMP_MASKED_EQ };
struct oc_seccomp_arg { uint32_t index; uint64_t value, value_two; enum oc_seccomp_op op; };
struct oc_seccomp_rule {
  struct oc_strv names;
  enum oc_seccomp_action action;
  oc_u64 errno_ret;
  struct oc_seccomp_arg *args;
  size_t n_args;
};
struct oc_seccomp {
  bool set;
  enum oc_seccomp_action default_action;
  oc_u64 default_errno_ret;
  struct oc_strv architectures;  /* as in the spec: "SCMP_ARCH_X86_64" */
  struct oc_strv flags;          /* "SECCOMP_FILTER_FLAG_LOG", ... */
  char *listener_path, *listener_metadata;
  struct oc_seccomp_rule *syscalls;
  size_t n_syscalls;
};

struct oc_time_offset { int clock; /* CLOCK_MONOTONIC / CLOCK_BOOTTIME */ int64_t secs; uint32_t nanosecs; };

struct oc_intel_rdt { char *clos_id; };

/* linux.netDevices: a host network device moved into the container's network namespace, under
 * `name` (NULL: the same name; may be a kernel template such as "eth%d"). */
struct oc_net_device { char *host_name, *name; };

/* linux.memoryPolicy: set_mempolicy(2) for every process of the container. Nodes up to
 * OC_MEMPOLICY_MAX_NODE (the kernel's largest MAX_NUMNODES, NODES_SHIFT 10). */
#define OC_MEMPOLICY_MAX_NODE 1023
struct oc_memory_policy {
  bool set;
  int mode;        /* MPOL_* */
  unsigned flags;  /* MPOL_F_* mode flags, or'ed into mode for the syscall */
  char *nodes;     /* as written, for messages */
  unsigned long nodemask[(OC_MEMPOLICY_MAX_NODE + 1) / (8 * sizeof(unsigned long))];
};

struct oc_config {
  char *oci_version;
  char *hostname, *domainname;
  struct { char *path; bool readonly; } root;
  struct oc_process process;  /* process.args.n == 0 means no process (allowed only for hooks-only use) */
  bool has_process;
  struct oc_mount *mounts;
  size_t n_mounts;
  struct oc_hooks hooks[OC_HOOK_COUNT];
  struct oc_kvv annotations;

  /* linux */
  struct oc_namespace namespaces[OC_NS_COUNT];
  size_t n_namespaces;
  struct oc_id_maps uid_mappings, gid_mappings;
  struct oc_time_offset time_offsets[2];
  size_t n_time_offsets;
  struct oc_device *devices;
  size_t n_devices;
  char *cgroups_path;
  struct oc_resources resources;
  bool has_resources;
  char *rootfs_propagation;  /* NULL = default (rslave, as runc) */
  struct oc_strv masked_paths, readonly_paths;
  char *mount_label;
  struct oc_kvv sysctl;
  struct oc_seccomp seccomp;
  oc_i64 personality_domain; /* PER_LINUX / PER_LINUX32 */
  oc_u64 personality_flags;
  struct oc_intel_rdt intel_rdt;
  struct oc_memory_policy memory_policy;
  struct oc_net_device *net_devices;
  size_t n_net_devices;
};

/* Parse config.json text. Errors name the config key, e.g. "process.args: must be an array of strings". */
OC_MUST_CHECK int oc_config_parse(const char *json, size_t len, struct oc_config **out, struct oc_err *e);
/* Read and parse a file (a bundle's config.json). */
OC_MUST_CHECK int oc_config_load(const char *path, struct oc_config **out, struct oc_err *e);
void oc_config_free(struct oc_config *c);
/* The value of key in kv (annotations, unified), NULL if absent. */
const char *oc_kvv_get(const struct oc_kvv *kv, const char *key);
/* Add key, or replace its value. */
OC_MUST_CHECK int oc_kvv_set(struct oc_kvv *kv, const char *key, const char *value, struct oc_err *e);
static inline void oc_config_freep(struct oc_config **c) {
  if (*c) oc_config_free(*c);
}
#define _cleanup_config_ __attribute__((cleanup(oc_config_freep)))

/* Parse a process object (exec --process FILE). */
OC_MUST_CHECK int oc_process_parse(const char *json, size_t len, struct oc_process *out, struct oc_err *e);
void oc_process_release(struct oc_process *p);

/* Parse a LinuxResources object (update --resources). */
OC_MUST_CHECK int oc_resources_parse(const char *json, size_t len, struct oc_resources *out, struct oc_err *e);
void oc_resources_release(struct oc_resources *r);

/* Lookup helpers for names used in config.json (also used by `features` and the CLI). */
int oc_cap_from_name(const char *name);          /* "CAP_SYS_ADMIN" -> 21, -1 unknown */
const char *oc_cap_name(int cap);                /* NULL if unknown */
int oc_cap_last(void);                           /* highest capability number known */
int oc_rlimit_from_name(const char *name);       /* "RLIMIT_NOFILE" -> 7, -1 unknown */
const char *oc_rlimit_name(int resource);
const char *oc_ns_type_name(enum oc_ns_type t);  /* "pid", "network", ... */
int oc_ns_clone_flag(enum oc_ns_type t);         /* CLONE_NEWPID, ... */
const char *oc_hook_kind_name(enum oc_hook_kind k); /* "prestart", "createRuntime", ... */
const struct oc_namespace *oc_config_ns(const struct oc_config *c, enum oc_ns_type t);

#endif
