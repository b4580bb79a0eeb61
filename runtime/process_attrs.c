/* oc_process_apply_attrs: the process{} attributes applied while still privileged. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdio.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/procfs.h"
#include "oci/names.h"
#include "runtime/process_affinity.h"
#include "runtime/process_lsm.h"
#include "runtime/process_setup.h"

/* Our own copy of the kernel's struct sched_attr (glibc < 2.41 has none, newer ones clash
 * with <linux/sched/types.h>). */
struct oc_sched_attr {
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
};

static const char *fmt_limit(uint64_t v, char *buf, size_t n) {
  if (v == (uint64_t)RLIM_INFINITY) return "unlimited";
  snprintf(buf, n, "%" PRIu64, v);
  return buf;
}

OC_MUST_CHECK static int apply_rlimits(const struct oc_process *p, struct oc_err *e) {
  for (size_t i = 0; i < p->n_rlimits; i++) {
    const struct oc_rlimit *rl = &p->rlimits[i];
    struct rlimit lim = {.rlim_cur = rl->soft, .rlim_max = rl->hard};
    if (setrlimit((__rlimit_resource_t)rl->resource, &lim) == 0) continue;
    char name[32], s[24], h[24];
    const char *known = oc_rlimit_name(rl->resource);
    if (known)
      snprintf(name, sizeof name, "%s", known);
    else
      snprintf(name, sizeof name, "rlimit %d", rl->resource);
    return oc_fail_errno(e, "setrlimit %s (soft %s, hard %s)", name, fmt_limit(rl->soft, s, sizeof s),
                         fmt_limit(rl->hard, h, sizeof h));
  }
  return 0;
}

OC_MUST_CHECK static int apply_oom_score_adj(const struct oc_process *p, struct oc_err *e) {
  if (!p->oom_score_adj.set) return 0;
  char buf[32];
  snprintf(buf, sizeof buf, "%" PRId64, p->oom_score_adj.v);
  int r = oc_procfs_write("self/oom_score_adj", buf, e);
  return r < 0 ? oc_wrap(e, r, "process.oomScoreAdj") : 0;
}

static const char *policy_name(int policy) {
  switch (policy) {
    case SCHED_OTHER: return "SCHED_OTHER";
    case SCHED_FIFO: return "SCHED_FIFO";
    case SCHED_RR: return "SCHED_RR";
    case SCHED_BATCH: return "SCHED_BATCH";
    case SCHED_IDLE: return "SCHED_IDLE";
    case SCHED_DEADLINE: return "SCHED_DEADLINE";
    default: return "unknown policy";
  }
}

OC_MUST_CHECK static int apply_scheduler(const struct oc_process *p, struct oc_err *e) {
  const struct oc_scheduler *s = &p->scheduler;
  if (!s->set) return 0;
  struct oc_sched_attr attr = {
      .size = sizeof attr,
      .sched_policy = (uint32_t)s->policy,
      .sched_flags = s->flags,
      .sched_nice = s->nice,
      .sched_priority = (uint32_t)s->priority,
      .sched_runtime = s->runtime,
      .sched_deadline = s->deadline,
      .sched_period = s->period,
  };
  if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
    return oc_fail_errno(e, "process.scheduler: sched_setattr (%s, nice %d, priority %d, flags %#x)",
                         policy_name(s->policy), (int)s->nice, (int)s->priority, (unsigned)s->flags);
  return 0;
}

OC_MUST_CHECK static int apply_io_priority(const struct oc_process *p, struct oc_err *e) {
  const struct oc_io_priority *io = &p->io_priority;
  if (!io->set) return 0;
  if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(io->ioclass, io->priority)) < 0)
    return oc_fail_errno(e, "process.ioPriority: ioprio_set (class %d, priority %d)", io->ioclass,
                         io->priority);
  return 0;
}

OC_MUST_CHECK static int apply_personality(const struct oc_config *c, struct oc_err *e) {
  if (!c || !c->personality_domain.set) return 0;
  unsigned long persona = (unsigned long)c->personality_domain.v;
  if (c->personality_flags.set) persona |= (unsigned long)c->personality_flags.v;
  if (personality(persona) < 0)
    return oc_fail_errno(e, "linux.personality: personality(%#lx)", persona);
  return 0;
}

OC_MUST_CHECK static int apply_memory_policy(const struct oc_config *c, struct oc_err *e) {
  if (!c || !c->memory_policy.set) return 0;
  const struct oc_memory_policy *mp = &c->memory_policy;
  /* maxnode counts one more than the bits the kernel reads (set_mempolicy(2), BUGS). */
  unsigned long maxnode = 8 * sizeof mp->nodemask + 1;
  if (syscall(SYS_set_mempolicy, mp->mode | (int)mp->flags, mp->nodemask, maxnode) < 0)
    return oc_fail_errno(e, "linux.memoryPolicy: set_mempolicy(%s, nodes \"%s\", flags %#x)",
                         oc_mempolicy_mode_name(mp->mode), mp->nodes ? mp->nodes : "", mp->flags);
  return 0;
}

int oc_process_apply_attrs(const struct oc_config *c, const struct oc_process *p, struct oc_err *e) {
  int r;
  /* A label that cannot be applied fails the container before anything else changes. */
  if ((r = oc_process_apply_lsm(p, e)) < 0) return r;
  if ((r = apply_personality(c, e)) < 0) return r;
  if ((r = apply_memory_policy(c, e)) < 0) return r;
  if ((r = apply_rlimits(p, e)) < 0) return r;
  if ((r = apply_oom_score_adj(p, e)) < 0) return r;
  if ((r = apply_scheduler(p, e)) < 0) return r;
  if ((r = apply_io_priority(p, e)) < 0) return r;
  if (p->exec_cpu_affinity_initial &&
      (r = oc_cpu_affinity_apply(0, p->exec_cpu_affinity_initial, "process.execCPUAffinity.initial", e)) < 0)
    return r;
  return 0;
}
