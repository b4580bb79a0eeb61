/* Internals of the cgroups module: the host layout, the open cgroup, file helpers, conversions. */
#ifndef OCRUN_CG_INTERNAL_H
#define OCRUN_CG_INTERNAL_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroups/cgroup.h"

/* Controllers as bits; v1 "blkio" and v2 "io" share a bit. */
enum {
  OC_CTL_CPU = 1u << 0, OC_CTL_CPUACCT = 1u << 1, OC_CTL_CPUSET = 1u << 2,
  OC_CTL_MEMORY = 1u << 3, OC_CTL_DEVICES = 1u << 4, OC_CTL_FREEZER = 1u << 5,
  OC_CTL_IO = 1u << 6, OC_CTL_PIDS = 1u << 7, OC_CTL_HUGETLB = 1u << 8,
  OC_CTL_NET_CLS = 1u << 9, OC_CTL_NET_PRIO = 1u << 10, OC_CTL_RDMA = 1u << 11,
  OC_CTL_PERF_EVENT = 1u << 12, OC_CTL_MISC = 1u << 13,
};
/* "memory" -> OC_CTL_MEMORY ("blkio" and "io" both map to OC_CTL_IO); 0 if unknown. */
unsigned oc_ctl_from_name(const char *name, size_t len);
/* v2 name of one controller bit ("io" for OC_CTL_IO); NULL if none. */
const char *oc_ctl_v2_name(unsigned bit);
/* The controllers r's hugepageLimits, network.classID, network.priorities and rdma need (the
 * limits no other code would refuse on its own when their hierarchy is missing). */
unsigned oc_cg_controllers_wanted(const struct oc_resources *r);
/* Fails naming the first such config key whose controller is not in usable (the controllers the
 * container's cgroup has): "not mounted on this host" when mounted (the host's) lacks it too,
 * else "not enabled for dir". */
OC_MUST_CHECK int oc_cg_check_controllers(const struct oc_resources *r, unsigned mounted, unsigned usable,
                                          const char *dir, struct oc_err *e);

/* One mounted hierarchy of the host. */
struct oc_cg_hier {
  char *name;   /* v1: super options naming it ("cpu,cpuacct", "name=systemd"); v2: "unified" */
  char *mount;  /* mount point */
  unsigned mask;
};
struct oc_cg_layout {
  enum oc_cg_mode mode;
  struct oc_cg_hier unified;  /* mount == NULL on legacy hosts */
  struct oc_cg_hier *v1;      /* legacy and hybrid */
  size_t n_v1;
};
/* The host's hierarchies, discovered once (statfs + /proc/self/mountinfo). */
OC_MUST_CHECK int oc_cg_layout(const struct oc_cg_layout **out, struct oc_err *e);

/* Test hooks: pretend the cgroup filesystem lives at root with the given mode. In legacy and
 * hybrid mode every sub-directory of root is a v1 hierarchy named by its controllers
 * ("cpu,cpuacct", "memory", "name=systemd"); hybrid's unified hierarchy is root/unified.
 * self_cgroup replaces /proc/self/cgroup (may be NULL). root == NULL restores the real host. */
void oc_cg_set_root_for_tests(const char *root, enum oc_cg_mode mode);
void oc_cg_set_self_cgroup_for_tests(const char *self_cgroup_file);
const char *oc_cg_self_cgroup_file(void);
/* True while a test root that is not a cgroup2 mount is set: eBPF programs are built, not attached.
 * (A test may also point the v2 driver at a real cgroup2 mount, e.g. a hybrid host's unified one.) */
bool oc_cg_testing(void);

/* "/a/b": absolute, no empty, "." or ".." component, not the root itself. */
bool oc_cg_path_valid(const char *path);

/* The container's directory in one hierarchy. */
struct oc_cg_dir {
  const struct oc_cg_hier *h;
  char *dirpath;   /* mount + path, for messages only */
  int root_fd;     /* the hierarchy's root */
  int fd;          /* the container's cgroup, -1 if absent */
  int created_at;  /* index of the first path component this process created, -1 none */
};
struct oc_cgroup {
  enum oc_cg_mode mode;
  char *path;               /* "/a/b" */
  struct oc_cg_dir v2;      /* unified or hybrid's unified hierarchy; fd -1 if none */
  struct oc_cg_dir *v1;     /* legacy and hybrid */
  size_t n_v1;
  unsigned v2_enabled;      /* controllers known to be enabled for the v2 dir */
};

/* The v1 dir holding a controller, NULL if that controller is not mounted (or dir missing). */
const struct oc_cg_dir *oc_cg_v1_dir(const struct oc_cgroup *cg, unsigned ctl);
/* The unified dir (v2 or hybrid), NULL if none. */
const struct oc_cg_dir *oc_cg_v2_dir(const struct oc_cgroup *cg);

/* --- file helpers: every file is opened with openat() under the cgroup dir fd --- */
OC_MUST_CHECK int oc_cgf_write(const struct oc_cg_dir *d, const char *file, const char *val, struct oc_err *e);
OC_MUST_CHECK int oc_cgf_writef(const struct oc_cg_dir *d, const char *file, struct oc_err *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Open for several writes (each write() is one command to the kernel). */
OC_MUST_CHECK int oc_cgf_open_w(const struct oc_cg_dir *d, const char *file, struct oc_err *e);
OC_MUST_CHECK int oc_cgf_write_fd(int fd, const struct oc_cg_dir *d, const char *file, const char *val,
                    struct oc_err *e);
/* Read a whole file into a malloc'd NUL-terminated string. -ENOENT (quietly, e untouched) if absent. */
OC_MUST_CHECK int oc_cgf_read(const struct oc_cg_dir *d, const char *file, char **out, struct oc_err *e);
/* First line as a number; "max" -> UINT64_MAX. */
OC_MUST_CHECK int oc_cgf_read_u64(const struct oc_cg_dir *d, const char *file, uint64_t *out, struct oc_err *e);
bool oc_cgf_exists(const struct oc_cg_dir *d, const char *file);
/* "key value" lines: value of key in text, false if absent. */
bool oc_cg_kv_get(const char *text, const char *key, uint64_t *out);
/* Same for a file. 0 found, -ENOENT file or key absent. */
int oc_cgf_kv(const struct oc_cg_dir *d, const char *file, const char *key, uint64_t *out);

/* --- conversions (pure; unit tested) --- */
/* blkio weight 10..1000 -> io.weight 1..10000. */
uint64_t oc_cg_blkio_to_io_weight(uint64_t w);
/* OCI memory.swap (memory+swap) -> memory.swap.max. limit: the memory limit in effect (-1 none,
 * 0 unknown). *out: -1 "max", -2 "leave unset", else bytes. */
OC_MUST_CHECK int oc_cg_swap_v2(int64_t swap, int64_t limit, int64_t *out, struct oc_err *e);
/* A key of linux.resources.unified may name only a file in the cgroup's own directory. */
OC_MUST_CHECK int oc_cg_unified_key_check(const char *key, struct oc_err *e);
/* Write a resource's cgroup file; a failure names the config key ("linux.resources.<key>: ..."). */
OC_MUST_CHECK int oc_cg_put(const struct oc_cg_dir *d, const char *key, const char *file, const char *val,
                            struct oc_err *e);
OC_MUST_CHECK int oc_cg_put_i64(const struct oc_cg_dir *d, const char *key, const char *file, int64_t v,
                                struct oc_err *e);
OC_MUST_CHECK int oc_cg_put_u64(const struct oc_cg_dir *d, const char *key, const char *file, uint64_t v,
                                struct oc_err *e);
/* Hugepage size as used in file names ("2MB", "1GB"); rejects anything else. */
OC_MUST_CHECK int oc_cg_pagesize_check(const char *ps, struct oc_err *e);
/* Every hugepageLimits page size has its hugetlb.<size><suffix> file in d (suffix ".max" on v2,
 * ".limit_in_bytes" on v1); else fails naming the size and the sizes the host has. */
OC_MUST_CHECK int oc_cg_hugetlb_check_sizes(const struct oc_cg_dir *d, const char *suffix,
                                            const struct oc_resources *r, struct oc_err *e);
/* -1 / max -> "max", else the decimal number, into buf. */
void oc_cg_fmt_limit(char *buf, size_t len, int64_t v);

/* --- the object (handle.c) --- */
/* Allocate cg for path and prepare one dir per hierarchy (nothing opened below the roots). */
OC_MUST_CHECK int oc_cg_alloc(const char *path, struct oc_cgroup **out, struct oc_err *e);

/* --- drivers --- */
OC_MUST_CHECK int oc_cg_v2_mkdirs(struct oc_cgroup *cg, struct oc_err *e);
/* Enable the want bits (those available) in every parent's cgroup.subtree_control. */
OC_MUST_CHECK int oc_cg_v2_enable(struct oc_cgroup *cg, unsigned want, struct oc_err *e);
OC_MUST_CHECK int oc_cg_v1_mkdirs(struct oc_cgroup *cg, struct oc_err *e);
/* mkdir path below d->root_fd, keeping every created component; fills d->fd and d->created_at.
 * each_dir (may be NULL) is called with (parent fd, new dir fd) for every component. */
OC_MUST_CHECK int oc_cg_mkdir_path(struct oc_cg_dir *d, const char *path,
                     int (*each_dir)(const struct oc_cg_dir *d, int parent, int child, struct oc_err *e),
                     struct oc_err *e);
/* rmdir the leaf, and components created by this process when parents_too. */
/* A busy leaf (EBUSY) is tried again for wait_ms (0: once). */
OC_MUST_CHECK int oc_cg_rmdir(struct oc_cg_dir *d, const char *path, bool parents_too, int wait_ms, struct oc_err *e);

OC_MUST_CHECK int oc_cg_apply_v2(struct oc_cgroup *cg, const struct oc_resources *r, bool update, struct oc_err *e);
OC_MUST_CHECK int oc_cg_apply_v1(struct oc_cgroup *cg, const struct oc_resources *r, bool update, struct oc_err *e);
/* linux.resources.unified, written last (v2 and hybrid; clear error on a legacy host). */
OC_MUST_CHECK int oc_cg_apply_unified(struct oc_cgroup *cg, const struct oc_kvv *u, struct oc_err *e);
OC_MUST_CHECK int oc_cg_hugetlb_v2(const struct oc_cgroup *cg, const struct oc_resources *r,
                                   struct oc_err *e);
/* rdma.max (same format on v1 and v2), in d. */
OC_MUST_CHECK int oc_cg_rdma(const struct oc_cg_dir *d, const struct oc_resources *r, struct oc_err *e);

/* Device rules: the config's, then the defaults every container gets (null, zero, full, random,
 * urandom, tty, ptmx, pts, mknod of any). *out is malloc'd. */
OC_MUST_CHECK int oc_cg_device_rules(const struct oc_resources *r, struct oc_device_rule **out, size_t *n,
                       struct oc_err *e);
/* Access letters -> BPF_DEVCG_ACC_* bits ("" = all). */
unsigned oc_cg_dev_access_bits(const char *access);
OC_MUST_CHECK int oc_cg_devices_v1(const struct oc_cg_dir *d, const struct oc_device_rule *rules, size_t n,
                     struct oc_err *e);
/* Build the BPF_PROG_TYPE_CGROUP_DEVICE program (struct bpf_insn array, malloc'd). */
OC_MUST_CHECK int oc_cg_devices_bpf_build(const struct oc_device_rule *rules, size_t n, void **insns,
                            size_t *n_insns, struct oc_err *e);
/* Load the program and attach it to cgroup dir fd (BPF_F_ALLOW_MULTI), then detach older ones. */
OC_MUST_CHECK int oc_cg_devices_bpf_apply(int cg_fd, const char *what, const struct oc_device_rule *rules,
                            size_t n, struct oc_err *e);
/* Number of device programs attached to cg_fd (for tests), -errno on failure. */
int oc_cg_devices_bpf_count(int cg_fd);

OC_MUST_CHECK int oc_cg_v2_freeze(struct oc_cgroup *cg, bool frozen, struct oc_err *e);
OC_MUST_CHECK int oc_cg_v1_freeze(struct oc_cgroup *cg, bool frozen, struct oc_err *e);
/* Wait until no process is left (v2: cgroup.events populated 0; v1: cgroup.procs empty). */
OC_MUST_CHECK int oc_cg_wait_empty(const struct oc_cgroup *cg, int timeout_ms, struct oc_err *e);
/* pids listed in cgroup.procs of one dir, appended to *pids (deduplicated later). */
OC_MUST_CHECK int oc_cg_read_procs(const struct oc_cg_dir *d, pid_t **pids, size_t *n, size_t *cap,
                     struct oc_err *e);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t oc_cg_now_ms(void);

#endif
