/* linux.resources -> cgroup v2 files. Unset fields are left alone (update relies on it). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"

/* The memory limit in effect, as OCI expresses it (-1 unlimited). */
OC_MUST_CHECK static int current_limit(const struct oc_cg_dir *d, int64_t *out, struct oc_err *e) {
  uint64_t v;
  if (oc_cgf_read_u64(d, "memory.max", &v, e) < 0) return -1;
  *out = v == UINT64_MAX ? -1 : (int64_t)v;
  return 0;
}

OC_MUST_CHECK static int check_before_update(const struct oc_cg_dir *d, const char *usage_file, int64_t limit,
                               struct oc_err *e) {
  uint64_t usage;
  if (limit <= 0) return 0;
  if (oc_cgf_read_u64(d, usage_file, &usage, e) < 0) return -1;
  if ((uint64_t)limit < usage)
    return oc_fail(e, EBUSY,
                   "linux.resources.memory.limit: %" PRId64 " is below the current usage %" PRIu64
                   " (checkBeforeUpdate)", limit, usage);
  return 0;
}

OC_MUST_CHECK static int memory_v2(const struct oc_cg_dir *d, const struct oc_resources *r, bool update,
                     struct oc_err *e) {
  char buf[32];
  int64_t limit = r->memory.limit.set ? r->memory.limit.v : 0;
  if (r->memory.swappiness.set && r->memory.swappiness.v <= 100)
    return oc_fail(e, EINVAL, "linux.resources.memory.swappiness: not supported on cgroup v2");
  if (r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v)
    return oc_fail(e, EINVAL,
                   "linux.resources.memory.disableOOMKiller: not supported on cgroup v2 "
                   "(the OOM killer cannot be disabled per cgroup)");
  if (limit != 0) {
    if (limit < -1) return oc_fail(e, EINVAL, "linux.resources.memory.limit: invalid value %" PRId64, limit);
    if (update && r->memory.check_before_update.set && r->memory.check_before_update.v &&
        check_before_update(d, "memory.current", limit, e) < 0)
      return -1;
    oc_cg_fmt_limit(buf, sizeof buf, limit);
    if (oc_cg_put(d, "memory.limit", "memory.max", buf, e) < 0) return -1;
  }
  if (r->memory.swap.set || limit == -1) {
    int64_t swap = r->memory.swap.set ? r->memory.swap.v : 0, out;
    if (swap > 0 && limit == 0 && current_limit(d, &limit, e) < 0) return -1;
    if (oc_cg_swap_v2(swap, limit, &out, e) < 0) return -1;
    if (out != -2) {
      oc_cg_fmt_limit(buf, sizeof buf, out);
      int w = oc_cgf_write(d, "memory.swap.max", buf, e);
      /* no swap accounting on this kernel: only an error when a limit was asked for */
      if (w < 0 && !(w == -ENOENT && out == -1)) return oc_wrap(e, w, "linux.resources.memory.swap");
    }
  }
  if (r->memory.reservation.set && r->memory.reservation.v != 0) {
    oc_cg_fmt_limit(buf, sizeof buf, r->memory.reservation.v);
    if (oc_cg_put(d, "memory.reservation", "memory.low", buf, e) < 0) return -1;
  }
  return 0;
}

OC_MUST_CHECK static int cpu_max(const struct oc_cg_dir *d, const struct oc_resources *r, struct oc_err *e) {
  bool q = r->cpu.quota.set && r->cpu.quota.v != 0, p = r->cpu.period.set && r->cpu.period.v != 0;
  if (!q && !p) return 0;
  /* keep the half that is not being changed */
  char cur_q[32] = "max";
  uint64_t period = 100000;
  _cleanup_free_ char *cur = NULL;
  int rr = oc_cgf_read(d, "cpu.max", &cur, e);
  if (rr < 0 && rr != -ENOENT) return oc_wrap(e, rr, "linux.resources.cpu");
  if (rr >= 0 && sscanf(cur, "%31s %" SCNu64, cur_q, &period) < 1) snprintf(cur_q, sizeof cur_q, "max");
  char val[80];
  if (q && r->cpu.quota.v > 0)
    snprintf(cur_q, sizeof cur_q, "%" PRId64, r->cpu.quota.v);
  else if (q)
    snprintf(cur_q, sizeof cur_q, "max");
  if (p) period = r->cpu.period.v;
  snprintf(val, sizeof val, "%s %" PRIu64, cur_q, period);
  return oc_cg_put(d, q ? "cpu.quota" : "cpu.period", "cpu.max", val, e);
}

OC_MUST_CHECK static int cpu_v2(const struct oc_cg_dir *d, const struct oc_resources *r, struct oc_err *e) {
  if ((r->cpu.realtime_runtime.set && r->cpu.realtime_runtime.v != 0) ||
      (r->cpu.realtime_period.set && r->cpu.realtime_period.v != 0))
    return oc_fail(e, EINVAL, "linux.resources.cpu.realtimeRuntime/realtimePeriod: not supported on cgroup v2");
  if (r->cpu.shares.set && r->cpu.shares.v != 0 &&
      oc_cg_put_u64(d, "cpu.shares", "cpu.weight", oc_cg_shares_to_weight(r->cpu.shares.v), e) < 0)
    return -1;
  if (cpu_max(d, r, e) < 0) return -1;
  if (r->cpu.burst.set && oc_cg_put_u64(d, "cpu.burst", "cpu.max.burst", r->cpu.burst.v, e) < 0) return -1;
  if (r->cpu.idle.set) {
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, r->cpu.idle.v);
    if (oc_cg_put(d, "cpu.idle", "cpu.idle", buf, e) < 0) return -1;
  }
  if (r->cpu.cpus && *r->cpu.cpus && oc_cg_put(d, "cpu.cpus", "cpuset.cpus", r->cpu.cpus, e) < 0) return -1;
  if (r->cpu.mems && *r->cpu.mems && oc_cg_put(d, "cpu.mems", "cpuset.mems", r->cpu.mems, e) < 0) return -1;
  return 0;
}

OC_MUST_CHECK static int io_v2(const struct oc_cg_dir *d, const struct oc_resources *r, struct oc_err *e) {
  bool bfq = oc_cgf_exists(d, "io.bfq.weight");
  const char *wfile = bfq ? "io.bfq.weight" : "io.weight";
  bool need_w = (r->block_io.weight.set && r->block_io.weight.v) || r->block_io.n_weight_devices;
  if (need_w && !bfq && !oc_cgf_exists(d, "io.weight"))
    return oc_fail(e, ENOENT, "linux.resources.blockIO.weight: %s has neither io.bfq.weight nor io.weight",
                   d->dirpath);
  if (r->block_io.weight.set && r->block_io.weight.v) {
    uint64_t w = bfq ? r->block_io.weight.v : oc_cg_blkio_to_io_weight(r->block_io.weight.v);
    if (oc_cg_put_u64(d, "blockIO.weight", wfile, w, e) < 0) return -1;
  }
  if (r->block_io.n_weight_devices) {
    _cleanup_fd_ int fd = oc_cgf_open_w(d, wfile, e);
    if (fd < 0) return oc_wrap(e, fd, "linux.resources.blockIO.weightDevice");
    for (size_t i = 0; i < r->block_io.n_weight_devices; i++) {
      const struct oc_weight_device *wd = &r->block_io.weight_devices[i];
      if (!wd->weight.set) continue;
      char buf[96];
      snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, wd->major, wd->minor,
               bfq ? wd->weight.v : oc_cg_blkio_to_io_weight(wd->weight.v));
      if (oc_cgf_write_fd(fd, d, wfile, buf, e) < 0)
        return oc_wrap(e, -1, "linux.resources.blockIO.weightDevice");
    }
  }
  static const char *const keys[] = {"rbps", "wbps", "riops", "wiops"};
  static const char *const names[] = {"throttleReadBpsDevice", "throttleWriteBpsDevice",
                                      "throttleReadIOPSDevice", "throttleWriteIOPSDevice"};
  const struct oc_throttles *t[] = {&r->block_io.read_bps, &r->block_io.write_bps,
                                    &r->block_io.read_iops, &r->block_io.write_iops};
  for (size_t k = 0; k < 4; k++) {
    if (!t[k]->n) continue;
    _cleanup_fd_ int fd = oc_cgf_open_w(d, "io.max", e);
    if (fd < 0) return oc_wrap(e, fd, "linux.resources.blockIO.%s", names[k]);
    for (size_t i = 0; i < t[k]->n; i++) {
      const struct oc_throttle_device *td = &t[k]->v[i];
      char buf[96];
      if (td->rate)
        snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, td->major, td->minor, keys[k], td->rate);
      else /* 0 removes the limit, as on v1 */
        snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %s=max", td->major, td->minor, keys[k]);
      if (oc_cgf_write_fd(fd, d, "io.max", buf, e) < 0) return oc_wrap(e, -1, "linux.resources.blockIO.%s", names[k]);
    }
  }
  return 0;
}

/* The controller is enabled for the v2 dir (check_resources in cgroup.c did it, or refused). */
int oc_cg_hugetlb_v2(const struct oc_cgroup *cg, const struct oc_resources *r, struct oc_err *e) {
  const struct oc_cg_dir *d = &cg->v2;
  for (size_t i = 0; i < r->n_hugepage_limits; i++) {
    const struct oc_hugepage_limit *h = &r->hugepage_limits[i];
    char file[64], rsvd[64]; /* page sizes checked before (oc_cg_hugetlb_check_sizes) */
    snprintf(file, sizeof file, "hugetlb.%s.max", h->page_size);
    snprintf(rsvd, sizeof rsvd, "hugetlb.%s.rsvd.max", h->page_size);
    if (oc_cg_put_u64(d, "hugepageLimits", file, h->limit, e) < 0) return -1;
    if (oc_cgf_exists(d, rsvd) && oc_cg_put_u64(d, "hugepageLimits", rsvd, h->limit, e) < 0) return -1;
  }
  return 0;
}

int oc_cg_rdma(const struct oc_cg_dir *d, const struct oc_resources *r, struct oc_err *e) {
  if (!r->n_rdma) return 0;
  _cleanup_fd_ int fd = oc_cgf_open_w(d, "rdma.max", e);
  if (fd < 0) return oc_wrap(e, fd, "linux.resources.rdma");
  for (size_t i = 0; i < r->n_rdma; i++) {
    const struct oc_rdma *x = &r->rdma[i];
    if (!x->device || strpbrk(x->device, " \n"))
      return oc_fail(e, EINVAL, "linux.resources.rdma: invalid device name \"%s\"", x->device ? x->device : "");
    if (!x->hca_handles.set && !x->hca_objects.set) continue;
    char buf[256] = "";
    int n = snprintf(buf, sizeof buf, "%s", x->device);
    if (x->hca_handles.set) n += snprintf(buf + n, sizeof buf - (size_t)n, " hca_handle=%" PRIu64, x->hca_handles.v);
    if (x->hca_objects.set && (size_t)n < sizeof buf)
      snprintf(buf + n, sizeof buf - (size_t)n, " hca_object=%" PRIu64, x->hca_objects.v);
    if (oc_cgf_write_fd(fd, d, "rdma.max", buf, e) < 0) return oc_wrap(e, -1, "linux.resources.rdma");
  }
  return 0;
}

int oc_cg_apply_v2(struct oc_cgroup *cg, const struct oc_resources *r, bool update, struct oc_err *e) {
  const struct oc_cg_dir *d = &cg->v2;
  if (memory_v2(d, r, update, e) < 0 || cpu_v2(d, r, e) < 0) return -1;
  if (r->pids.limit.set) {
    char buf[32];
    oc_cg_fmt_limit(buf, sizeof buf, r->pids.limit.v > 0 ? r->pids.limit.v : -1);
    if (oc_cg_put(d, "pids.limit", "pids.max", buf, e) < 0) return -1;
  }
  if (io_v2(d, r, e) < 0 || oc_cg_hugetlb_v2(cg, r, e) < 0) return -1;
  /* network (net_cls/net_prio) has no v2 equivalent: refused before (check_resources) */
  return oc_cg_rdma(d, r, e);
}
