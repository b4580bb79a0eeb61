/* `capacity --format json`: every field is described in ocrun(8) (contrib/man/ocrun.8). */
#define _GNU_SOURCE
#include <string.h>
#include <yajl/yajl_gen.h>

#include "overcommit/sizing.h"
#include "runtime/capacity.h"
#include "overcommit/ledger.h"
#include "base/user_dirs.h"

#define GS(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

/* v's decimal digits at buf (no NUL); how many. */
static int put_u64(char *buf, uint64_t v) {
  char tmp[20];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
  return n;
}

/* v as "%.10g" prints it. Most numbers here are whole (ids, sizes, times) or hundredths (the
 * kernel's PSI averages), and a node's document has tens of thousands of them: those are
 * written digit by digit, the rest by snprintf. */
static int fmt_num(char *buf, size_t len, double v) {
  if (v >= 0 && v < 1e9) {
    long long c = (long long)(v * 100 + 0.5);
    double d = v * 100 - (double)c;
    /* up to 9 digits, all of them significant to %.10g; nothing left over but float error */
    if (d < 1e-9 && d > -1e-9 && (c > 0 || v == 0) && (c % 100 == 0 || v < 1e7)) {
      int n = put_u64(buf, (uint64_t)(c / 100)), f = (int)(c % 100);
      if (f != 0) {
        buf[n++] = '.';
        buf[n++] = (char)('0' + f / 10);
        if (f % 10) buf[n++] = (char)('0' + f % 10);
      }
      return n;
    }
  }
  return snprintf(buf, len, "%.10g", v);
}

static void gen_num(yajl_gen g, const char *k, double v) {
  char buf[64];
  int n = fmt_num(buf, sizeof buf, v);
  GS(g, k);
  yajl_gen_number(g, buf, (size_t)n);
}

static void gen_opt_num(yajl_gen g, const char *k, bool have, double v) {
  if (have) {
    gen_num(g, k, v);
    return;
  }
  GS(g, k);
  yajl_gen_null(g);
}

static void gen_opt_u64(yajl_gen g, const char *k, bool have, uint64_t v) {
  GS(g, k);
  char buf[20];
  if (have) yajl_gen_number(g, buf, (size_t)put_u64(buf, v));
  else yajl_gen_null(g);
}

static void gen_bool(yajl_gen g, const char *k, bool v) {
  GS(g, k);
  yajl_gen_bool(g, v);
}

static void gen_str(yajl_gen g, const char *k, const char *v) {
  GS(g, k);
  if (v) GS(g, v);
  else yajl_gen_null(g);
}

static void gen_psi_line(yajl_gen g, const char *k, const struct oc_psi_line *p) {
  GS(g, k);
  if (!p->set) {
    yajl_gen_null(g);
    return;
  }
  yajl_gen_map_open(g);
  gen_num(g, "avg10", p->avg10);
  gen_num(g, "avg60", p->avg60);
  gen_num(g, "avg300", p->avg300);
  gen_opt_u64(g, "total", true, p->total_usec); /* µs since boot: too many digits for %.10g */
  yajl_gen_map_close(g);
}

/* {"cpu": {"some": {...}, "full": {...}} | null, "memory": ..., "io": ...} */
static void gen_pressure(yajl_gen g, const struct oc_psi psi[OC_PSI_COUNT]) {
  yajl_gen_map_open(g);
  for (int i = 0; i < OC_PSI_COUNT; i++) {
    GS(g, oc_psi_names[i]);
    if (!psi[i].set) {
      yajl_gen_null(g);
      continue;
    }
    yajl_gen_map_open(g);
    gen_psi_line(g, "some", &psi[i].some);
    gen_psi_line(g, "full", &psi[i].full);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
}

static void gen_container(yajl_gen g, const struct oc_ledger_entry *en, const struct oc_capview_live *lv) {
  yajl_gen_map_open(g);
  gen_str(g, "id", en->id);
  gen_str(g, "root", en->root);
  gen_str(g, "cgroup", en->cgroup_path);
  gen_num(g, "vcpus", en->size.vcpus);
  gen_str(g, "vcpus_from", oc_vcpu_source_name(oc_size_vcpu_source(&en->size)));
  gen_opt_u64(g, "memory_limit_bytes", en->size.memory_bytes > 0, (uint64_t)en->size.memory_bytes);
  gen_num(g, "memory_charged_mb", (double)oc_ledger_charged_mb(&en->size));
  gen_num(g, "weight", (double)en->size.weight);
  gen_opt_u64(g, "host_weight", lv->weight, lv->weight_value);
  gen_num(g, "pid", en->pid);
  gen_bool(g, "unbounded", en->size.flags & OC_SIZE_UNBOUNDED);
  gen_bool(g, "no_cgroup", en->size.flags & OC_SIZE_NO_CGROUP);
  gen_bool(g, "orchestrated", en->size.flags & OC_SIZE_ORCHESTRATED);
  gen_bool(g, "opt_out", en->size.flags & OC_SIZE_OPT_OUT);
  gen_bool(g, "creating", en->pid == 0);
  gen_num(g, "created", (double)en->created);
  gen_opt_u64(g, "cpu_usage_usec", lv->cpu, lv->cpu_ns / 1000);
  gen_opt_num(g, "cpu_percent", lv->rate, lv->cpu_percent);
  gen_opt_u64(g, "memory_usage_bytes", lv->mem, lv->mem_bytes);
  gen_opt_u64(g, "oom_kills", lv->oom, lv->oom_kills);
  gen_opt_u64(g, "nr_throttled", lv->thr, lv->nr_throttled);
  GS(g, "pressure");
  bool any = false;
  for (int i = 0; i < OC_PSI_COUNT; i++) any |= lv->psi[i].set;
  if (any) gen_pressure(g, lv->psi);
  else yajl_gen_null(g);
  yajl_gen_map_close(g);
}

static void gen_resources(yajl_gen g, const struct oc_capview *v) {
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
    gen_str(g, "formula", f);
    gen_bool(g, "over_capacity", oc_capview_over(x));
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
  GS(g, "over_capacity"), yajl_gen_array_open(g);
  for (int r = 0; r < OC_RES_COUNT; r++)
    if (oc_capview_over(&v->cap[r])) GS(g, v->cap[r].name);
  yajl_gen_array_close(g);
}

int oc_capview_json(FILE *out, const struct oc_capview *v, bool pretty) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) return -1;
  yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_map_open(g);
  GS(g, "policy"), yajl_gen_map_open(g);
  gen_str(g, "source", v->pol.source);
  gen_str(g, "mode", oc_policy_mode_name(v->pol.mode));
  gen_str(g, "preset", v->pol.preset);
  yajl_gen_map_close(g);
  gen_str(g, "view", oc_rootless() ? "user" : "host");
  gen_str(g, "ledger", oc_ledger_dir());
  GS(g, "host"), yajl_gen_map_open(g);
  gen_str(g, "cgroup", v->cgroup_mode);
  gen_str(g, "weight_file", v->weight_file);
  yajl_gen_map_close(g);
  gen_num(g, "time", (double)v->time);
  gen_opt_num(g, "cpu_window_s", v->window_s > 0, v->window_s);
  gen_str(g, "cpu_window_from", v->window_s > 0 ? oc_capview_window_name(v->window_from) : NULL);
  gen_resources(g, v);
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
  GS(g, "pressure");
  gen_pressure(g, v->psi);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  int r = yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok ? 0 : -1;
  /* yajl's beautified output ends with a newline, the compact one does not */
  if (r == 0) fprintf(out, "%.*s%s", (int)len, buf, len && buf[len - 1] == '\n' ? "" : "\n");
  yajl_gen_free(g);
  return r;
}
