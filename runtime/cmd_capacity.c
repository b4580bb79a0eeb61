/* `ocrun capacity`: the node as a cloud operator sees it — capacity per resource, what the
 * ledger has admitted, live use of each container's cgroup, host pressure. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cgroups/cgroup.h"
#include "overcommit/ledger.h"
#include "overcommit/policy.h"
#include "runtime/args.h"
#include "base/cleanup.h"
#include "base/fsutil.h"
#include "runtime/commands.h"
#include "base/log.h"

#define MIB (UINT64_C(1) << 20)

static void usage(void) {
  fputs("Usage: ocrun capacity [--format table|json] [--explain] [--policy-dump] [--policy FILE]\n"
        "Show the node's capacity per resource (VCPU, MEMORY_MB), what is admitted, and each\n"
        "container's size and live use.\n"
        "  -f, --format FORMAT  table (default) or json\n"
        "      --explain        show the arithmetic behind each number\n"
        "      --policy-dump    print the effective policy as JSON and exit\n"
        "      --policy FILE    policy file (default $OCRUN_POLICY, else /etc/ocrun/policy.json)\n",
        stdout);
}

/* ---- live use, from the cgroup driver's stats record ---- */

struct live {
  bool cpu, mem, oom, thr;
  uint64_t cpu_usec, mem_bytes, oom_kills, nr_throttled;
};

static bool tree_u64(yajl_val t, const char *a, const char *b, const char *c, uint64_t *out) {
  const char *path[] = {"data", a, b, c, NULL};
  yajl_val v = yajl_tree_get(t, path, yajl_t_number);
  if (!v || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0) return false;
  *out = (uint64_t)YAJL_GET_INTEGER(v);
  return true;
}

static void live_read(const struct oc_ledger_entry *en, struct live *l) {
  *l = (struct live){0};
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  if (!en->cgroup_path || oc_cg_open(en->cgroup_path, &cg, &e) < 0) return;
  _cleanup_free_ char *json = NULL;
  int r = oc_cg_stats_json(cg, en->id, &json, &e);
  oc_cg_free(cg);
  if (r < 0) return;
  yajl_val t = yajl_tree_parse(json, NULL, 0);
  if (!t) return;
  l->cpu = tree_u64(t, "cpu", "usage", "total", &l->cpu_usec);
  l->cpu_usec /= 1000; /* ns */
  l->thr = tree_u64(t, "cpu", "throttling", "throttledPeriods", &l->nr_throttled);
  l->mem = tree_u64(t, "memory", "usage", "usage", &l->mem_bytes);
  l->oom = tree_u64(t, "memory", "event_count", "oom_kill", &l->oom_kills);
  yajl_tree_free(t);
}

/* ---- host pressure (PSI) ---- */

struct psi_line { bool set; double avg10, avg60, avg300; uint64_t total; };
struct psi { bool set; struct psi_line some, full; };
static const char *const psi_names[] = {"cpu", "memory", "io"};

static void psi_read(const char *name, struct psi *out) {
  *out = (struct psi){0};
  char path[64];
  snprintf(path, sizeof path, "/proc/pressure/%s", name);
  _cleanup_free_ char *buf = NULL;
  struct oc_err e;
  if (oc_read_fileat(AT_FDCWD, path, &buf, NULL, 4096, &e) < 0) return;
  for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
    struct psi_line *pl = strncmp(line, "some ", 5) == 0 ? &out->some : strncmp(line, "full ", 5) == 0 ? &out->full : NULL;
    if (pl && sscanf(line + 5, "avg10=%lf avg60=%lf avg300=%lf total=%" SCNu64, &pl->avg10, &pl->avg60,
                     &pl->avg300, &pl->total) == 4)
      pl->set = out->set = true;
  }
}

/* ---- output ---- */

struct view {
  struct oc_policy pol;
  struct oc_host host;
  struct oc_ledger l;
  size_t stale;
  struct oc_capacity cap[OC_RES_COUNT];
  struct live *live;
  struct psi psi[3];
  size_t unbounded, orchestrated, opt_out;
};

static const char *num(char *buf, size_t len, double v) { return oc_capacity_fmt(buf, len, v, false); }

static void print_explain(const struct view *v) {
  char a[32], b[32], c[32], d[32], f[160];
  for (int r = 0; r < OC_RES_COUNT; r++) {
    const struct oc_capacity *x = &v->cap[r];
    oc_capacity_formula(x, f, sizeof f);
    printf("%s:\n  capacity    %s = (total − reserved) × ratio × (1 − HA) = %s\n", x->name,
           num(a, sizeof a, x->capacity), f);
    printf("  allocated   %s = sum over %zu containers%s\n", num(a, sizeof a, x->allocated), v->l.n,
           r == OC_RES_MEMORY_MB ? " (limits rounded up to MB; unbounded ones count 0)" : "");
    printf("  free        %s = %s − %s\n", num(a, sizeof a, x->free), num(b, sizeof b, x->capacity),
           num(c, sizeof c, x->allocated));
    printf("  largest fit %s = min(free %s, total − reserved %s), not below 0\n",
           num(a, sizeof a, x->largest_fit), num(b, sizeof b, x->free), num(d, sizeof d, x->total - x->reserved));
  }
  printf("effective overcommit %s = allocated %s vCPUs / %s physical CPUs\n",
         num(a, sizeof a, v->cap[OC_RES_VCPU].allocated / v->host.cpus),
         num(b, sizeof b, v->cap[OC_RES_VCPU].allocated), num(c, sizeof c, v->host.cpus));
  printf("admission: refused when allocated + requested > capacity, or requested > total − reserved\n");
}

static void print_table(const struct view *v, bool explain) {
  char s[9][32];
  printf("policy: %s (mode %s%s%s)\n", v->pol.source, oc_policy_mode_name(v->pol.mode),
         v->pol.preset ? ", preset " : "", v->pol.preset ? v->pol.preset : "");
  printf("%-10s %8s %9s %6s %6s %9s %10s %9s %12s\n", "RESOURCE", "TOTAL", "RESERVED", "RATIO", "HA",
         "CAPACITY", "ALLOCATED", "FREE", "LARGEST_FIT");
  for (int r = 0; r < OC_RES_COUNT; r++) {
    const struct oc_capacity *x = &v->cap[r];
    snprintf(s[4], sizeof s[4], "%s%%", num(s[8], sizeof s[8], x->ha * 100));
    printf("%-10s %8s %9s %6s %6s %9s %10s %9s %12s\n", x->name, num(s[0], 32, x->total),
           num(s[1], 32, x->reserved), oc_capacity_fmt(s[2], 32, x->ratio, true), s[4],
           num(s[3], 32, x->capacity), num(s[5], 32, x->allocated), num(s[6], 32, x->free),
           num(s[7], 32, x->largest_fit));
  }
  printf("effective overcommit: %.2f vCPU per physical CPU (%s vCPUs on %s CPUs)\n",
         v->cap[OC_RES_VCPU].allocated / v->host.cpus, num(s[0], 32, v->cap[OC_RES_VCPU].allocated),
         num(s[1], 32, v->host.cpus));
  printf("containers: %zu (%zu unbounded, %zu orchestrated, %zu opted out)", v->l.n, v->unbounded,
         v->orchestrated, v->opt_out);
  if (v->stale) printf("; %zu stale entries, released at the next admission", v->stale);
  printf("\n");
  bool any_psi = false;
  for (int i = 0; i < 3; i++) {
    const struct psi *p = &v->psi[i];
    if (!p->set) continue;
    printf("%s %s some avg10=%.2f avg60=%.2f", any_psi ? ";" : "pressure:", psi_names[i], p->some.avg10, p->some.avg60);
    if (p->full.set) printf(" full avg10=%.2f avg60=%.2f", p->full.avg10, p->full.avg60);
    any_psi = true;
  }
  printf(any_psi ? "\n" : "pressure: not available (no /proc/pressure)\n");
  if (explain) print_explain(v);
  if (v->l.n == 0) return;
  int w = 2;
  for (size_t i = 0; i < v->l.n; i++)
    if ((int)strlen(v->l.v[i].id) > w) w = (int)strlen(v->l.v[i].id);
  printf("\n%-*s %6s %10s %6s %10s %9s %9s %9s %8s %s\n", w, "ID", "VCPUS", "MEMORY_MB", "WEIGHT", "CPU_S",
         "MEM_MB", "OOM_KILLS", "THROTTLED", "PID", "FLAGS");
  for (size_t i = 0; i < v->l.n; i++) {
    const struct oc_ledger_entry *en = &v->l.v[i];
    const struct live *lv = &v->live[i];
    char lim[32] = "-", cpu[32] = "-", mem[32] = "-", oom[32] = "-", thr[32] = "-";
    if (en->size.memory_bytes > 0) snprintf(lim, sizeof lim, "%" PRId64, oc_ledger_charged_mb(&en->size));
    if (lv->cpu) snprintf(cpu, sizeof cpu, "%.1f", (double)lv->cpu_usec / 1e6);
    if (lv->mem) snprintf(mem, sizeof mem, "%.1f", (double)lv->mem_bytes / (double)MIB);
    if (lv->oom) snprintf(oom, sizeof oom, "%" PRIu64, lv->oom_kills);
    if (lv->thr) snprintf(thr, sizeof thr, "%" PRIu64, lv->nr_throttled);
    char flags[64] = "";
    unsigned f = en->size.flags;
    snprintf(flags, sizeof flags, "%s%s%s%s", (f & OC_SIZE_UNBOUNDED) ? "unbounded," : "",
             (f & OC_SIZE_ORCHESTRATED) ? "orchestrated," : "", (f & OC_SIZE_OPT_OUT) ? "opt-out," : "",
             en->pid == 0 ? "creating," : "");
    if (flags[0]) flags[strlen(flags) - 1] = '\0';
    printf("%-*s %6s %10s %6" PRIu64 " %10s %9s %9s %9s %8d %s\n", w, en->id, num(s[0], 32, en->size.vcpus), lim,
           en->size.weight, cpu, mem, oom, thr, (int)en->pid, flags[0] ? flags : "-");
  }
}

#define GS(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

static void gen_num(yajl_gen g, const char *k, double v) {
  char buf[64];
  int n = snprintf(buf, sizeof buf, "%.10g", v);
  GS(g, k);
  yajl_gen_number(g, buf, (size_t)n);
}

static void gen_opt_u64(yajl_gen g, const char *k, bool have, uint64_t v) {
  GS(g, k);
  if (have) yajl_gen_integer(g, (long long)v);
  else yajl_gen_null(g);
}

static void gen_bool(yajl_gen g, const char *k, bool v) {
  GS(g, k);
  yajl_gen_bool(g, v);
}

static void gen_psi_line(yajl_gen g, const char *k, const struct psi_line *p) {
  GS(g, k);
  if (!p->set) {
    yajl_gen_null(g);
    return;
  }
  yajl_gen_map_open(g);
  gen_num(g, "avg10", p->avg10);
  gen_num(g, "avg60", p->avg60);
  gen_num(g, "avg300", p->avg300);
  gen_num(g, "total", (double)p->total);
  yajl_gen_map_close(g);
}

static void gen_container(yajl_gen g, const struct oc_ledger_entry *en, const struct live *lv) {
  yajl_gen_map_open(g);
  GS(g, "id"), GS(g, en->id);
  GS(g, "root"), GS(g, en->root);
  GS(g, "cgroup");
  if (en->cgroup_path) GS(g, en->cgroup_path);
  else yajl_gen_null(g);
  gen_num(g, "vcpus", en->size.vcpus);
  gen_opt_u64(g, "memory_limit_bytes", en->size.memory_bytes > 0, (uint64_t)en->size.memory_bytes);
  gen_num(g, "memory_charged_mb", (double)oc_ledger_charged_mb(&en->size));
  gen_num(g, "weight", (double)en->size.weight);
  gen_num(g, "pid", en->pid);
  gen_bool(g, "unbounded", en->size.flags & OC_SIZE_UNBOUNDED);
  gen_bool(g, "orchestrated", en->size.flags & OC_SIZE_ORCHESTRATED);
  gen_bool(g, "opt_out", en->size.flags & OC_SIZE_OPT_OUT);
  gen_num(g, "created", (double)en->created);
  gen_opt_u64(g, "cpu_usage_usec", lv->cpu, lv->cpu_usec);
  gen_opt_u64(g, "memory_usage_bytes", lv->mem, lv->mem_bytes);
  gen_opt_u64(g, "oom_kills", lv->oom, lv->oom_kills);
  gen_opt_u64(g, "nr_throttled", lv->thr, lv->nr_throttled);
  yajl_gen_map_close(g);
}

static int print_json(const struct view *v) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) return -1;
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_map_open(g);
  GS(g, "policy"), yajl_gen_map_open(g);
  GS(g, "source"), GS(g, v->pol.source);
  GS(g, "mode"), GS(g, oc_policy_mode_name(v->pol.mode));
  GS(g, "preset");
  if (v->pol.preset) GS(g, v->pol.preset);
  else yajl_gen_null(g);
  yajl_gen_map_close(g);
  GS(g, "resources"), yajl_gen_map_open(g);
  for (int r = 0; r < OC_RES_COUNT; r++) {
    const struct oc_capacity *x = &v->cap[r];
    char f[160];
    oc_capacity_formula(x, f, sizeof f);
    GS(g, x->name), yajl_gen_map_open(g);
    gen_num(g, "total", x->total);
    gen_num(g, "reserved", x->reserved);
    gen_num(g, "ratio", x->ratio);
    gen_num(g, "ha_reserve", x->ha);
    gen_num(g, "capacity", x->capacity);
    gen_num(g, "allocated", x->allocated);
    gen_num(g, "free", x->free);
    gen_num(g, "largest_fit", x->largest_fit);
    GS(g, "formula"), GS(g, f);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
  gen_num(g, "effective_overcommit", v->cap[OC_RES_VCPU].allocated / v->host.cpus);
  GS(g, "counts"), yajl_gen_map_open(g);
  gen_num(g, "containers", (double)v->l.n);
  gen_num(g, "unbounded", (double)v->unbounded);
  gen_num(g, "orchestrated", (double)v->orchestrated);
  gen_num(g, "opt_out", (double)v->opt_out);
  gen_num(g, "stale", (double)v->stale);
  yajl_gen_map_close(g);
  GS(g, "containers"), yajl_gen_array_open(g);
  for (size_t i = 0; i < v->l.n; i++) gen_container(g, &v->l.v[i], &v->live[i]);
  yajl_gen_array_close(g);
  GS(g, "pressure"), yajl_gen_map_open(g);
  for (int i = 0; i < 3; i++) {
    GS(g, psi_names[i]);
    if (!v->psi[i].set) {
      yajl_gen_null(g);
      continue;
    }
    yajl_gen_map_open(g);
    gen_psi_line(g, "some", &v->psi[i].some);
    gen_psi_line(g, "full", &v->psi[i].full);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  int r = yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok ? 0 : -1;
  if (r == 0) printf("%.*s\n", (int)len, buf);
  yajl_gen_free(g);
  return r;
}

int cmd_capacity(struct oc_globals *g, int argc, char **argv) {
  (void)g; /* the ledger is host-wide: it covers every --root */
  struct oc_err e = {0};
  bool help = false, explain = false, dump = false;
  const char *format = "table", *policy_path = NULL;
  const struct oc_opt opts[] = {{"format", 'f', &format, NULL}, {"explain", 0, NULL, &explain},
                                {"policy-dump", 0, NULL, &dump}, {"policy", 0, &policy_path, NULL},
                                {NULL, 0, NULL, NULL}};
  int first = oc_parse_opts(argc, argv, opts, &help, NULL, NULL, &e);
  if (first < 0) return oc_log_fail(&e);
  if (help) {
    usage();
    return 0;
  }
  if (first < argc) {
    oc_log_error("capacity: unexpected argument \"%s\"", argv[first]);
    return 1;
  }
  bool json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "table") != 0) {
    oc_log_error("invalid format option \"%s\": must be table or json", format);
    return 1;
  }
  struct view v = {0};
  if (oc_policy_load(policy_path ? policy_path : g->policy, &v.pol, &e) < 0) return oc_log_fail(&e);
  if (dump) {
    _cleanup_free_ char *pj = oc_policy_json(&v.pol, &e);
    if (!pj) return oc_log_fail(&e);
    printf("%s\n", pj);
    return 0;
  }
  if (oc_host_detect(&v.host, &e) < 0 || oc_ledger_snapshot(&v.l, &v.stale, &e) < 0) return oc_log_fail(&e);
  oc_capacity_compute(&v.pol, &v.host, &v.l, v.cap);
  v.live = calloc(v.l.n + 1, sizeof *v.live);
  if (!v.live) {
    oc_ledger_free(&v.l);
    oc_log_error("capacity: out of memory");
    return 1;
  }
  for (size_t i = 0; i < v.l.n; i++) {
    unsigned f = v.l.v[i].size.flags;
    v.unbounded += !!(f & OC_SIZE_UNBOUNDED);
    v.orchestrated += !!(f & OC_SIZE_ORCHESTRATED);
    v.opt_out += !!(f & OC_SIZE_OPT_OUT);
    live_read(&v.l.v[i], &v.live[i]);
  }
  for (int i = 0; i < 3; i++) psi_read(psi_names[i], &v.psi[i]);
  int r = 0;
  if (json) r = print_json(&v);
  else print_table(&v, explain);
  free(v.live);
  oc_ledger_free(&v.l);
  if (r < 0) {
    oc_log_error("capacity: JSON output failed");
    return 1;
  }
  return 0;
}
