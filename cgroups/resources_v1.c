/* linux.resources -> cgroup v1 files (legacy and hybrid hosts). Unset fields are left alone.
 * On hybrid hosts, what v1 lacks but the unified hierarchy offers (hugetlb here) goes there. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"

OC_MUST_CHECK static const struct oc_cg_dir *need(const struct oc_cgroup *cg, unsigned ctl, const char *ctl_name,
                                    const char *key, struct oc_err *e) {
  const struct oc_cg_dir *d = oc_cg_v1_dir(cg, ctl);
  if (!d) oc_fail(e, ENOTSUP, "linux.resources.%s: the %s cgroup hierarchy is not mounted", key, ctl_name);
  return d;
}

OC_MUST_CHECK static int memory_limits(const struct oc_cg_dir *d, const struct oc_resources *r, bool update,
                         struct oc_err *e) {
  int64_t limit = r->memory.limit.set ? r->memory.limit.v : 0;
  int64_t swap = r->memory.swap.set ? r->memory.swap.v : 0;
  if (limit == -1 && swap == 0) swap = -1; /* unlimited memory takes swap with it */
  if (limit < -1 || swap < -1)
    return oc_fail(e, EINVAL, "linux.resources.memory: invalid limit %" PRId64 " / swap %" PRId64, limit, swap);
  if (limit > 0 && swap > 0 && swap < limit)
    return oc_fail(e, EINVAL,
                   "linux.resources.memory.swap (%" PRId64 ") must be >= memory.limit (%" PRId64 "): it counts memory+swap",
                   swap, limit);
  if (update && limit > 0 && r->memory.check_before_update.set && r->memory.check_before_update.v) {
    uint64_t usage;
    if (oc_cgf_read_u64(d, "memory.usage_in_bytes", &usage, e) < 0) return -1;
    if ((uint64_t)limit < usage)
      return oc_fail(e, EBUSY,
                     "linux.resources.memory.limit: %" PRId64 " is below the current usage %" PRIu64
                     " (checkBeforeUpdate)", limit, usage);
  }
  bool has_memsw = oc_cgf_exists(d, "memory.memsw.limit_in_bytes");
  if (swap != 0 && !has_memsw && swap != -1)
    return oc_fail(e, ENOTSUP, "linux.resources.memory.swap: %s has no memory.memsw.limit_in_bytes "
                   "(swap accounting is off)", d->dirpath);
  bool write_swap = swap != 0 && has_memsw;
  /* the kernel wants limit <= memsw at every step: raise memsw first when growing */
  bool swap_first = false;
  if (limit != 0 && write_swap) {
    uint64_t cur;
    if (oc_cgf_read_u64(d, "memory.limit_in_bytes", &cur, e) < 0) return -1;
    swap_first = swap == -1 || (uint64_t)limit > cur;
  }
  if (swap_first && oc_cg_put_i64(d, "memory.swap", "memory.memsw.limit_in_bytes", swap, e) < 0) return -1;
  if (limit != 0 && oc_cg_put_i64(d, "memory.limit", "memory.limit_in_bytes", limit, e) < 0) return -1;
  if (write_swap && !swap_first && oc_cg_put_i64(d, "memory.swap", "memory.memsw.limit_in_bytes", swap, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int memory_v1(const struct oc_cgroup *cg, const struct oc_resources *r, bool update,
                     struct oc_err *e) {
  bool any = (r->memory.limit.set && r->memory.limit.v) || (r->memory.swap.set && r->memory.swap.v) ||
             (r->memory.reservation.set && r->memory.reservation.v) || r->memory.swappiness.set ||
             (r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v) ||
             r->memory.kernel_tcp.set;
  if (!any) return 0;
  const struct oc_cg_dir *d = need(cg, OC_CTL_MEMORY, "memory", "memory", e);
  if (!d) return -1;
  if (memory_limits(d, r, update, e) < 0) return -1;
  if (r->memory.reservation.set && r->memory.reservation.v &&
      oc_cg_put_i64(d, "memory.reservation", "memory.soft_limit_in_bytes", r->memory.reservation.v, e) < 0)
    return -1;
  if (r->memory.swappiness.set && r->memory.swappiness.v != UINT64_MAX) {
    if (r->memory.swappiness.v > 100)
      return oc_fail(e, EINVAL, "linux.resources.memory.swappiness: %" PRIu64 " is not in 0..100",
                     r->memory.swappiness.v);
    if (oc_cg_put_i64(d, "memory.swappiness", "memory.swappiness", (int64_t)r->memory.swappiness.v, e) < 0) return -1;
  }
  if (r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v &&
      oc_cg_put(d, "memory.disableOOMKiller", "memory.oom_control", "1", e) < 0)
    return -1;
  /* kernel (kmem) limits are obsolete and refused by current kernels: ignored, as runc does */
  if (r->memory.kernel_tcp.set &&
      oc_cg_put_i64(d, "memory.kernelTCP", "memory.kmem.tcp.limit_in_bytes", r->memory.kernel_tcp.v, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int cpu_v1(const struct oc_cgroup *cg, const struct oc_resources *r, struct oc_err *e) {
  bool shares = r->cpu.shares.set && r->cpu.shares.v, quota = r->cpu.quota.set && r->cpu.quota.v,
       period = r->cpu.period.set && r->cpu.period.v, rt_p = r->cpu.realtime_period.set && r->cpu.realtime_period.v,
       rt_r = r->cpu.realtime_runtime.set && r->cpu.realtime_runtime.v;
  if (shares || quota || period || rt_p || rt_r || r->cpu.burst.set || r->cpu.idle.set) {
    const struct oc_cg_dir *d = need(cg, OC_CTL_CPU, "cpu", "cpu", e);
    if (!d) return -1;
    if (shares && oc_cg_put_i64(d, "cpu.shares", "cpu.shares", (int64_t)r->cpu.shares.v, e) < 0) return -1;
    int64_t q = quota ? (r->cpu.quota.v < 0 ? -1 : r->cpu.quota.v) : 0;
    if (period) {
      char buf[32];
      snprintf(buf, sizeof buf, "%" PRIu64, r->cpu.period.v);
      /* a shorter period may be refused while the old quota is larger: then quota first */
      if (oc_cgf_write(d, "cpu.cfs_period_us", buf, e) < 0) {
        if (!quota || e->errnum != EINVAL) return oc_wrap(e, -1, "linux.resources.cpu.period");
        if (oc_cg_put_i64(d, "cpu.quota", "cpu.cfs_quota_us", q, e) < 0) return -1;
        quota = false;
        if (oc_cg_put(d, "cpu.period", "cpu.cfs_period_us", buf, e) < 0) return -1;
      }
    }
    if (quota && oc_cg_put_i64(d, "cpu.quota", "cpu.cfs_quota_us", q, e) < 0) return -1;
    if (r->cpu.burst.set && oc_cg_put_i64(d, "cpu.burst", "cpu.cfs_burst_us", (int64_t)r->cpu.burst.v, e) < 0)
      return -1;
    if (rt_p && oc_cg_put_i64(d, "cpu.realtimePeriod", "cpu.rt_period_us", (int64_t)r->cpu.realtime_period.v, e) < 0)
      return -1;
    if (rt_r && oc_cg_put_i64(d, "cpu.realtimeRuntime", "cpu.rt_runtime_us", r->cpu.realtime_runtime.v, e) < 0)
      return -1;
    if (r->cpu.idle.set && oc_cg_put_i64(d, "cpu.idle", "cpu.idle", r->cpu.idle.v, e) < 0) return -1;
  }
  bool cpus = r->cpu.cpus && *r->cpu.cpus, mems = r->cpu.mems && *r->cpu.mems;
  if (cpus || mems) {
    const struct oc_cg_dir *d = need(cg, OC_CTL_CPUSET, "cpuset", "cpu.cpus", e);
    if (!d) return -1;
    if (cpus && oc_cg_put(d, "cpu.cpus", "cpuset.cpus", r->cpu.cpus, e) < 0) return -1;
    if (mems && oc_cg_put(d, "cpu.mems", "cpuset.mems", r->cpu.mems, e) < 0) return -1;
  }
  return 0;
}

OC_MUST_CHECK static int blkio_v1(const struct oc_cgroup *cg, const struct oc_resources *r, struct oc_err *e) {
  const struct oc_throttles *t[] = {&r->block_io.read_bps, &r->block_io.write_bps,
                                    &r->block_io.read_iops, &r->block_io.write_iops};
  static const char *const files[] = {"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                                      "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
  static const char *const names[] = {"throttleReadBpsDevice", "throttleWriteBpsDevice",
                                      "throttleReadIOPSDevice", "throttleWriteIOPSDevice"};
  bool weight = r->block_io.weight.set && r->block_io.weight.v;
  bool leaf = r->block_io.leaf_weight.set && r->block_io.leaf_weight.v;
  bool any = weight || leaf || r->block_io.n_weight_devices;
  for (size_t k = 0; k < 4; k++) any |= t[k]->n > 0;
  if (!any) return 0;
  const struct oc_cg_dir *d = need(cg, OC_CTL_IO, "blkio", "blockIO", e);
  if (!d) return -1;
  bool plain = oc_cgf_exists(d, "blkio.weight");
  const char *wfile = plain ? "blkio.weight" : "blkio.bfq.weight";
  const char *wdfile = plain ? "blkio.weight_device" : "blkio.bfq.weight_device";
  if ((weight || r->block_io.n_weight_devices) && !plain && !oc_cgf_exists(d, wfile))
    return oc_fail(e, ENOTSUP,
                   "linux.resources.blockIO.weight: %s has neither blkio.weight nor blkio.bfq.weight "
                   "(no proportional I/O scheduler on this host)", d->dirpath);
  if (weight && oc_cg_put_i64(d, "blockIO.weight", wfile, (int64_t)r->block_io.weight.v, e) < 0) return -1;
  if (leaf && oc_cgf_exists(d, "blkio.leaf_weight") &&
      oc_cg_put_i64(d, "blockIO.leafWeight", "blkio.leaf_weight", (int64_t)r->block_io.leaf_weight.v, e) < 0)
    return -1;
  for (size_t i = 0; i < r->block_io.n_weight_devices; i++) {
    const struct oc_weight_device *wd = &r->block_io.weight_devices[i];
    char buf[96];
    if (wd->weight.set) {
      snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, wd->major, wd->minor, wd->weight.v);
      if (oc_cg_put(d, "blockIO.weightDevice", wdfile, buf, e) < 0) return -1;
    }
    if (wd->leaf_weight.set && oc_cgf_exists(d, "blkio.leaf_weight_device")) {
      snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, wd->major, wd->minor, wd->leaf_weight.v);
      if (oc_cg_put(d, "blockIO.weightDevice", "blkio.leaf_weight_device", buf, e) < 0) return -1;
    }
  }
  for (size_t k = 0; k < 4; k++) {
    if (!t[k]->n) continue;
    _cleanup_fd_ int fd = oc_cgf_open_w(d, files[k], e);
    if (fd < 0) return oc_wrap(e, fd, "linux.resources.blockIO.%s", names[k]);
    for (size_t i = 0; i < t[k]->n; i++) {
      char buf[96];
      snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, t[k]->v[i].major, t[k]->v[i].minor,
               t[k]->v[i].rate);
      if (oc_cgf_write_fd(fd, d, files[k], buf, e) < 0) return oc_wrap(e, -1, "linux.resources.blockIO.%s", names[k]);
    }
  }
  return 0;
}

OC_MUST_CHECK static int hugetlb_v1(struct oc_cgroup *cg, const struct oc_resources *r, struct oc_err *e) {
  if (!r->n_hugepage_limits) return 0;
  const struct oc_cg_dir *d = oc_cg_v1_dir(cg, OC_CTL_HUGETLB);
  if (!d) return oc_cg_hugetlb_v2(cg, r, e); /* hybrid: hugetlb lives in the unified hierarchy */
  for (size_t i = 0; i < r->n_hugepage_limits; i++) {
    const struct oc_hugepage_limit *h = &r->hugepage_limits[i];
    char file[80], rsvd[80]; /* page sizes checked before (oc_cg_hugetlb_check_sizes) */
    snprintf(file, sizeof file, "hugetlb.%s.limit_in_bytes", h->page_size);
    snprintf(rsvd, sizeof rsvd, "hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
    if (oc_cg_put_i64(d, "hugepageLimits", file, (int64_t)h->limit, e) < 0) return -1;
    if (oc_cgf_exists(d, rsvd) && oc_cg_put_i64(d, "hugepageLimits", rsvd, (int64_t)h->limit, e) < 0) return -1;
  }
  return 0;
}

OC_MUST_CHECK static int network_v1(const struct oc_cgroup *cg, const struct oc_resources *r, struct oc_err *e) {
  /* asked for only where the hierarchies are mounted (check_resources refuses the rest) */
  const struct oc_cg_dir *cls = oc_cg_v1_dir(cg, OC_CTL_NET_CLS), *prio = oc_cg_v1_dir(cg, OC_CTL_NET_PRIO);
  if (cls && r->network.class_id.set &&
      oc_cg_put_i64(cls, "network.classID", "net_cls.classid", (int64_t)r->network.class_id.v, e) < 0)
    return -1;
  for (size_t i = 0; prio && i < r->network.n_priorities; i++) {
    const struct oc_net_priority *p = &r->network.priorities[i];
    if (!p->name || !*p->name || strpbrk(p->name, " \n/"))
      return oc_fail(e, EINVAL, "linux.resources.network.priorities: invalid interface name \"%s\"",
                     p->name ? p->name : "");
    char buf[128];
    snprintf(buf, sizeof buf, "%s %" PRIu32, p->name, p->priority);
    if (oc_cg_put(prio, "network.priorities", "net_prio.ifpriomap", buf, e) < 0) return -1;
  }
  return 0;
}

OC_MUST_CHECK static int rdma_v1(struct oc_cgroup *cg, const struct oc_resources *r, struct oc_err *e) {
  if (!r->n_rdma) return 0;
  /* v1's, else hybrid's unified one (enabled by check_resources) */
  const struct oc_cg_dir *d = oc_cg_v1_dir(cg, OC_CTL_RDMA);
  return oc_cg_rdma(d ? d : &cg->v2, r, e);
}

int oc_cg_apply_v1(struct oc_cgroup *cg, const struct oc_resources *r, bool update, struct oc_err *e) {
  if (memory_v1(cg, r, update, e) < 0 || cpu_v1(cg, r, e) < 0) return -1;
  if (r->pids.limit.set) {
    const struct oc_cg_dir *d = need(cg, OC_CTL_PIDS, "pids", "pids", e);
    char buf[32];
    oc_cg_fmt_limit(buf, sizeof buf, r->pids.limit.v > 0 ? r->pids.limit.v : -1);
    if (!d || oc_cg_put(d, "pids.limit", "pids.max", buf, e) < 0) return -1;
  }
  if (blkio_v1(cg, r, e) < 0 || hugetlb_v1(cg, r, e) < 0 || network_v1(cg, r, e) < 0) return -1;
  return rdma_v1(cg, r, e);
}
