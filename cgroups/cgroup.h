/* The container's cgroup on unified (v2), legacy (v1) and hybrid hosts.
 * Files are written through directory fds of the container's cgroup, never re-built path strings. */
#ifndef OCRUN_CGROUP_H
#define OCRUN_CGROUP_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "oci/config.h"
#include "base/error.h"

enum oc_cg_mode { OC_CG_UNIFIED, OC_CG_LEGACY, OC_CG_HYBRID };
/* Detected once per process (statfs of /sys/fs/cgroup and /sys/fs/cgroup/unified). */
enum oc_cg_mode oc_cg_mode(void);

struct oc_cgroup;  /* opaque: path + dir fds per hierarchy */

/* cgroupsPath -> path relative to the hierarchy root ("/a/b"):
 * absolute stays, relative goes under ocrun's own cgroup, NULL/empty -> "/ocrun/<id>",
 * systemd form "slice:prefix:name" (systemd == true) expanded as systemd nests slices. */
OC_MUST_CHECK int oc_cg_resolve_path(const char *cgroups_path, const char *id, bool systemd, char **out,
                       struct oc_err *e);
/* Rootless (cgroups/delegation.c): the topmost ancestor of this process's unified cgroup that uid
 * owns together with its cgroup.procs ("/a/b"), or *out NULL when there is none (always on a
 * legacy or hybrid host). */
OC_MUST_CHECK int oc_cg_delegation_root(uid_t uid, char **out, struct oc_err *e);
/* Rootless: the cgroup a container of the euid may use for the resolved path. A path inside the
 * delegated subtree stays; with relocate (no cgroupsPath, or systemd's form) it goes below the
 * delegation root; otherwise, or without a delegation, *out is NULL and why says why. */
OC_MUST_CHECK int oc_cg_rootless_path(const char *path, bool relocate, char **out, char *why, size_t why_len,
                                      struct oc_err *e);
/* The first key of r that only a cgroup can enforce ("linux.resources.memory.limit"), NULL if
 * none. Device rules do not count: without a cgroup the user namespace alone limits devices. */
const char *oc_cg_resources_need_cgroup(const struct oc_resources *r);
/* mkdir the cgroup in every hierarchy (enabling controllers on v2), apply r (may be NULL). */
OC_MUST_CHECK int oc_cg_create(const char *path, const struct oc_resources *r, struct oc_cgroup **out,
                 struct oc_err *e);
/* Open an existing cgroup (kill --all, delete, ps, update, pause, events). ENOENT if gone. */
OC_MUST_CHECK int oc_cg_open(const char *path, struct oc_cgroup **out, struct oc_err *e);
/* Dir fd usable with clone3(CLONE_INTO_CGROUP): the unified hierarchy's (unified and hybrid
 * hosts; on hybrid it places the child in the unified hierarchy only); -1 otherwise. */
int oc_cg_clone_fd(const struct oc_cgroup *cg);
/* Write pid to cgroup.procs in every hierarchy (skip the unified one when into_done: placed
 * there by CLONE_INTO_CGROUP). */
OC_MUST_CHECK int oc_cg_enter(const struct oc_cgroup *cg, pid_t pid, bool into_done, struct oc_err *e);
/* The unified hierarchy's part of oc_cg_enter alone (nothing when into_done or none). */
OC_MUST_CHECK int oc_cg_enter_unified(const struct oc_cgroup *cg, pid_t pid, bool into_done,
                                      struct oc_err *e);
/* The v1 hierarchies' part, done by the (single-threaded) process that joins: "0" to tasks.
 * A write to cgroup.procs, or of another pid, takes the kernel's global threadgroup lock, whose
 * first writer waits for an RCU grace period (8-20 ms per start on a busy host); moving the
 * calling thread itself does not take it. */
OC_MUST_CHECK int oc_cg_enter_self_v1(const struct oc_cgroup *cg, struct oc_err *e);
/* All pids in the cgroup (malloc'd array). */
OC_MUST_CHECK int oc_cg_pids(const struct oc_cgroup *cg, pid_t **pids, size_t *n, struct oc_err *e);
/* Send sig to every process in the cgroup. */
OC_MUST_CHECK int oc_cg_signal_all(const struct oc_cgroup *cg, int sig, struct oc_err *e);
/* Kill what is left (cgroup.kill on v2), wait until empty, rmdir in every hierarchy. */
OC_MUST_CHECK int oc_cg_destroy(struct oc_cgroup *cg, struct oc_err *e);
/* Apply resources to a live cgroup (update); r's unset fields stay as they are. */
OC_MUST_CHECK int oc_cg_update(struct oc_cgroup *cg, const struct oc_resources *r, struct oc_err *e);
/* Freeze/thaw, waiting until the kernel reports the new state. */
OC_MUST_CHECK int oc_cg_freeze(struct oc_cgroup *cg, bool frozen, struct oc_err *e);
bool oc_cg_is_frozen(const struct oc_cgroup *cg);
/* One runc-shaped stats record ({"type":"stats","id":..,"data":{cpu,memory,pids,blkio,hugetlb}}). */
OC_MUST_CHECK int oc_cg_stats_json(const struct oc_cgroup *cg, const char *id, char **out, struct oc_err *e);
const char *oc_cg_path(const struct oc_cgroup *cg);
/* cpu.shares -> cpu.weight, current rule (runc >= 1.3.2): 0 -> 0 (unset), <= 2 -> 1, >= 262144 -> 10000. */
uint64_t oc_cg_shares_to_weight(uint64_t shares);
void oc_cg_free(struct oc_cgroup *cg);
static inline void oc_cg_freep(struct oc_cgroup **cg) {
  if (*cg) oc_cg_free(*cg);
}
#define _cleanup_cgroup_ __attribute__((cleanup(oc_cg_freep)))

#endif
