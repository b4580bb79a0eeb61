/* Unit tests: what `capacity` prints from a sample — PSI parsing, CPU rates between two samples,
 * the OVER CAPACITY marker, the table's legend and the JSON, on views built by hand. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "base/cleanup.h"
#include "base/psi.h"
#include "overcommit/sizing.h"
#include "runtime/capacity.h"

#define GIB (INT64_C(1) << 30)

static const char psi_text[] = "some avg10=2.34 avg60=1.50 avg300=0.25 total=123456789012\n"
                               "full avg10=0.50 avg60=0.10 avg300=0.00 total=42\n";

static void test_psi_parse(void **state) {
  (void)state;
  struct oc_psi p;
  assert_true(oc_psi_parse(psi_text, &p));
  assert_true(p.some.set && p.full.set);
  assert_true(p.some.avg10 == 2.34 && p.some.avg60 == 1.5 && p.some.avg300 == 0.25);
  assert_true(p.some.total_usec == UINT64_C(123456789012));
  assert_true(p.full.avg10 == 0.5 && p.full.total_usec == 42);
  /* Host cpu on kernels before 5.13: only a "some" line. */
  assert_true(oc_psi_parse("some avg10=9.00 avg60=0.00 avg300=0.00 total=1\n", &p));
  assert_true(p.some.set && !p.full.set && p.some.avg10 == 9.0);
  assert_false(oc_psi_parse("", &p));
  assert_false(oc_psi_parse("some avg10=x\nnonsense\n", &p));
  assert_false(p.set || p.some.set || p.full.set);
}

/* A view of entries on a node of 8 CPUs and 2560 MB (capacity 2048 MB under the defaults). */
static void view_of(struct oc_capview *v, struct oc_ledger_entry *en, size_t n, struct oc_capview_live *live,
                    enum oc_policy_mode mode) {
  *v = (struct oc_capview){0};
  oc_policy_defaults(&v->pol);
  v->pol.mode = mode;
  v->host = (struct oc_host){.cpus = 8, .memory_mb = 2560};
  v->l = (struct oc_ledger){.v = en, .n = n};
  oc_capacity_compute(&v->pol, &v->host, &v->l, v->cap);
  v->live = live;
  v->cgroup_mode = "hybrid";
  v->weight_file = "cpu.shares";
  v->time = 1700000000;
  for (int i = 0; i < OC_PSI_COUNT; i++) assert_true(oc_psi_parse(psi_text, &v->psi[i]));
}

static struct oc_ledger_entry entry(const char *id, pid_t pid, int64_t mem, unsigned flags) {
  return (struct oc_ledger_entry){.id = (char *)id, .root = (char *)"/run/ocrun", .cgroup_path = (char *)"/ocrun-test/x",
                                  .size = {.vcpus = 1, .memory_bytes = mem, .weight = 100, .flags = flags},
                                  .pid = pid, .created = 1700000000};
}

static char *table(const struct oc_capview *v, bool legend) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  oc_capview_table(f, v, false, legend);
  assert_int_equal(fclose(f), 0);
  return buf;
}

static void test_rates(void **state) {
  (void)state;
  struct oc_ledger_entry en[3] = {entry("a", 10, GIB, 0), entry("b", 11, GIB, 0), entry("c", 12, GIB, 0)};
  struct oc_ledger_entry en2[3] = {entry("a", 10, GIB, 0), entry("b", 99, GIB, 0), entry("c", 12, GIB, 0)};
  struct oc_capview_live l1[3] = {{.cpu = true, .cpu_ns = 1000000000, .sampled_ns = 5000000000},
                                  {.cpu = true, .cpu_ns = 0, .sampled_ns = 5000000000},
                                  {.cpu = true, .cpu_ns = 900, .sampled_ns = 5000000000}};
  /* a: 100 ms of CPU in 200 ms; b: another init (pid 99); c: the counter went back. */
  struct oc_capview_live l2[3] = {{.cpu = true, .cpu_ns = 1100000000, .sampled_ns = 5200000000},
                                  {.cpu = true, .cpu_ns = 50000000, .sampled_ns = 5200000000},
                                  {.cpu = true, .cpu_ns = 100, .sampled_ns = 5200000000}};
  struct oc_capview prev, cur;
  view_of(&prev, en, 3, l1, OC_POLICY_ENFORCE);
  view_of(&cur, en2, 3, l2, OC_POLICY_ENFORCE);
  prev.sampled_ns = 5000000000;
  cur.sampled_ns = 5200000000;
  assert_true(oc_capview_has_cpu(&prev));
  oc_capview_rates(&cur, &prev);
  assert_true(l2[0].rate);
  assert_true(l2[0].cpu_percent > 49.999 && l2[0].cpu_percent < 50.001);
  assert_false(l2[1].rate);
  assert_false(l2[2].rate);
  assert_true(cur.window_s > 0.1999 && cur.window_s < 0.2001);
  _cleanup_free_ char *t = table(&cur, true);
  assert_non_null(
      strstr(t, "CPU used over the last 0.2 s (since the previous frame),\n               in % of one CPU"));
  /* The rate in the CPU% column, "-" where there is none. */
  assert_non_null(strstr(t, "   50.0 "));
  /* No rate anywhere: no window. */
  for (int i = 0; i < 3; i++) l2[i].cpu = false;
  oc_capview_rates(&cur, &prev);
  assert_true(cur.window_s == 0);
  assert_false(oc_capview_has_cpu(&cur));
}

/* Write LEDGER/capacity-look by hand: the boot id line, then the given lines. */
static void write_look(const char *dir, const char *boot, const char *lines) {
  char path[4200];
  snprintf(path, sizeof path, "%s/capacity-look", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "ocrun-capacity-look 2 %s\n%s", boot, lines);
  assert_int_equal(fclose(f), 0);
}

static char *boot_id(void) {
  static char id[64];
  FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
  assert_non_null(f);
  assert_non_null(fgets(id, sizeof id, f));
  fclose(f);
  id[strcspn(id, "\n")] = '\0';
  return id;
}

/* The look in the ledger dir, loaded as a call does, and the rates of v from it. */
static int rates_from_file(struct oc_capview *v, struct oc_err *e) {
  struct oc_capview_look *look = NULL;
  if (oc_capview_look_load(&look, e) < 0) return -1;
  int r = oc_capview_rates_from_look(v, look, 200000000, 60000000000, e);
  oc_capview_look_free(look);
  return r;
}

/* The look a call keeps for the next: used when it fits, "no previous look" for anything else. */
static void test_look(void **state) {
  (void)state;
  char dir[] = "/tmp/ocrun-unit-look.XXXXXX";
  assert_non_null(mkdtemp(dir));
  setenv("OCRUN_LEDGER_DIR", dir, 1);
  struct oc_ledger_entry en[2] = {entry("a", 10, GIB, 0), entry("b", 11, GIB, 0)};
  en[0].start_time = 500;
  en[1].start_time = 600;
  struct oc_capview_live l1[2] = {{.cpu = true, .cpu_ns = 1000000000, .sampled_ns = 5000000000},
                                  {.cpu = true, .cpu_ns = 7, .sampled_ns = 5000000000}};
  struct oc_capview v;
  struct oc_err e = {0};
  view_of(&v, en, 2, l1, OC_POLICY_ENFORCE);
  /* None yet. */
  assert_true(rates_from_file(&v, &e) < 0);
  assert_int_equal(oc_capview_look_save(&v, &e), 0);
  /* 1 s later: a used 0.5 s of CPU, b none. */
  struct oc_capview_live l2[2] = {{.cpu = true, .cpu_ns = 1500000000, .sampled_ns = 6000000000},
                                  {.cpu = true, .cpu_ns = 7, .sampled_ns = 6000000000}};
  view_of(&v, en, 2, l2, OC_POLICY_ENFORCE);
  assert_int_equal(rates_from_file(&v, &e), 0);
  assert_true(l2[0].rate && l2[1].rate);
  assert_true(l2[0].cpu_percent > 49.999 && l2[0].cpu_percent < 50.001);
  assert_true(l2[1].cpu_percent == 0);
  assert_true(v.window_s > 0.999 && v.window_s < 1.001 && v.window_from == OC_WINDOW_PREVIOUS_CALL);
  _cleanup_free_ char *t = table(&v, true);
  assert_non_null(strstr(t, "CPU used over the last 1.0 s (since the previous capacity call)"));
  /* Too young (0.1 s) and too old (61 s): not a window to use. */
  for (int64_t at = 5100000000; at; at = at == 5100000000 ? 66000000000 : 0) {
    struct oc_capview_live l3[2] = {{.cpu = true, .cpu_ns = 1500000000, .sampled_ns = at},
                                    {.cpu = true, .cpu_ns = 7, .sampled_ns = at}};
    view_of(&v, en, 2, l3, OC_POLICY_ENFORCE);
    assert_true(rates_from_file(&v, &e) < 0);
    assert_false(l3[0].rate || l3[1].rate);
    assert_int_equal(e.errnum, ESTALE);
  }
  /* b's id now names another container (another init, or the same pid started again). */
  struct oc_ledger_entry en2[2] = {en[0], entry("b", 12, GIB, 0)};
  en2[1].start_time = 600;
  view_of(&v, en2, 2, l2, OC_POLICY_ENFORCE);
  l2[0].rate = l2[1].rate = false;
  assert_true(rates_from_file(&v, &e) < 0);
  assert_false(l2[0].rate || l2[1].rate);
  en2[1] = en[1];
  en2[1].start_time = 601;
  assert_true(rates_from_file(&v, &e) < 0);
  /* A counter that went back. */
  struct oc_capview_live back[2] = {{.cpu = true, .cpu_ns = 900000000, .sampled_ns = 6000000000},
                                    {.cpu = true, .cpu_ns = 7, .sampled_ns = 6000000000}};
  view_of(&v, en, 2, back, OC_POLICY_ENFORCE);
  assert_true(rates_from_file(&v, &e) < 0);
  assert_false(back[0].rate);
  /* A look from another boot, a garbled one, a truncated one, one with a NUL: none. */
  view_of(&v, en, 2, l2, OC_POLICY_ENFORCE);
  const char *good = "10 500 1000000000 5000000000 a /run/ocrun\n11 600 7 5000000000 b /run/ocrun\n";
  write_look(dir, boot_id(), good);
  assert_int_equal(rates_from_file(&v, &e), 0);
  /* The inits it names, by id and root (a root may hold spaces). */
  write_look(dir, boot_id(), "10 500 1000000000 5000000000 a /run/ocrun\n12 700 1 5000000000 a /run/x y\n");
  struct oc_capview_look *look = NULL;
  assert_int_equal(oc_capview_look_load(&look, &e), 0);
  pid_t pid = 0;
  unsigned long long start = 0;
  assert_true(oc_capview_look_init(look, "a", "/run/ocrun", &pid, &start));
  assert_true(pid == 10 && start == 500);
  assert_true(oc_capview_look_init(look, "a", "/run/x y", &pid, &start));
  assert_true(pid == 12 && start == 700);
  assert_false(oc_capview_look_init(look, "a", "/run/x", &pid, &start));
  assert_false(oc_capview_look_init(look, "b", "/run/ocrun", &pid, &start));
  oc_capview_look_free(look);
  write_look(dir, "00000000-0000-0000-0000-000000000000", good);
  assert_true(rates_from_file(&v, &e) < 0);
  assert_int_equal(e.errnum, ESTALE);
  const char *bad[] = {"10 500 x 5000000000 a /run/ocrun\n11 600 7 5000000000 b /run/ocrun\n",
                       "10 500 1000000000 5000000000 a /run/ocrun\n11 600 7",
                       "10 500 1000000000 5000000000 a run\n11 600 7 5000000000 b /run/ocrun\n",
                       "10 500 1000000000 5000000000 a\n11 600 7 5000000000 b /run/ocrun\n",
                       "10 500 1000000000 5000000000 /run/ocrun\n11 600 7 5000000000 b /run/ocrun\n",
                       "-10 500 1000000000 5000000000 a /run/ocrun\n11 600 7 5000000000 b /run/ocrun\n"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    write_look(dir, boot_id(), bad[i]);
    assert_true(rates_from_file(&v, &e) < 0);
  }
  char path[4200];
  snprintf(path, sizeof path, "%s/capacity-look", dir);
  unlink(path);
  rmdir(dir);
  unsetenv("OCRUN_LEDGER_DIR");
}

static void test_over_capacity(void **state) {
  (void)state;
  struct oc_ledger_entry en[3] = {entry("a", 10, GIB, 0), entry("b", 11, GIB, 0), entry("c", 12, GIB, 0)};
  struct oc_capview_live live[3] = {{0}};
  struct oc_capview v;
  view_of(&v, en, 2, live, OC_POLICY_WARN); /* 2048 of 2048: full, not over */
  assert_false(oc_capview_over(&v.cap[OC_RES_MEMORY_MB]));
  _cleanup_free_ char *full = table(&v, false);
  assert_null(strstr(full, "OVER CAPACITY"));
  view_of(&v, en, 3, live, OC_POLICY_WARN);
  assert_true(oc_capview_over(&v.cap[OC_RES_MEMORY_MB]));
  assert_false(oc_capview_over(&v.cap[OC_RES_VCPU]));
  _cleanup_free_ char *over = table(&v, false);
  assert_non_null(strstr(over, " -1024            0  OVER CAPACITY\n"));
  assert_non_null(strstr(over, "OVER CAPACITY: MEMORY_MB allocated 3072 > capacity 2048, over by 1024 (mode warn"));
  /* The epsilon: float sums of vCPUs at capacity are not over. */
  struct oc_capacity c = {.capacity = 128, .allocated = 128.0000000001};
  assert_false(oc_capview_over(&c));
  c.allocated = 128.01;
  assert_true(oc_capview_over(&c));
}

static void test_table_legend(void **state) {
  (void)state;
  struct oc_ledger_entry en[2] = {entry("a", 10, GIB, 0), entry("k", 0, -1, OC_SIZE_UNBOUNDED | OC_SIZE_ORCHESTRATED)};
  struct oc_capview_live live[2] = {{.weight = true, .weight_value = 2048}, {0}};
  assert_true(oc_psi_parse(psi_text, &live[0].psi[OC_PSI_CPU]));
  struct oc_capview v;
  view_of(&v, en, 2, live, OC_POLICY_ENFORCE);
  _cleanup_free_ char *t = table(&v, true);
  /* Every column has a line in the legend, which comes after the container rows. */
  static const char *const cols[] = {"TOTAL", "RESERVED", "RATIO", "HA", "CAPACITY", "ALLOCATED", "FREE",
                                     "LARGEST_FIT", "VCPUS", "MEMORY_MB", "WEIGHT", "CPU%", "MEM_MB",
                                     "OOM_KILLS", "THROTTLED", "CPU_PSI", "PID", "FLAGS"};
  const char *legend = strstr(t, "\nlegend:\n");
  assert_non_null(legend);
  assert_true(legend > strstr(t, "\nk "));
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
    char line[64];
    snprintf(line, sizeof line, "\n  %-12s ", cols[i]);
    if (!strstr(legend, line)) fail_msg("no legend line for %s", cols[i]);
  }
  assert_non_null(strstr(legend, "its cpu.shares (cgroup v1; 1024 per vCPU"));
  assert_non_null(strstr(legend, "unbounded: no memory limit"));
  /* The row: live weight 2048 (not the ledger's 100), the cgroup's cpu pressure, flags spelled out. */
  assert_non_null(strstr(t, "\na       1       1024    2048      -         -         -         -     2.3       10 -\n"));
  assert_non_null(strstr(t, "\nk       1          -       -      -         -         -         -       -        0 "
                            "unbounded,orchestrated,creating\n"));
  /* Pressure as "cpu some 10s: N %" (no host-wide cpu full), never the raw file. */
  assert_non_null(strstr(t, "pressure (host): cpu some 10s: 2.3 %; memory some 10s: 2.3 %, full 10s: 0.5 %; "
                            "io some 10s: 2.3 %, full 10s: 0.5 %\n"));
  assert_null(strstr(t, "avg10"));
  /* Without the legend, and on a cgroup v2 host. */
  v.weight_file = "cpu.weight";
  _cleanup_free_ char *bare = table(&v, false);
  assert_null(strstr(bare, "legend:"));
  _cleanup_free_ char *v2 = table(&v, true);
  assert_non_null(strstr(v2, "its cpu.weight (cgroup v2; 100 per vCPU"));
  /* No PSI on the host; no containers: only the resource columns in the legend. */
  memset(v.psi, 0, sizeof v.psi);
  v.l.n = 0;
  _cleanup_free_ char *none = table(&v, true);
  assert_non_null(strstr(none, "pressure (host): not available"));
  assert_non_null(strstr(none, "\n  LARGEST_FIT  "));
  assert_null(strstr(none, "\n  VCPUS "));
}

static void test_json(void **state) {
  (void)state;
  struct oc_ledger_entry en[3] = {entry("a", 10, GIB, 0), entry("b", 11, GIB, 0), entry("c", 12, GIB, 0)};
  struct oc_capview_live live[3] = {{.cpu = true, .cpu_ns = 5000, .rate = true, .cpu_percent = 12.5}, {0}, {0}};
  assert_true(oc_psi_parse(psi_text, &live[0].psi[OC_PSI_IO]));
  struct oc_capview v;
  view_of(&v, en, 3, live, OC_POLICY_WARN);
  v.window_s = 0.2;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  assert_int_equal(oc_capview_json(f, &v, false), 0);
  assert_int_equal(fclose(f), 0);
  assert_non_null(strchr(buf, '\n'));
  assert_true(strchr(buf, '\n') == buf + len - 1); /* one line */
  char err[256];
  yajl_val t = yajl_tree_parse(buf, err, sizeof err);
  free(buf);
  if (!t) fail_msg("json: %s", err);
  const char *over[] = {"over_capacity", NULL}, *mem_over[] = {"resources", "MEMORY_MB", "over_capacity", NULL};
  yajl_val o = yajl_tree_get(t, over, yajl_t_array);
  assert_non_null(o);
  assert_int_equal(o->u.array.len, 1);
  assert_string_equal(YAJL_GET_STRING(o->u.array.values[0]), "MEMORY_MB");
  assert_true(YAJL_IS_TRUE(yajl_tree_get(t, mem_over, yajl_t_any)));
  const char *win[] = {"cpu_window_s", NULL}, *wf[] = {"host", "weight_file", NULL};
  assert_true(YAJL_GET_DOUBLE(yajl_tree_get(t, win, yajl_t_number)) == 0.2);
  assert_string_equal(YAJL_GET_STRING(yajl_tree_get(t, wf, yajl_t_string)), "cpu.shares");
  const char *cs[] = {"containers", NULL};
  yajl_val c = yajl_tree_get(t, cs, yajl_t_array);
  assert_non_null(c);
  yajl_val a = c->u.array.values[0], b = c->u.array.values[1];
  const char *pct[] = {"cpu_percent", NULL}, *usec[] = {"cpu_usage_usec", NULL}, *hw[] = {"host_weight", NULL};
  const char *pio[] = {"pressure", "io", "some", "total", NULL}, *pcpu[] = {"pressure", "cpu", NULL},
             *pr[] = {"pressure", NULL};
  assert_true(YAJL_GET_DOUBLE(yajl_tree_get(a, pct, yajl_t_number)) == 12.5);
  assert_int_equal(YAJL_GET_INTEGER(yajl_tree_get(a, usec, yajl_t_number)), 5);
  assert_true(YAJL_IS_NULL(yajl_tree_get(a, hw, yajl_t_any)));
  /* µs totals stay exact integers. */
  assert_true(YAJL_GET_INTEGER(yajl_tree_get(a, pio, yajl_t_number)) == INT64_C(123456789012));
  assert_true(YAJL_IS_NULL(yajl_tree_get(a, pcpu, yajl_t_any)));
  assert_true(YAJL_IS_NULL(yajl_tree_get(b, pct, yajl_t_any)));
  assert_true(YAJL_IS_NULL(yajl_tree_get(b, pr, yajl_t_any)));
  yajl_tree_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_psi_parse),     cmocka_unit_test(test_rates),        cmocka_unit_test(test_look),
      cmocka_unit_test(test_over_capacity), cmocka_unit_test(test_table_legend), cmocka_unit_test(test_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
