/* Rootless cgroups: the subtree of the unified hierarchy delegated to an unprivileged user.
 *
 * The kernel lets a user move a process between two cgroups only with write access to
 * cgroup.procs of their common ancestor, so a container's cgroup must lie in the subtree the
 * user owns *and* runs in: the delegation root is the topmost ancestor of this process's own
 * cgroup whose directory and cgroup.procs belong to the user (systemd's user@UID.service, or a
 * cgroup an administrator chowned as systemd's Delegate= does). v1 hierarchies are never
 * delegated in practice: a legacy or hybrid host gives a rootless container no cgroup. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"

/* dir (relative to the hierarchy root, "" for the root) and its cgroup.procs are uid's to write. */
static bool owned_by(int root_fd, const char *dir, uid_t uid) {
  if (!*dir) return false; /* the root cgroup is never delegated */
  char procs[4200];
  snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
  struct stat d, p;
  return fstatat(root_fd, dir, &d, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(d.st_mode) && d.st_uid == uid &&
         (d.st_mode & S_IWUSR) && fstatat(root_fd, procs, &p, AT_SYMLINK_NOFOLLOW) == 0 &&
         p.st_uid == uid && (p.st_mode & S_IWUSR);
}

/* This process's cgroup in the unified hierarchy ("a/b", no leading slash; "" = root). */
OC_MUST_CHECK static int own_unified(char *buf, size_t len, struct oc_err *e) {
  const char *file = oc_cg_self_cgroup_file();
  _cleanup_file_ FILE *f = fopen(file, "re");
  if (!f) return oc_fail_errno(e, "open %s", file);
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    if (strncmp(line, "0::", 3) != 0) continue;
    line[strcspn(line, "\n")] = '\0';
    const char *p = line + 3;
    while (*p == '/') p++;
    if (strlen(p) >= len) return oc_fail(e, ENAMETOOLONG, "%s: cgroup path too long", file);
    snprintf(buf, len, "%s", p);
    return 0;
  }
  return oc_fail(e, ENOENT, "%s: no \"0::\" line (no cgroup v2 hierarchy)", file);
}

int oc_cg_delegation_root(uid_t uid, char **out, struct oc_err *e) {
  *out = NULL;
  const struct oc_cg_layout *l;
  if (oc_cg_layout(&l, e) < 0) return -1;
  if (l->mode != OC_CG_UNIFIED) return 0;
  char own[4096];
  if (own_unified(own, sizeof own, e) < 0) return -1;
  _cleanup_fd_ int root_fd = open(l->unified.mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return oc_fail_errno(e, "open cgroup hierarchy %s", l->unified.mount);
  /* Walk up while the user owns the cgroup; the last one owned is the root of the delegation. */
  char cur[4096], best[4096] = "";
  snprintf(cur, sizeof cur, "%s", own);
  while (owned_by(root_fd, cur, uid)) {
    snprintf(best, sizeof best, "%s", cur);
    char *slash = strrchr(cur, '/');
    if (!slash) break;
    *slash = '\0';
  }
  if (!best[0]) return 0;
  if (asprintf(out, "/%s", best) < 0) {
    *out = NULL;
    return oc_fail(e, ENOMEM, "out of memory");
  }
  return 0;
}

int oc_cg_rootless_path(const char *path, bool relocate, char **out, char *why, size_t why_len, struct oc_err *e) {
  *out = NULL;
  why[0] = '\0';
  uid_t uid = geteuid();
  _cleanup_free_ char *root = NULL;
  if (oc_cg_delegation_root(uid, &root, e) < 0) return -1;
  if (!root) {
    snprintf(why, why_len, "%s",
             oc_cg_mode() == OC_CG_UNIFIED
                 ? "no cgroup of this process is delegated to this user (none owned, with its cgroup.procs)"
                 : "a cgroup v1 or hybrid host delegates no cgroup to an unprivileged user");
    return 0;
  }
  size_t rl = strlen(root);
  bool inside = strncmp(path, root, rl) == 0 && path[rl] == '/';
  if (!inside && !relocate) {
    snprintf(why, why_len, "cgroupsPath %s is outside the cgroup delegated to uid %u (%s)", path, (unsigned)uid, root);
    return 0;
  }
  /* The default /ocrun/<id> and systemd's slices go below the delegation root, as a user's
   * systemd nests them below user@UID.service. */
  if (asprintf(out, "%s%s", inside ? "" : root, path) < 0) {
    *out = NULL;
    return oc_fail(e, ENOMEM, "out of memory");
  }
  return 0;
}

const char *oc_cg_resources_need_cgroup(const struct oc_resources *r) {
  if (!r) return NULL;
  const struct {
    bool set;
    const char *key;
  } keys[] = {
      {r->memory.limit.set, "memory.limit"},
      {r->memory.reservation.set, "memory.reservation"},
      {r->memory.swap.set, "memory.swap"},
      {r->memory.kernel.set, "memory.kernel"},
      {r->memory.kernel_tcp.set, "memory.kernelTCP"},
      {r->memory.swappiness.set, "memory.swappiness"},
      {r->memory.disable_oom_killer.set, "memory.disableOOMKiller"},
      {r->cpu.shares.set, "cpu.shares"},
      {r->cpu.quota.set, "cpu.quota"},
      {r->cpu.period.set, "cpu.period"},
      {r->cpu.burst.set, "cpu.burst"},
      {r->cpu.realtime_runtime.set, "cpu.realtimeRuntime"},
      {r->cpu.realtime_period.set, "cpu.realtimePeriod"},
      {r->cpu.idle.set, "cpu.idle"},
      {r->cpu.cpus && r->cpu.cpus[0], "cpu.cpus"},
      {r->cpu.mems && r->cpu.mems[0], "cpu.mems"},
      {r->pids.limit.set, "pids.limit"},
      {r->block_io.weight.set, "blockIO.weight"},
      {r->block_io.leaf_weight.set, "blockIO.leafWeight"},
      {r->block_io.n_weight_devices > 0, "blockIO.weightDevice"},
      {r->block_io.read_bps.n > 0, "blockIO.throttleReadBpsDevice"},
      {r->block_io.write_bps.n > 0, "blockIO.throttleWriteBpsDevice"},
      {r->block_io.read_iops.n > 0, "blockIO.throttleReadIOPSDevice"},
      {r->block_io.write_iops.n > 0, "blockIO.throttleWriteIOPSDevice"},
      {r->n_hugepage_limits > 0, "hugepageLimits"},
      {r->network.class_id.set, "network.classID"},
      {r->network.n_priorities > 0, "network.priorities"},
      {r->n_rdma > 0, "rdma"},
      {r->unified.n > 0, "unified"},
  };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (keys[i].set) return keys[i].key;
  return NULL;
}
