/* One sample of the node for `capacity`, and CPU rates between two samples. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cleanup.h"
#include "base/procfs.h"
#include "base/parallel.h"
#include "cgroups/cgroup.h"
#include "cgroups/live.h"
#include "runtime/capacity.h"

int64_t oc_capview_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The container's cgroup, straight from its files (cgroups/live.c). A cgroup that cannot be
 * read (gone, or the container has none) leaves everything unset. */
static void live_read(const struct oc_ledger_entry *en, bool all_pressure, struct oc_capview_live *l) {
  *l = (struct oc_capview_live){0};
  if (!en->cgroup_path) return;
  l->sampled_ns = oc_capview_now_ns();
  struct oc_cg_live c;
  oc_cg_live_read(en->cgroup_path, all_pressure, &c);
  l->cpu = c.cpu;
  l->cpu_ns = c.cpu_ns;
  l->thr = c.thr;
  l->nr_throttled = c.nr_throttled;
  l->mem = c.mem;
  l->mem_bytes = c.mem_bytes;
  l->oom = c.oom;
  l->oom_kills = c.oom_kills;
  l->weight = c.weight;
  l->weight_value = c.weight_value;
  memcpy(l->psi, c.psi, sizeof l->psi);
}

static const char *mode_name(enum oc_cg_mode m) {
  return m == OC_CG_UNIFIED ? "unified" : m == OC_CG_HYBRID ? "hybrid" : "legacy";
}

const char *oc_capview_window_name(enum oc_capview_window w) {
  switch (w) {
  case OC_WINDOW_WAIT: return "wait";
  case OC_WINDOW_PREVIOUS_CALL: return "previous call";
  case OC_WINDOW_FRAME: return "previous frame";
  default: return NULL;
  }
}

/* Each container costs a dozen small reads (its ledger entry's liveness: state.json and
 * /proc/<pid>/stat; its cgroup files), nearly all of it the kernel's path walk and file setup,
 * and the containers share nothing: on a node of hundreds of them they are read in parallel. */
#define PER_THREAD 64

struct check {
  struct oc_capview *v;
  const struct oc_capview_look *look;
  bool all_pressure;
  bool *gone;
};

/* The init the previous call saw for en still runs: the container is there (delete stops the
 * init before anything else), and its creator, state.json and the init's pid need no reading:
 * one /proc read instead of three files. */
static bool still_running(const struct oc_capview_look *look, struct oc_ledger_entry *en) {
  pid_t pid;
  unsigned long long start_time;
  if (!oc_capview_look_init(look, en->id, en->root, &pid, &start_time) || !oc_proc_alive(pid, start_time))
    return false;
  en->pid = pid;
  en->start_time = start_time;
  return true;
}

static void check_slice(void *ctx, size_t from, size_t to) {
  struct check *c = ctx;
  for (size_t i = from; i < to; i++) {
    struct oc_ledger_entry *en = &c->v->l.v[i];
    c->gone[i] = !(still_running(c->look, en) || oc_ledger_entry_live(en));
    if (!c->gone[i]) live_read(&c->v->l.v[i], c->all_pressure, &c->v->live[i]);
  }
}

int oc_capview_sample(const char *policy_path, bool all_pressure, const struct oc_capview_look *look,
                      struct oc_capview *v, struct oc_err *e) {
  *v = (struct oc_capview){0};
  v->sampled_ns = oc_capview_now_ns();
  v->time = (int64_t)time(NULL);
  if (oc_policy_load(policy_path, &v->pol, e) < 0 || oc_host_detect(&v->host, e) < 0 ||
      oc_ledger_entries(&v->l, e) < 0)
    return -1;
  v->live = calloc(v->l.n + 1, sizeof *v->live);
  _cleanup_free_ bool *gone = calloc(v->l.n + 1, sizeof *gone);
  if (!v->live || !gone) {
    oc_capview_free(v);
    return oc_fail(e, ENOMEM, "capacity: out of memory");
  }
  v->cgroup_mode = mode_name(oc_cg_mode());
  v->weight_file = oc_cg_weight_file();
  struct check c = {v, look, all_pressure, gone};
  oc_cg_live_prepare(); /* the lookups the threads share, once, before them */
  oc_parallel_for(v->l.n, PER_THREAD, check_slice, &c);
  /* The entries of containers that are gone are counted, not shown (an admission that needs
   * their room releases them). */
  size_t kept = 0;
  for (size_t i = 0; i < v->l.n; i++) {
    if (gone[i]) {
      oc_ledger_entry_release(&v->l.v[i]);
      v->stale++;
      continue;
    }
    unsigned f = v->l.v[i].size.flags;
    v->unbounded += !!(f & OC_SIZE_UNBOUNDED);
    v->orchestrated += !!(f & OC_SIZE_ORCHESTRATED);
    v->opt_out += !!(f & OC_SIZE_OPT_OUT);
    v->l.v[kept] = v->l.v[i];
    v->live[kept++] = v->live[i];
  }
  v->l.n = kept;
  oc_capacity_compute(&v->pol, &v->host, &v->l, v->cap);
  for (int i = 0; i < OC_PSI_COUNT; i++) (void)oc_psi_read_host(i, &v->psi[i]);
  return 0;
}

void oc_capview_cpu_again(struct oc_capview *v) {
  v->window_s = 0;
  bool any = false;
  int64_t first = 0;
  for (size_t i = 0; i < v->l.n; i++) {
    struct oc_capview_live *c = &v->live[i];
    uint64_t ns;
    c->rate = false;
    if (!c->cpu || !oc_cg_live_cpu(v->l.v[i].cgroup_path, &ns)) continue;
    int64_t now = oc_capview_now_ns(), dt = now - c->sampled_ns;
    if (!any) first = c->sampled_ns;
    if (dt <= 0 || ns < c->cpu_ns) continue;
    c->cpu_percent = (double)(ns - c->cpu_ns) * 100.0 / (double)dt;
    c->cpu_ns = ns;
    c->sampled_ns = now;
    c->rate = any = true;
  }
  if (any) {
    v->window_s = (double)(oc_capview_now_ns() - first) / 1e9;
    v->window_from = OC_WINDOW_WAIT;
  }
}

static bool same_container(const struct oc_ledger_entry *a, const struct oc_ledger_entry *b) {
  return strcmp(a->id, b->id) == 0 && strcmp(a->root, b->root) == 0 && a->pid == b->pid &&
         a->start_time == b->start_time;
}

void oc_capview_rates(struct oc_capview *cur, const struct oc_capview *prev) {
  cur->window_s = 0;
  for (size_t i = 0; i < cur->l.n; i++) {
    struct oc_capview_live *c = &cur->live[i];
    c->rate = false;
    /* The ledger lists its entries in the same order from one sample to the next, mostly:
     * try the same place first. */
    for (size_t k = 0; c->cpu && k < prev->l.n; k++) {
      size_t j = (i + k) % prev->l.n;
      const struct oc_capview_live *p = &prev->live[j];
      if (!p->cpu || !same_container(&cur->l.v[i], &prev->l.v[j])) continue;
      int64_t dt = c->sampled_ns - p->sampled_ns;
      if (dt > 0 && c->cpu_ns >= p->cpu_ns) {
        c->cpu_percent = (double)(c->cpu_ns - p->cpu_ns) * 100.0 / (double)dt;
        c->rate = true;
      }
      break;
    }
  }
  bool any = false;
  for (size_t i = 0; i < cur->l.n; i++) any |= cur->live[i].rate;
  if (any && cur->sampled_ns > prev->sampled_ns) {
    cur->window_s = (double)(cur->sampled_ns - prev->sampled_ns) / 1e9;
    cur->window_from = OC_WINDOW_FRAME;
  }
}

bool oc_capview_has_cpu(const struct oc_capview *v) {
  for (size_t i = 0; i < v->l.n; i++)
    if (v->live[i].cpu) return true;
  return false;
}

void oc_capview_free(struct oc_capview *v) {
  free(v->live);
  v->live = NULL;
  oc_ledger_free(&v->l);
}

/* The epsilon the ledger uses: vCPU sums of fractions are not exact. */
bool oc_capview_over(const struct oc_capacity *c) { return c->allocated > c->capacity + 1e-6; }
