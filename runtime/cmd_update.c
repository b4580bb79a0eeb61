/* `update`: change the resource limits of a running (or created, or paused) container.
 * --resources FILE|- takes a LinuxResources JSON object and then every other flag is ignored,
 * as in runc; otherwise runc's single-value flags build one. Unset values stay as they are. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "overcommit/ledger.h"
#include "overcommit/policy.h"
#include "runtime/args.h"
#include "base/cleanup.h"
#include "base/parse.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "runtime/commands.h"
#include "runtime/state.h"

/* --memory and friends: oc_parse_size's grammar, plus "-1" for unlimited. */
static int parse_size(const char *s, int64_t *out) {
  if (strcmp(s, "-1") == 0) {
    *out = -1;
    return 0;
  }
  return oc_parse_size(s, out);
}

static int parse_i64(const char *s, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end) return -1;
  *out = v;
  return 0;
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (*s == '-') return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end) return -1;
  *out = v;
  return 0;
}


struct update_flags {
  const char *resources, *memory, *swap, *reservation, *shares, *share, *quota, *period, *burst,
      *cpus, *mems, *pids, *blkio, *rt_period, *rt_runtime, *idle, *kmem, *kmem_tcp, *l3, *mba;
};

OC_MUST_CHECK static int flags_to_resources(const struct update_flags *f, struct oc_resources *r, struct oc_err *e) {
  struct { const char *name, *val; oc_i64 *dst; } sizes[] = {
    {"memory", f->memory, &r->memory.limit},
    {"memory-swap", f->swap, &r->memory.swap},
    {"memory-reservation", f->reservation, &r->memory.reservation},
  };
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    if (!sizes[i].val) continue;
    if (parse_size(sizes[i].val, &sizes[i].dst->v) < 0)
      return oc_fail(e, EINVAL, "invalid value for --%s: \"%s\"", sizes[i].name, sizes[i].val);
    sizes[i].dst->set = true;
  }
  struct { const char *name, *val; oc_u64 *dst; } u64s[] = {
    {"cpu-shares", f->shares ? f->shares : f->share, &r->cpu.shares},
    {"cpu-period", f->period, &r->cpu.period},
    {"cpu-burst", f->burst, &r->cpu.burst},
    {"cpu-rt-period", f->rt_period, &r->cpu.realtime_period},
    {"blkio-weight", f->blkio, &r->block_io.weight},
  };
  for (size_t i = 0; i < sizeof u64s / sizeof u64s[0]; i++) {
    if (!u64s[i].val) continue;
    if (parse_u64(u64s[i].val, &u64s[i].dst->v) < 0)
      return oc_fail(e, EINVAL, "invalid value for --%s: \"%s\"", u64s[i].name, u64s[i].val);
    u64s[i].dst->set = true;
  }
  struct { const char *name, *val; oc_i64 *dst; } i64s[] = {
    {"cpu-quota", f->quota, &r->cpu.quota},
    {"cpu-rt-runtime", f->rt_runtime, &r->cpu.realtime_runtime},
    {"cpu-idle", f->idle, &r->cpu.idle},
    {"pids-limit", f->pids, &r->pids.limit},
  };
  for (size_t i = 0; i < sizeof i64s / sizeof i64s[0]; i++) {
    if (!i64s[i].val) continue;
    if (parse_i64(i64s[i].val, &i64s[i].dst->v) < 0)
      return oc_fail(e, EINVAL, "invalid value for --%s: \"%s\"", i64s[i].name, i64s[i].val);
    i64s[i].dst->set = true;
  }
  if (r->block_io.weight.set && r->block_io.weight.v && (r->block_io.weight.v < 10 || r->block_io.weight.v > 1000))
    return oc_fail(e, EINVAL, "invalid value for --blkio-weight: %" PRIu64 " (10..1000)", r->block_io.weight.v);
  /* No swap value here for --memory -1: the policy decides (swap off gives swap = the limit it
   * sets); where it leaves the limit unbounded, the driver takes swap with it, as runc does. */
  if ((f->cpus && !(r->cpu.cpus = strdup(f->cpus))) || (f->mems && !(r->cpu.mems = strdup(f->mems))))
    return oc_fail(e, ENOMEM, "out of memory");
  if (f->kmem || f->kmem_tcp) oc_log_warn("--kernel-memory and --kernel-memory-tcp are obsolete and ignored");
  if (f->l3 || f->mba) return oc_fail(e, ENOTSUP, "Intel RDT (--l3-cache-schema, --mem-bw-schema) is not supported");
  return 0;
}

int cmd_update(struct oc_globals *g, int argc, char **argv) {
  struct oc_err e = {0};
  bool help = false;
  struct update_flags f = {0};
  const struct oc_opt opts[] = {
      {"resources", 'r', &f.resources, NULL, "FILE", "linux.resources JSON from FILE (- for stdin)"},
      {"memory", 0, &f.memory, NULL, "SIZE", "memory limit, e.g. 512m (-1: unlimited)"},
      {"memory-swap", 0, &f.swap, NULL, "SIZE", "memory + swap limit (-1: unlimited)"},
      {"memory-reservation", 0, &f.reservation, NULL, "SIZE", "memory soft limit"},
      {"cpu-shares", 0, &f.shares, NULL, "N", "CPU shares (relative weight)"},
      {"cpu-share", 0, &f.share, NULL, "N", "the same as --cpu-shares"},
      {"cpu-quota", 0, &f.quota, NULL, "USEC", "CPU time the container may use per period"},
      {"cpu-period", 0, &f.period, NULL, "USEC", "CPU quota period"},
      {"cpu-burst", 0, &f.burst, NULL, "USEC", "CPU time a period may borrow from earlier ones"},
      {"cpuset-cpus", 0, &f.cpus, NULL, "LIST", "CPUs the container may run on (e.g. 0-1)"},
      {"cpuset-mems", 0, &f.mems, NULL, "LIST", "memory nodes the container may use"},
      {"pids-limit", 0, &f.pids, NULL, "N", "maximum number of processes"},
      {"blkio-weight", 0, &f.blkio, NULL, "N", "block IO weight (10 to 1000)"},
      {"cpu-rt-period", 0, &f.rt_period, NULL, "USEC", "realtime period"},
      {"cpu-rt-runtime", 0, &f.rt_runtime, NULL, "USEC", "realtime runtime per period"},
      {"cpu-idle", 0, &f.idle, NULL, "0|1", "SCHED_IDLE for the container's cgroup"},
      {"kernel-memory", 0, &f.kmem, NULL, "SIZE", "obsolete; ignored with a warning"},
      {"kernel-memory-tcp", 0, &f.kmem_tcp, NULL, "SIZE", "obsolete; ignored with a warning"},
      {"l3-cache-schema", 0, &f.l3, NULL, "SCHEMA", "Intel RDT: refused (not supported)"},
      {"mem-bw-schema", 0, &f.mba, NULL, "SCHEMA", "Intel RDT: refused (not supported)"},
      OC_OPT_END};
  int i = oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e);
  if (i < 0) return oc_log_fail(&e);
  if (help) return oc_print_help(argv[0], g->command_summary, "ID", opts), 0;
  if (argc - i != 1) {
    oc_log_error("update: %s", argc - i < 1 ? "container id required" : "exactly one container id expected");
    return 1;
  }
  struct oc_resources r = {0};
  int ret;
  if (f.resources) {
    size_t len = 0;
    _cleanup_free_ char *json = NULL;
    const char *path = strcmp(f.resources, "-") == 0 ? "/dev/stdin" : f.resources;
    ret = oc_read_fileat(AT_FDCWD, path, &json, &len, 16 << 20, &e);
    if (ret == 0) ret = oc_resources_parse(json, len, &r, &e);
    if (ret < 0 && json) oc_wrap(&e, ret, "--resources %s", f.resources);
  } else {
    ret = flags_to_resources(&f, &r, &e);
  }
  struct oc_state *s = NULL;
  if (ret == 0) ret = oc_state_load(g->root, argv[i], &s, &e);
  if (ret == 0) {
    enum oc_status st = oc_state_status(g->root, s);
    if (st == OC_STOPPED)
      ret = oc_fail(&e, EINVAL, "container %s is stopped: cannot update its resources", s->id);
    else if (!s->cgroup_path)
      ret = oc_fail(&e, ENOENT, "container %s has no cgroup", s->id);
  }
  struct oc_cgroup *cg = NULL;
  if (ret == 0) ret = oc_cg_open(s->cgroup_path, &cg, &e);
  /* The ledger admits only the increase; a refused update changes nothing. */
  struct oc_policy pol;
  struct oc_admit_result res = {0};
  char root_abs[4096];
  bool admitted = false;
  if (ret == 0 && !realpath(g->root, root_abs)) ret = oc_fail_errno(&e, "realpath %s", g->root);
  if (ret == 0) ret = oc_policy_load(g->policy, &pol, &e);
  if (ret == 0) ret = oc_ledger_admit_update(&pol, s->id, root_abs, &r, &res, &e);
  if (ret == 0) {
    admitted = true;
    if (res.warned) oc_log_warn("%s", res.text);
    ret = oc_cg_update(cg, &r, &e);
  }
  if (ret < 0 && admitted) {
    struct oc_err e2;
    if (oc_ledger_set_size(s->id, root_abs, &res.old, &e2) < 0) oc_log_warn("ledger: restore the size: %s", e2.msg);
  }
  oc_cg_free(cg);
  oc_state_free(s);
  oc_resources_release(&r);
  return ret < 0 ? oc_log_fail(&e) : 0;
}
