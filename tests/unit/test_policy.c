/* Unit tests: overcommit policy file, sizing, the admission ledger (incl. concurrency). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "cgroups/cgroup.h"
#include "overcommit/ledger.h"
#include "runtime/state.h"
#include "base/procfs.h"
#include "overcommit/policy.h"
#include "overcommit/sizing.h"
#include "oci/config.h"
#include "tests/unit/helpers.h"

#define MIB (INT64_C(1) << 20)
#define GIB (INT64_C(1) << 30)

static char tmp[128], ledger_dir[192], root[192];

/* The cgroup mode sizing.c sees: a fake unified root, or the real host. */
static void cg_mode_unified(bool on) { oc_cg_set_root_for_tests(on ? tmp : NULL, OC_CG_UNIFIED); }


/* Fresh temp dir, ledger dir and state root for each test; a fake host of 2 CPUs, 23552 MB. */
static int setup(void **state) {
  (void)state;
  snprintf(tmp, sizeof tmp, "/tmp/ocrun-policy-test-XXXXXX");
  if (!mkdtemp(tmp)) return -1;
  snprintf(ledger_dir, sizeof ledger_dir, "%s/ledger", tmp);
  snprintf(root, sizeof root, "%s/root", tmp);
  if (mkdir(root, 0700) < 0) return -1;
  setenv("OCRUN_LEDGER_DIR", ledger_dir, 1);
  oc_ledger_set_lookup(oc_state_lookup); /* as runtime/main.c does */
  setenv("OCRUN_HOST_CPUS", "2", 1);
  setenv("OCRUN_HOST_MEMORY_MB", "23552", 1);
  unsetenv("OCRUN_POLICY");
  cg_mode_unified(false);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  cg_mode_unified(false);
  return rm_rf(tmp);
}

static struct oc_policy policy_of(const char *json) {
  struct oc_policy p;
  struct oc_err e = {0};
  if (oc_policy_parse(json, strlen(json), "test.json", &p, &e) < 0) fail_msg("policy %s: %s", json, e.msg);
  return p;
}

static void policy_fails(const char *json, const char *want) {
  struct oc_policy p;
  struct oc_err e = {0};
  if (oc_policy_parse(json, strlen(json), "test.json", &p, &e) >= 0) fail_msg("no error for %s", json);
  if (!strstr(e.msg, want)) fail_msg("error \"%s\" lacks \"%s\"", e.msg, want);
  if (!strstr(e.msg, "policy test.json")) fail_msg("error \"%s\" does not name the file", e.msg);
  assert_null(strchr(e.msg, '\n'));
}

static struct oc_config *config_of(const char *json) {
  struct oc_config *c = NULL;
  struct oc_err e = {0};
  if (oc_config_parse(json, strlen(json), &c, &e) < 0) fail_msg("config %s: %s", json, e.msg);
  return c;
}

/* {"ociVersion":"1.0.0","root":{"path":"rootfs"}, "linux":{"resources":{<res>}} <extra>} */
static struct oc_config *config_res(const char *res, const char *extra) {
  char buf[2048];
  snprintf(buf, sizeof buf, "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"},"
           "\"linux\":{\"resources\":{%s}}%s}", res, extra ? extra : "");
  return config_of(buf);
}

static const char *unified_get(const struct oc_config *c, const char *key) {
  for (size_t i = 0; i < c->resources.unified.n; i++)
    if (strcmp(c->resources.unified.v[i].key, key) == 0) return c->resources.unified.v[i].value;
  return NULL;
}

static struct oc_admission_request request(const char *id, double vcpus, int64_t mem) {
  return (struct oc_admission_request){.id = id, .root = root, .cgroup_path = "/ocrun-test/x",
                                       .size = {.vcpus = vcpus, .memory_bytes = mem, .weight = 100}};
}

static int admit(const struct oc_policy *p, const char *id, double vcpus, int64_t mem,
                 struct oc_admit_result *res, struct oc_err *e) {
  struct oc_admission_request rq = request(id, vcpus, mem);
  return oc_ledger_admit(p, &rq, res, e);
}

static size_t ledger_count(size_t *stale) {
  struct oc_ledger l;
  struct oc_err e = {0};
  size_t s = 0;
  if (oc_ledger_snapshot(&l, &s, &e) < 0) fail_msg("snapshot: %s", e.msg);
  size_t n = l.n;
  oc_ledger_free(&l);
  if (stale) *stale = s;
  return n;
}

/* Is there an entry file for id (entries/<hash of root>.<id>)? */
static bool ledger_file_has(const char *id) {
  char dir[256];
  snprintf(dir, sizeof dir, "%s/entries", ledger_dir);
  DIR *d = opendir(dir);
  assert_non_null(d);
  bool found = false;
  for (struct dirent *de; !found && (de = readdir(d));) {
    const char *dot = strchr(de->d_name, '.');
    found = dot && dot != de->d_name && strcmp(dot + 1, id) == 0;
  }
  closedir(d);
  return found;
}

/* memory_mb of totals.json. */
static long long ledger_totals_mb(void) {
  char path[256], buf[512] = "";
  snprintf(path, sizeof path, "%s/totals.json", ledger_dir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  const char *m = strstr(buf, "\"memory_mb\":");
  assert_non_null(m);
  return strtoll(m + strlen("\"memory_mb\":"), NULL, 10);
}

/* A finished container's state dir (the pid is the ledger entry's, see create_in_child). */
static void make_state(const char *id) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", root, id);
  assert_int_equal(mkdir(p, 0700), 0);
  snprintf(p, sizeof p, "%s/%s/state.json", root, id);
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fprintf(f, "{\"id\":\"%s\",\"pid\":1}", id);
  assert_int_equal(fclose(f), 0);
}

/* ---- policy file ---- */

static void test_defaults(void **state) {
  (void)state;
  struct oc_policy p;
  oc_policy_defaults(&p);
  assert_int_equal(p.mode, OC_POLICY_ENFORCE);
  assert_true(p.cpu_allocation_ratio == 16.0 && p.ram_allocation_ratio == 1.0);
  assert_int_equal(p.reserved_host_memory_mb, 512);
  assert_true(p.reserved_host_cpus == 0 && p.default_vcpus == 1 && oc_policy_ha_fraction(&p) == 0);
  assert_int_equal(p.no_limit_policy, OC_NO_LIMIT_DEFAULT);
  assert_int_equal(p.default_memory_limit_mb, 1024);
  assert_true(p.swap_off && !p.oom_group && !p.allow_opt_out);
  assert_int_equal(p.orchestrated, OC_ORCH_COUNT);
  /* An empty file is the defaults too. */
  struct oc_policy q = policy_of("{}");
  assert_true(q.cpu_allocation_ratio == 16.0 && q.mode == OC_POLICY_ENFORCE);
  /* No file at the default path -> defaults; a given path must exist. */
  struct oc_err e = {0};
  if (access(OC_POLICY_DEFAULT_PATH, F_OK) != 0) {
    assert_int_equal(oc_policy_load(NULL, &q, &e), 0);
    assert_string_equal(q.source, "built-in defaults");
  }
  char path[256];
  snprintf(path, sizeof path, "%s/none.json", tmp);
  assert_true(oc_policy_load(path, &q, &e) < 0);
  assert_non_null(strstr(e.msg, path));
  setenv("OCRUN_POLICY", path, 1);
  assert_true(oc_policy_load(NULL, &q, &e) < 0);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("{\"mode\": \"warn\", \"preset\": \"openstack\"}", f);
  fclose(f);
  assert_int_equal(oc_policy_load(NULL, &q, &e), 0);
  assert_int_equal(q.mode, OC_POLICY_WARN);
  assert_string_equal(q.source, path);
  unsetenv("OCRUN_POLICY");
}

static void test_presets(void **state) {
  (void)state;
  struct oc_policy p = policy_of("{\"preset\":\"openstack-legacy\"}");
  assert_true(p.cpu_allocation_ratio == 16.0 && p.ram_allocation_ratio == 1.5);
  p = policy_of("{\"preset\":\"openstack\"}");
  assert_true(p.cpu_allocation_ratio == 4.0 && p.ram_allocation_ratio == 1.0);
  p = policy_of("{\"preset\":\"vm\"}");
  assert_int_equal(p.no_limit_policy, OC_NO_LIMIT_REJECT);
  assert_true(p.swap_off && p.oom_group);
  assert_string_equal(p.preset, "vm");
  /* The file's keys override the preset, whatever their order. */
  p = policy_of("{\"ram_allocation_ratio\": 2, \"no_limit_policy\": \"default\", \"preset\": \"vm\"}");
  assert_true(p.ram_allocation_ratio == 2.0 && p.cpu_allocation_ratio == 4.0);
  assert_int_equal(p.no_limit_policy, OC_NO_LIMIT_DEFAULT);
  assert_true(p.oom_group);
  p = policy_of("{\"mode\":\"off\",\"swap\":\"allow\",\"orchestrated\":\"enforce\",\"allow_opt_out\":true,"
                "\"ha_host_failures\":1,\"ha_cluster_size\":4,\"reserved_host_cpus\":0.5,"
                "\"default_vcpus\":0.25,\"default_memory_limit_mb\":256}");
  assert_int_equal(p.mode, OC_POLICY_OFF);
  assert_false(p.swap_off);
  assert_int_equal(p.orchestrated, OC_ORCH_ENFORCE);
  assert_true(p.allow_opt_out && oc_policy_ha_fraction(&p) == 0.25 && p.reserved_host_cpus == 0.5);
  assert_true(p.default_vcpus == 0.25 && p.default_memory_limit_mb == 256);
  /* The dump names every key with its effective value. */
  struct oc_err e = {0};
  char *j = oc_policy_json(&p, &e);
  assert_non_null(j);
  assert_non_null(strstr(j, "\"mode\": \"off\""));
  assert_non_null(strstr(j, "\"ha_cluster_size\": 4"));
  assert_non_null(strstr(j, "\"swap\": \"allow\""));
  assert_non_null(strstr(j, "\"orchestrated\": \"enforce\""));
  free(j);
}

static void test_policy_errors(void **state) {
  (void)state;
  policy_fails("{\"mode\": \"enforce\",", "invalid JSON");
  policy_fails("[1]", "must be a JSON object");
  policy_fails("{\"cpu_ratio\": 2}", "unknown key \"cpu_ratio\"");
  policy_fails("{\"cpu_allocation_ratio\": 0}", "cpu_allocation_ratio");
  policy_fails("{\"cpu_allocation_ratio\": -1.5}", "cpu_allocation_ratio");
  policy_fails("{\"ram_allocation_ratio\": 0.0}", "ram_allocation_ratio");
  policy_fails("{\"ram_allocation_ratio\": \"1\"}", "ram_allocation_ratio: must be a number");
  policy_fails("{\"mode\": \"strict\"}", "mode: invalid value \"strict\" (expected enforce|warn|off)");
  policy_fails("{\"no_limit_policy\": \"ignore\"}", "no_limit_policy: invalid value");
  policy_fails("{\"swap\": \"on\"}", "swap: invalid value");
  policy_fails("{\"orchestrated\": \"refuse\"}", "orchestrated: invalid value");
  policy_fails("{\"preset\": \"aws\"}", "preset: unknown preset \"aws\"");
  policy_fails("{\"preset\": 3}", "preset: must be a string");
  policy_fails("{\"oom_group\": \"yes\"}", "oom_group: must be true or false");
  policy_fails("{\"reserved_host_memory_mb\": -1}", "reserved_host_memory_mb");
  policy_fails("{\"reserved_host_memory_mb\": 1.5}", "reserved_host_memory_mb: must be an integer");
  policy_fails("{\"default_vcpus\": 0}", "default_vcpus");
  policy_fails("{\"default_memory_limit_mb\": 0}", "default_memory_limit_mb");
  policy_fails("{\"ha_reserve_percent\": 100}", "ha_reserve_percent");
  policy_fails("{\"ha_host_failures\": 1}", "ha_host_failures: needs ha_cluster_size");
  policy_fails("{\"ha_host_failures\": 2, \"ha_cluster_size\": 2}", "ha_host_failures: 2 must be less");
  policy_fails("{\"ha_reserve_percent\": 10, \"ha_host_failures\": 1, \"ha_cluster_size\": 3}",
               "ha_reserve_percent: cannot be combined");
  /* Reserve larger than the host. */
  struct oc_host h = {.cpus = 2, .memory_mb = 1024};
  struct oc_err e = {0};
  struct oc_policy p = policy_of("{\"reserved_host_memory_mb\": 2048}");
  assert_true(oc_policy_check_host(&p, &h, &e) < 0);
  assert_non_null(strstr(e.msg, "reserved_host_memory_mb: 2048 MB"));
  p = policy_of("{\"reserved_host_cpus\": 2}");
  assert_true(oc_policy_check_host(&p, &h, &e) < 0);
  assert_non_null(strstr(e.msg, "reserved_host_cpus"));
  p = policy_of("{\"reserved_host_cpus\": 1, \"reserved_host_memory_mb\": 512}");
  assert_int_equal(oc_policy_check_host(&p, &h, &e), 0);
  /* oc_policy_load applies the host check (fake host of 2 CPUs). */
  char path[256];
  snprintf(path, sizeof path, "%s/p.json", tmp);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("{\"reserved_host_cpus\": 4}", f);
  fclose(f);
  assert_true(oc_policy_load(path, &p, &e) < 0);
  assert_non_null(strstr(e.msg, "reserved_host_cpus"));
}

/* ---- sizing ---- */

static void test_sizing(void **state) {
  (void)state;
  struct oc_config *c = config_res("\"cpu\":{\"quota\":50000,\"period\":100000,\"cpus\":\"0-3\",\"shares\":4096}", NULL);
  enum oc_vcpu_source src = OC_VCPUS_UNKNOWN;
  assert_true(oc_sizing_vcpus(&c->resources, 1, &src) == 0.5);
  assert_int_equal(src, OC_VCPUS_QUOTA);
  oc_config_free(c);
  c = config_res("\"cpu\":{\"quota\":200000}", NULL); /* period defaults to 100000 */
  assert_true(oc_sizing_vcpus(&c->resources, 1, NULL) == 2);
  oc_config_free(c);
  c = config_res("\"cpu\":{\"quota\":-1,\"cpus\":\"0-3,8\",\"shares\":4096}", NULL);
  assert_true(oc_sizing_vcpus(&c->resources, 1, &src) == 5);
  assert_int_equal(src, OC_VCPUS_CPUSET);
  oc_config_free(c);
  c = config_res("\"cpu\":{\"shares\":2048}", NULL);
  assert_true(oc_sizing_vcpus(&c->resources, 1, &src) == 2);
  assert_int_equal(src, OC_VCPUS_SHARES);
  oc_config_free(c);
  c = config_res("\"memory\":{\"limit\":1073741824}", NULL);
  assert_true(oc_sizing_vcpus(&c->resources, 1.5, NULL) == 1.5);
  assert_int_equal(oc_sizing_memory(&c->resources), GIB);
  oc_config_free(c);
  c = config_res("\"memory\":{\"limit\":-1}", NULL);
  assert_int_equal(oc_sizing_memory(&c->resources), -1);
  oc_config_free(c);
  assert_int_equal(oc_sizing_memory(NULL), -1);
  assert_true(oc_sizing_vcpus(NULL, 3, &src) == 3);
  assert_int_equal(src, OC_VCPUS_DEFAULT);
  assert_int_equal(oc_sizing_cpuset_count("0"), 1);
  assert_int_equal(oc_sizing_cpuset_count("0-1,4-7,9\n"), 7);
  assert_int_equal(oc_sizing_cpuset_count("3-1"), 0);
  assert_int_equal(oc_sizing_cpuset_count("a"), 0);
  assert_int_equal(oc_sizing_cpuset_count(""), 0);
  /* weight = 100 × vCPUs, clamped */
  assert_int_equal(oc_sizing_weight(1), 100);
  assert_int_equal(oc_sizing_weight(4), 400);
  assert_int_equal(oc_sizing_weight(0.5), 50);
  assert_int_equal(oc_sizing_weight(0.001), 1);
  assert_int_equal(oc_sizing_weight(0), 1);
  assert_int_equal(oc_sizing_weight(100), 10000);
  assert_int_equal(oc_sizing_weight(1000), 10000);
  /* flags */
  struct oc_err e = {0};
  int64_t m;
  assert_int_equal(oc_sizing_parse_memory("512m", &m, &e), 0);
  assert_int_equal(m, 512 * MIB);
  assert_int_equal(oc_sizing_parse_memory("4G", &m, &e), 0);
  assert_int_equal(m, 4 * GIB);
  assert_int_equal(oc_sizing_parse_memory("1.5g", &m, &e), 0);
  assert_int_equal(m, 3 * GIB / 2);
  assert_int_equal(oc_sizing_parse_memory("2GiB", &m, &e), 0);
  assert_int_equal(m, 2 * GIB);
  assert_int_equal(oc_sizing_parse_memory("1048576", &m, &e), 0);
  assert_int_equal(m, MIB);
  assert_true(oc_sizing_parse_memory("abc", &m, &e) < 0);
  assert_non_null(strstr(e.msg, "\"abc\""));
  assert_true(oc_sizing_parse_memory("-1g", &m, &e) < 0);
  assert_true(oc_sizing_parse_memory("5x", &m, &e) < 0);
  assert_true(oc_sizing_parse_memory("5gx", &m, &e) < 0);
  double v;
  assert_int_equal(oc_sizing_parse_vcpus("0.5", &v, &e), 0);
  assert_true(v == 0.5);
  assert_true(oc_sizing_parse_vcpus("0", &v, &e) < 0);
  assert_true(oc_sizing_parse_vcpus("2x", &v, &e) < 0);
  c = config_res("\"cpu\":{\"period\":50000}", NULL);
  assert_int_equal(oc_sizing_apply_flags(c, 2, 3 * GIB, true, &e), 0);
  assert_int_equal(c->resources.cpu.quota.v, 100000);
  assert_int_equal(c->resources.cpu.period.v, 50000);
  assert_int_equal(c->resources.memory.limit.v, 3 * GIB);
  struct oc_policy p;
  oc_policy_defaults(&p);
  struct oc_admission_request rq;
  assert_int_equal(oc_policy_apply_host(&p, c, 0, &rq, &e), 0);
  assert_true(rq.size.vcpus == 2 && rq.size.memory_bytes == 3 * GIB);
  oc_config_free(c);
  /* --vcpus without a cap: declared by annotation, no quota. */
  c = config_res("\"cpu\":{\"cpus\":\"0\"}", NULL);
  assert_int_equal(oc_sizing_apply_flags(c, 3, 0, false, &e), 0);
  assert_false(c->resources.cpu.quota.set);
  assert_int_equal(oc_policy_apply_host(&p, c, 0, &rq, &e), 0);
  assert_true(rq.size.vcpus == 3 && rq.size.weight == 300);
  assert_int_equal(oc_size_vcpu_source(&rq.size), OC_VCPUS_ANNOTATION);
  assert_string_equal(oc_vcpu_source_name(oc_size_vcpu_source(&rq.size)), "annotation " OC_ANNOT_VCPUS);
  assert_int_equal(c->resources.cpu.shares.v, 3072);
  oc_config_free(c);
  c = config_res("", NULL);
  assert_true(oc_sizing_apply_flags(c, 0, 0, true, &e) < 0);
  assert_non_null(strstr(e.msg, "--cpu-cap"));
  oc_config_free(c);
}

static void test_apply(void **state) {
  (void)state;
  struct oc_err e = {0};
  struct oc_admission_request rq;
  struct oc_policy p = policy_of("{\"preset\":\"vm\"}");
  /* unified: weight via unified cpu.weight, swap = limit, oom group */
  struct oc_config *c = config_res("\"cpu\":{\"quota\":200000,\"period\":100000},\"memory\":{\"limit\":1073741824}", NULL);
  assert_int_equal(oc_policy_apply_host(&p, c, OC_HOST_UNIFIED | OC_HOST_SWAP, &rq, &e), 0);
  assert_string_equal(unified_get(c, "cpu.weight"), "200");
  assert_string_equal(unified_get(c, "memory.oom.group"), "1");
  assert_int_equal(c->resources.memory.swap.v, GIB);
  assert_int_equal(rq.size.weight, 200);
  assert_true(rq.size.flags & OC_SIZE_AUTO_WEIGHT);
  assert_false(c->resources.cpu.shares.set);
  oc_config_free(c);
  /* hybrid/v1: oom_group cannot be honoured there, so it is refused, never ignored */
  c = config_res("\"cpu\":{\"cpus\":\"0-1\"},\"memory\":{\"limit\":1073741824}", NULL);
  assert_true(oc_policy_apply_host(&p, c, 0, &rq, &e) < 0);
  assert_non_null(strstr(e.msg, "oom_group needs cgroup v2"));
  oc_config_free(c);
  /* without it: shares on the same scale, no swap without memsw */
  p.oom_group = false;
  c = config_res("\"cpu\":{\"cpus\":\"0-1\"},\"memory\":{\"limit\":1073741824}", NULL);
  assert_int_equal(oc_policy_apply_host(&p, c, 0, &rq, &e), 0);
  assert_int_equal(c->resources.cpu.shares.v, 2048);
  assert_null(unified_get(c, "cpu.weight"));
  assert_null(unified_get(c, "memory.oom.group"));
  assert_false(c->resources.memory.swap.set);
  oc_config_free(c);
  /* explicit swap stays; explicit shares use the standard conversion; explicit weight wins */
  c = config_res("\"cpu\":{\"shares\":2048},\"memory\":{\"limit\":1073741824,\"swap\":2147483648}", NULL);
  assert_int_equal(oc_policy_apply_host(&p, c, OC_HOST_UNIFIED | OC_HOST_SWAP, &rq, &e), 0);
  assert_null(unified_get(c, "cpu.weight"));
  assert_int_equal(rq.size.weight, 174);
  assert_false(rq.size.flags & OC_SIZE_AUTO_WEIGHT);
  assert_int_equal(c->resources.memory.swap.v, 2 * GIB);
  oc_config_free(c);
  c = config_res("\"memory\":{\"limit\":1073741824},\"unified\":{\"cpu.weight\":\"700\",\"memory.oom.group\":\"0\"}", NULL);
  assert_int_equal(oc_policy_apply_host(&p, c, OC_HOST_UNIFIED | OC_HOST_SWAP, &rq, &e), 0);
  assert_string_equal(unified_get(c, "cpu.weight"), "700");
  assert_string_equal(unified_get(c, "memory.oom.group"), "0");
  assert_int_equal(rq.size.weight, 700);
  oc_config_free(c);
  /* swap allow: nothing added */
  p = policy_of("{\"swap\":\"allow\"}");
  c = config_res("\"memory\":{\"limit\":1073741824}", NULL);
  assert_int_equal(oc_policy_apply_host(&p, c, OC_HOST_UNIFIED | OC_HOST_SWAP, &rq, &e), 0);
  assert_false(c->resources.memory.swap.set);
  assert_null(unified_get(c, "memory.oom.group"));
  oc_config_free(c);
  /* mode off: the config is left alone */
  p = policy_of("{\"mode\":\"off\",\"oom_group\":true,\"no_limit_policy\":\"default\"}");
  c = config_res("\"cpu\":{\"quota\":100000}", NULL);
  assert_int_equal(oc_policy_apply_host(&p, c, OC_HOST_UNIFIED | OC_HOST_SWAP, &rq, &e), 0);
  assert_int_equal(c->resources.unified.n, 0);
  assert_false(c->resources.memory.limit.set);
  assert_true(rq.size.flags & OC_SIZE_UNBOUNDED);
  oc_config_free(c);
  /* the real host wrapper uses oc_cg_mode() */
  bool memsw = access("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes", F_OK) == 0;
  if (oc_cg_mode() != OC_CG_UNIFIED) assert_int_equal(oc_sizing_host_cgroups(), memsw ? OC_HOST_SWAP : 0);
  cg_mode_unified(true);
  assert_int_equal(oc_sizing_host_cgroups(), OC_HOST_UNIFIED | OC_HOST_SWAP);
  p = policy_of("{}");
  c = config_res("\"cpu\":{\"quota\":100000}", NULL);
  assert_int_equal(oc_policy_apply(&p, c, &rq, &e), 0);
  assert_string_equal(unified_get(c, "cpu.weight"), "100");
  oc_config_free(c);
}

static void test_no_limit_policies(void **state) {
  (void)state;
  struct oc_err e = {0};
  struct oc_admission_request rq;
  struct oc_admit_result res;
  struct oc_policy p = policy_of("{\"no_limit_policy\":\"default\",\"default_memory_limit_mb\":256}");
  struct oc_config *c = config_res("\"cpu\":{\"shares\":1024}", NULL);
  assert_int_equal(oc_policy_apply_host(&p, c, OC_HOST_SWAP, &rq, &e), 0);
  assert_int_equal(c->resources.memory.limit.v, 256 * MIB);
  assert_int_equal(c->resources.memory.swap.v, 256 * MIB);
  assert_int_equal(rq.size.memory_bytes, 256 * MIB);
  assert_int_equal(rq.size.flags & OC_SIZE_UNBOUNDED, 0);
  oc_config_free(c);

  p = policy_of("{\"no_limit_policy\":\"unbounded\"}");
  c = config_res("\"memory\":{\"limit\":-1}", NULL);
  assert_int_equal(oc_policy_apply_host(&p, c, OC_HOST_SWAP, &rq, &e), 0);
  assert_true(rq.size.flags & OC_SIZE_UNBOUNDED);
  assert_false(c->resources.memory.swap.set);
  rq.id = "unb";
  rq.root = root;
  rq.cgroup_path = "/ocrun-test/unb";
  assert_int_equal(oc_ledger_admit(&p, &rq, &res, &e), 0);
  assert_false(res.warned);
  oc_config_free(c);
  struct oc_ledger l;
  size_t stale;
  struct oc_host h = {.cpus = 2, .memory_mb = 23552};
  struct oc_capacity cap[OC_RES_COUNT];
  assert_int_equal(oc_ledger_snapshot(&l, &stale, &e), 0);
  assert_int_equal(l.n, 1);
  oc_capacity_compute(&p, &h, &l, cap);
  assert_true(cap[OC_RES_MEMORY_MB].allocated == 0); /* charged nothing */
  assert_true(cap[OC_RES_VCPU].allocated == 1);      /* default_vcpus still counted */
  oc_ledger_free(&l);

  p = policy_of("{\"no_limit_policy\":\"reject\"}");
  c = config_res("\"cpu\":{\"shares\":1024}", NULL);
  assert_int_equal(oc_policy_apply_host(&p, c, OC_HOST_SWAP, &rq, &e), 0);
  assert_true(rq.size.flags & OC_SIZE_NO_LIMIT);
  rq.id = "rej";
  rq.root = root;
  assert_true(oc_ledger_admit(&p, &rq, &res, &e) < 0);
  assert_true(res.refused);
  assert_non_null(strstr(e.msg, "no memory limit: no_limit_policy is reject"));
  oc_config_free(c);
  assert_int_equal(ledger_count(NULL), 1);
  /* warn mode: admitted with the same text */
  p = policy_of("{\"no_limit_policy\":\"reject\",\"mode\":\"warn\"}");
  assert_int_equal(oc_ledger_admit(&p, &rq, &res, &e), 0);
  assert_true(res.warned && !res.refused);
  assert_non_null(strstr(res.text, "no_limit_policy is reject"));
  assert_int_equal(ledger_count(NULL), 2);
}

static void test_orchestrated_and_opt_out(void **state) {
  (void)state;
  struct oc_err e = {0};
  struct oc_admission_request rq;
  struct oc_admit_result res;
  struct oc_policy p = policy_of("{\"preset\":\"vm\"}");
  struct oc_config *c = config_res("\"cpu\":{\"shares\":2048}",
                                   ",\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\"}");
  assert_int_equal(oc_policy_apply_host(&p, c, OC_HOST_UNIFIED | OC_HOST_SWAP, &rq, &e), 0);
  assert_true(rq.size.flags & OC_SIZE_ORCHESTRATED);
  assert_true(rq.size.flags & OC_SIZE_UNBOUNDED); /* not rejected: the scheduler admitted it */
  assert_int_equal(c->resources.unified.n, 0);   /* and left as kubelet made it */
  rq.id = "k8s";
  rq.root = root;
  rq.size.vcpus = 64; /* larger than capacity: counted, not refused */
  assert_int_equal(oc_ledger_admit(&p, &rq, &res, &e), 0);
  assert_true(res.warned);
  assert_non_null(strstr(res.text, "admitted anyway (Kubernetes container"));
  oc_config_free(c);
  /* cgroupsPath under kubepods, orchestrated: enforce -> refused like any other */
  p = policy_of("{\"orchestrated\":\"enforce\"}");
  c = config_of("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
                "\"linux\":{\"cgroupsPath\":\"/kubepods/burstable/pod1/c1\"}}");
  assert_int_equal(oc_policy_apply_host(&p, c, 0, &rq, &e), 0);
  assert_true(rq.size.flags & OC_SIZE_ORCHESTRATED);
  rq.id = "k8s2";
  rq.root = root;
  rq.size.vcpus = 64;
  assert_true(oc_ledger_admit(&p, &rq, &res, &e) < 0);
  assert_true(res.refused);
  oc_config_free(c);
  /* opt-out: only when the policy allows it */
  const char *ann = ",\"annotations\":{\"io.github.ocrun.overcommit.opt-out\":\"true\"}";
  p = policy_of("{}");
  c = config_res("\"cpu\":{\"quota\":6400000}", ann);
  assert_int_equal(oc_policy_apply_host(&p, c, 0, &rq, &e), 0);
  assert_true(rq.size.flags & OC_SIZE_OPT_OUT_IGNORED);
  rq.id = "opt";
  rq.root = root;
  assert_true(oc_ledger_admit(&p, &rq, &res, &e) < 0);
  assert_non_null(strstr(e.msg, "insufficient VCPU"));
  assert_non_null(strstr(e.msg, "opt-out"));
  oc_config_free(c);
  p = policy_of("{\"allow_opt_out\":true}");
  c = config_res("\"cpu\":{\"quota\":6400000}", ann);
  assert_int_equal(oc_policy_apply_host(&p, c, 0, &rq, &e), 0);
  assert_true(rq.size.flags & OC_SIZE_OPT_OUT);
  assert_false(c->resources.cpu.shares.set);
  rq.id = "opt";
  rq.root = root;
  assert_int_equal(oc_ledger_admit(&p, &rq, &res, &e), 0);
  assert_non_null(strstr(res.text, "admitted anyway (opt-out annotation)"));
  oc_config_free(c);
}

/* ---- capacity and admission ---- */

static void test_capacity_arithmetic(void **state) {
  (void)state;
  struct oc_host h = {.cpus = 2, .memory_mb = 23552};
  struct oc_policy p = policy_of("{}");
  struct oc_ledger_entry en[2] = {
      {.size = {.vcpus = 3, .memory_bytes = 4 * GIB}},
      {.size = {.vcpus = 0.5, .memory_bytes = MIB + 1}}, /* charged 2 MB: rounded up */
  };
  struct oc_ledger l = {.v = en, .n = 2};
  struct oc_capacity cap[OC_RES_COUNT];
  oc_capacity_compute(&p, &h, &l, cap);
  assert_true(cap[OC_RES_VCPU].capacity == 32 && cap[OC_RES_VCPU].allocated == 3.5);
  assert_true(cap[OC_RES_VCPU].free == 28.5 && cap[OC_RES_VCPU].largest_fit == 2);
  assert_true(cap[OC_RES_MEMORY_MB].capacity == 23040 && cap[OC_RES_MEMORY_MB].allocated == 4098);
  assert_true(cap[OC_RES_MEMORY_MB].free == 23040 - 4098);
  assert_true(cap[OC_RES_MEMORY_MB].largest_fit == 23040 - 4098);
  char f[160];
  oc_capacity_formula(&cap[OC_RES_MEMORY_MB], f, sizeof f);
  assert_string_equal(f, "(23552 − 512) × 1.0 × (1 − 0)");
  /* HA: 25 % or one failure among 4 hosts */
  p = policy_of("{\"ha_reserve_percent\": 25, \"preset\": \"openstack-legacy\"}");
  oc_capacity_compute(&p, &h, NULL, cap);
  assert_true(cap[OC_RES_VCPU].capacity == 24);
  assert_true(cap[OC_RES_MEMORY_MB].capacity == 25920); /* 23040 × 1.5 × 0.75 */
  oc_capacity_formula(&cap[OC_RES_MEMORY_MB], f, sizeof f);
  assert_string_equal(f, "(23552 − 512) × 1.5 × (1 − 0.25)");
  p = policy_of("{\"ha_host_failures\": 1, \"ha_cluster_size\": 3, \"reserved_host_cpus\": 1}");
  oc_capacity_compute(&p, &h, NULL, cap);
  assert_true(cap[OC_RES_VCPU].capacity > 10.66 && cap[OC_RES_VCPU].capacity < 10.67);
  assert_true(cap[OC_RES_VCPU].largest_fit == 1);
  assert_true(cap[OC_RES_MEMORY_MB].capacity == 15360);
}

static void test_refusal_text(void **state) {
  (void)state;
  struct oc_policy p = policy_of("{}");
  struct oc_admit_result res;
  struct oc_err e = {0};
  assert_int_equal(admit(&p, "big", 1, 22016 * MIB, &res, &e), 0);
  assert_false(res.warned);
  assert_true(admit(&p, "more", 1, 4 * GIB, &res, &e) < 0);
  assert_true(res.refused);
  assert_string_equal(e.msg, "refused: insufficient MEMORY_MB: requested 4096, free 1024 of capacity 23040 = "
                             "(23552 − 512) × 1.0 × (1 − 0)");
  assert_int_equal(e.errnum, OC_REFUSED_ERRNO);
  assert_string_equal(res.text, e.msg + strlen("refused: "));
  /* dry run: same answer, nothing written */
  struct oc_admission_request rq = request("dry", 1, 512 * MIB);
  assert_int_equal(oc_ledger_check(&p, &rq, &res, &e), 0);
  rq.size.memory_bytes = 2 * GIB;
  assert_true(oc_ledger_check(&p, &rq, &res, &e) < 0);
  assert_true(res.refused);
  assert_int_equal(ledger_count(NULL), 1);
  /* larger than the host */
  assert_true(admit(&p, "wide", 4, MIB, &res, &e) < 0);
  assert_string_equal(e.msg, "refused: insufficient VCPU: requested 4, larger than the host's 2 = 2 − 0 (total − reserved)");
  /* VCPU capacity: 32, 1 allocated */
  assert_int_equal(admit(&p, "cpu", 2, MIB, &res, &e), 0);
  p = policy_of("{\"cpu_allocation_ratio\": 1.5}");
  assert_true(admit(&p, "cpu2", 0.5, MIB, &res, &e) < 0);
  assert_string_equal(e.msg, "refused: insufficient VCPU: requested 0.5, free 0 of capacity 3 = (2 − 0) × 1.5 × (1 − 0)");
  /* warn mode admits, saying it is over capacity, with the same arithmetic */
  p = policy_of("{\"mode\": \"warn\"}");
  assert_int_equal(admit(&p, "more", 1, 4 * GIB, &res, &e), 0);
  assert_true(res.warned && !res.refused);
  assert_string_equal(res.text, "over capacity (mode warn, admitted): insufficient MEMORY_MB: requested 4096, "
                                "free 1023 of capacity 23040 = "
                                "(23552 − 512) × 1.0 × (1 − 0)");
  /* off: admitted silently */
  p = policy_of("{\"mode\": \"off\"}");
  assert_int_equal(admit(&p, "more2", 1, 40 * GIB, &res, &e), 0);
  assert_false(res.warned);
  /* a duplicate id under the same root is an error, under another root it is another container */
  assert_true(admit(&p, "more2", 1, MIB, &res, &e) < 0);
  assert_int_equal(e.errnum, EEXIST);
  assert_false(res.refused);
  assert_int_equal(ledger_count(NULL), 4);
}

/* Like `ocrun create` in a child that then exits: admit id, record pid (if > 0) after "clone",
 * write the state dir (if state). The entry then outlives its creator. */
static void create_in_child(const struct oc_policy *p, const char *id, pid_t pid,
                            unsigned long long start_time, bool state) {
  pid_t c = fork();
  assert_true(c >= 0);
  if (c == 0) {
    struct oc_admit_result res;
    struct oc_err e = {0};
    if (admit(p, id, 1, MIB, &res, &e) < 0) _exit(1);
    if (pid > 0 && oc_ledger_set_pid(id, root, pid, start_time, &e) < 0) _exit(2);
    if (state) make_state(id);
    _exit(0);
  }
  int st;
  assert_int_equal(waitpid(c, &st, 0), c);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_reconcile(void **state) {
  (void)state;
  struct oc_policy p = policy_of("{}");
  struct oc_err e = {0};
  size_t stale;
  /* creation died before clone (pid 0, creator gone): released */
  create_in_child(&p, "nopid", 0, 0, false);
  assert_int_equal(ledger_count(&stale), 0);
  assert_int_equal(stale, 1);
  pid_t kid = fork();
  assert_true(kid >= 0);
  if (kid == 0) {
    pause();
    _exit(0);
  }
  unsigned long long st0 = 0;
  for (int i = 0; i < 1000 && !st0; i++) st0 = oc_proc_start_time(kid);
  assert_true(st0 != 0);
  /* died between clone and the state dir: released */
  create_in_child(&p, "c1", kid, st0, false);
  assert_int_equal(ledger_count(NULL), 0);
  /* a live init with its state dir: kept, also by the admissions of others; the stale entries
   * stay in the files until an admission needs their room */
  create_in_child(&p, "c2", kid, st0, true);
  assert_int_equal(ledger_count(&stale), 1);
  assert_int_equal(stale, 2);
  struct oc_admit_result res;
  assert_int_equal(admit(&p, "other", 1, MIB, &res, &e), 0);
  assert_int_equal(ledger_count(NULL), 2);
  assert_int_equal(oc_ledger_release("other", root, &e), 0);
  /* a pid now used by another process (start time differs): released */
  create_in_child(&p, "c3", getpid(), oc_proc_start_time(getpid()) + 1, true);
  assert_int_equal(ledger_count(NULL), 1);
  /* the init dies (kill -9 of the container): released */
  kill(kid, SIGKILL);
  int ws;
  assert_int_equal(waitpid(kid, &ws, 0), kid);
  assert_int_equal(ledger_count(&stale), 0);
  assert_int_equal(stale, 4);
  /* an admission that fits leaves them; one that fits only without them removes them */
  assert_int_equal(admit(&p, "next", 1, MIB, &res, &e), 0);
  assert_true(ledger_file_has("c2") && ledger_file_has("c3"));
  assert_int_equal(admit(&p, "big", 1, (23040 - 1) * MIB, &res, &e), 0);
  assert_false(ledger_file_has("nopid") || ledger_file_has("c1") || ledger_file_has("c2") || ledger_file_has("c3"));
  assert_true(ledger_file_has("next") && ledger_file_has("big"));
  assert_int_equal(ledger_count(&stale), 2);
  assert_int_equal(stale, 0);
  /* the totals say the same as the entries */
  assert_int_equal(ledger_totals_mb(), 23040);
  /* set_pid of an unknown container is an error */
  assert_true(oc_ledger_set_pid("nosuch", root, 1, 1, &e) < 0);
  assert_non_null(strstr(e.msg, "nosuch"));
}

static void test_release(void **state) {
  (void)state;
  struct oc_policy p = policy_of("{}");
  struct oc_admit_result res;
  struct oc_err e = {0};
  assert_int_equal(admit(&p, "a", 1, 20 * GIB, &res, &e), 0);
  assert_true(admit(&p, "b", 1, 20 * GIB, &res, &e) < 0);
  assert_int_equal(oc_ledger_release("a", root, &e), 0);
  assert_int_equal(ledger_count(NULL), 0);
  assert_int_equal(admit(&p, "b", 1, 20 * GIB, &res, &e), 0);
  assert_int_equal(oc_ledger_release("a", root, &e), 0); /* absent: fine */
  assert_int_equal(oc_ledger_release("b", "/other/root", &e), 0);
  assert_int_equal(ledger_count(NULL), 1);
}

static void test_update_delta(void **state) {
  (void)state;
  setenv("OCRUN_HOST_MEMORY_MB", "4608", 1); /* capacity 4096 MB */
  cg_mode_unified(true);
  struct oc_policy p = policy_of("{}");
  struct oc_err e = {0};
  struct oc_admit_result res;
  struct oc_config *c = config_res("\"memory\":{\"limit\":2147483648}", NULL);
  struct oc_admission_request rq;
  assert_int_equal(oc_policy_apply(&p, c, &rq, &e), 0);
  rq.id = "u";
  rq.root = root;
  assert_int_equal(oc_ledger_admit(&p, &rq, &res, &e), 0);
  oc_config_free(c);
  assert_int_equal(admit(&p, "other", 1, GIB, &res, &e), 0);
  /* +1 GiB fits exactly */
  struct oc_resources upd = {0};
  upd.memory.limit = (oc_i64){.set = true, .v = 3 * GIB};
  upd.cpu.quota = (oc_i64){.set = true, .v = 200000};
  assert_int_equal(oc_ledger_admit_update(&p, "u", root, &upd, &res, &e), 0);
  assert_int_equal(res.old.memory_bytes, 2 * GIB);
  assert_int_equal(res.size.memory_bytes, 3 * GIB);
  assert_true(res.size.vcpus == 2 && res.size.weight == 200);
  assert_int_equal(upd.memory.swap.v, 3 * GIB); /* swap off follows the new limit */
  assert_true(upd.unified.n == 1 && strcmp(upd.unified.v[0].value, "200") == 0);
  oc_resources_release(&upd);
  /* another +1 GiB does not */
  upd = (struct oc_resources){0};
  upd.memory.limit = (oc_i64){.set = true, .v = 4 * GIB};
  assert_true(oc_ledger_admit_update(&p, "u", root, &upd, &res, &e) < 0);
  assert_true(res.refused);
  assert_string_equal(e.msg, "refused: insufficient MEMORY_MB: requested 1024 more, free 0 of capacity 4096 = "
                             "(4608 − 512) × 1.0 × (1 − 0)");
  oc_resources_release(&upd);
  /* decreasing always fits; then roll it back as after a failed cgroup write */
  upd = (struct oc_resources){0};
  upd.memory.limit = (oc_i64){.set = true, .v = GIB};
  assert_int_equal(oc_ledger_admit_update(&p, "u", root, &upd, &res, &e), 0);
  struct oc_ledger l;
  struct oc_host h;
  struct oc_capacity cap[OC_RES_COUNT];
  assert_int_equal(oc_host_detect(&h, &e), 0);
  assert_int_equal(oc_ledger_snapshot(&l, NULL, &e), 0);
  oc_capacity_compute(&p, &h, &l, cap);
  oc_ledger_free(&l);
  assert_true(cap[OC_RES_MEMORY_MB].allocated == 2048);
  assert_int_equal(oc_ledger_set_size("u", root, &res.old, &e), 0);
  assert_int_equal(oc_ledger_snapshot(&l, NULL, &e), 0);
  oc_capacity_compute(&p, &h, &l, cap);
  oc_ledger_free(&l);
  assert_true(cap[OC_RES_MEMORY_MB].allocated == 4096);
  oc_resources_release(&upd);
  /* not in the ledger: admitted with a warning */
  upd = (struct oc_resources){0};
  assert_int_equal(oc_ledger_admit_update(&p, "ghost", root, &upd, &res, &e), 0);
  assert_true(res.warned);
  assert_non_null(strstr(res.text, "not in the ledger"));
}

/* 40 processes admit 1 GiB each against 20 GiB: exactly 20 get in. */
static void test_concurrency(void **state) {
  (void)state;
  setenv("OCRUN_HOST_MEMORY_MB", "20992", 1); /* (20992 − 512) × 1.0 = 20480 MB */
  setenv("OCRUN_HOST_CPUS", "64", 1);
  struct oc_policy p = policy_of("{}");
  unsigned long long me = oc_proc_start_time(getpid());
  int gate[2];
  assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
  enum { N = 40 };
  pid_t kids[N];
  for (int i = 0; i < N; i++) {
    kids[i] = fork();
    assert_true(kids[i] >= 0);
    if (kids[i] == 0) {
      close(gate[1]);
      char b;
      if (read(gate[0], &b, 1) < 0) _exit(9); /* returns 0 when the parent closes the gate */
      char id[16];
      snprintf(id, sizeof id, "c%d", i);
      struct oc_admit_result res;
      struct oc_err e = {0};
      if (admit(&p, id, 1, GIB, &res, &e) < 0)
        _exit(res.refused && strstr(e.msg, "insufficient MEMORY_MB: requested 1024, free 0 of capacity 20480")
                  ? 2 : 3);
      /* a created container: state dir, and an init that outlives this process (the test) */
      char path[512];
      snprintf(path, sizeof path, "%s/%s", root, id);
      if (mkdir(path, 0700) < 0) _exit(4);
      snprintf(path, sizeof path, "%s/%s/state.json", root, id);
      int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0) _exit(4);
      close(fd);
      _exit(oc_ledger_set_pid(id, root, getppid(), me, &e) == 0 ? 0 : 5);
    }
  }
  close(gate[0]);
  close(gate[1]);
  int admitted = 0, refused = 0;
  for (int i = 0; i < N; i++) {
    int st;
    assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
    assert_true(WIFEXITED(st));
    if (WEXITSTATUS(st) == 0) admitted++;
    else if (WEXITSTATUS(st) == 2) refused++;
    else fail_msg("child %d exited with %d", i, WEXITSTATUS(st));
  }
  assert_int_equal(admitted, 20);
  assert_int_equal(refused, 20);
  size_t stale;
  assert_int_equal(ledger_count(&stale), 20);
  assert_int_equal(stale, 0);
}

/* Admissions and releases racing in 16 processes (each admits and releases 25 times, 3 GiB each,
 * against 20 GiB), while another takes snapshots: no snapshot ever holds more than capacity,
 * and at the end the entries are gone and the running total is back to 0 exactly. */
static void test_churn(void **state) {
  (void)state;
  setenv("OCRUN_HOST_MEMORY_MB", "20992", 1); /* 20480 MB */
  setenv("OCRUN_HOST_CPUS", "64", 1);
  struct oc_policy p = policy_of("{}");
  int gate[2];
  assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
  enum { N = 16, ROUNDS = 25 };
  pid_t kids[N + 1];
  for (int i = 0; i <= N; i++) {
    kids[i] = fork();
    assert_true(kids[i] >= 0);
    if (kids[i] != 0) continue;
    close(gate[1]);
    char b;
    if (read(gate[0], &b, 1) < 0) _exit(9);
    struct oc_err e = {0};
    if (i == N) { /* the observer */
      for (int k = 0; k < 4 * ROUNDS; k++) {
        struct oc_ledger l;
        if (oc_ledger_snapshot(&l, NULL, &e) < 0) _exit(6);
        int64_t mb = 0;
        for (size_t j = 0; j < l.n; j++) mb += oc_ledger_charged_mb(&l.v[j].size);
        oc_ledger_free(&l);
        if (mb > 20480) _exit(7);
      }
      _exit(0);
    }
    for (int k = 0; k < ROUNDS; k++) {
      char id[32];
      snprintf(id, sizeof id, "c%d-%d", i, k);
      struct oc_admit_result res;
      if (admit(&p, id, 1, 3 * GIB, &res, &e) < 0) {
        if (!res.refused) _exit(3);
        continue;
      }
      if (oc_ledger_release(id, root, &e) < 0) _exit(5);
    }
    _exit(0);
  }
  close(gate[0]);
  close(gate[1]);
  for (int i = 0; i <= N; i++) {
    int st;
    assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
    assert_true(WIFEXITED(st));
    if (WEXITSTATUS(st) != 0) fail_msg("child %d exited with %d", i, WEXITSTATUS(st));
  }
  size_t stale;
  assert_int_equal(ledger_count(&stale), 0);
  assert_int_equal(stale, 0);
  assert_int_equal(ledger_totals_mb(), 0);
}

/* An older ocrun's ledger.json is taken over on first use: its entries keep their capacity. */
static void test_old_ledger_migrated(void **state) {
  (void)state;
  setenv("OCRUN_HOST_MEMORY_MB", "20992", 1); /* 20480 MB */
  struct oc_policy p = policy_of("{}");
  assert_int_equal(mkdir(ledger_dir, 0700), 0);
  char path[256];
  snprintf(path, sizeof path, "%s/ledger.json", ledger_dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "{\"version\":1,\"entries\":[{\"id\":\"old\",\"root\":\"%s\",\"cgroup\":\"/ocrun-test/old\","
             "\"vcpus\":1,\"memory\":%lld,\"weight\":100,\"flags\":0,\"pid\":0,\"start_time\":0,"
             "\"creator_pid\":%d,\"creator_start_time\":%llu,\"created\":1}]}",
          root, (long long)(20 * GIB), (int)getpid(), oc_proc_start_time(getpid()));
  assert_int_equal(fclose(f), 0);
  struct oc_admit_result res;
  struct oc_err e = {0};
  assert_true(admit(&p, "new", 1, GIB, &res, &e) < 0);
  assert_true(res.refused);
  assert_non_null(strstr(e.msg, "free 0 of capacity 20480"));
  assert_int_equal(access(path, F_OK), -1);
  assert_true(ledger_file_has("old"));
  assert_int_equal(ledger_totals_mb(), 20480);
  assert_int_equal(oc_ledger_release("old", root, &e), 0);
  assert_int_equal(admit(&p, "new", 1, GIB, &res, &e), 0);
  assert_int_equal(ledger_totals_mb(), 1024);
}

/* totals.json is rewritten in place: a record cut short is summed anew from the entries, and a
 * longer file (an older or damaged one) ends at the new record instead of keeping its tail. */
static void test_totals_in_place(void **state) {
  (void)state;
  setenv("OCRUN_HOST_MEMORY_MB", "20992", 1);
  struct oc_policy p = policy_of("{}");
  struct oc_admit_result res;
  struct oc_err e = {0};
  assert_int_equal(admit(&p, "a", 1, GIB, &res, &e), 0);
  assert_int_equal(ledger_totals_mb(), 1024);
  char path[256];
  snprintf(path, sizeof path, "%s/totals.json", ledger_dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "{\"version\":2,\"vcpus\":1,\"memory_mb\":10"); /* cut short */
  for (int i = 0; i < 300; i++) fputc('x', f);
  assert_int_equal(fclose(f), 0);
  assert_int_equal(admit(&p, "b", 1, GIB, &res, &e), 0);
  assert_int_equal(ledger_totals_mb(), 2048);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_size, 128);
  assert_int_equal(oc_ledger_release("a", root, &e), 0);
  assert_int_equal(ledger_totals_mb(), 1024);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
      cmocka_unit_test_setup_teardown(test_totals_in_place, setup, teardown),
      cmocka_unit_test_setup_teardown(test_presets, setup, teardown),
      cmocka_unit_test_setup_teardown(test_policy_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sizing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_limit_policies, setup, teardown),
      cmocka_unit_test_setup_teardown(test_orchestrated_and_opt_out, setup, teardown),
      cmocka_unit_test_setup_teardown(test_capacity_arithmetic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refusal_text, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reconcile, setup, teardown),
      cmocka_unit_test_setup_teardown(test_release, setup, teardown),
      cmocka_unit_test_setup_teardown(test_update_delta, setup, teardown),
      cmocka_unit_test_setup_teardown(test_concurrency, setup, teardown),
      cmocka_unit_test_setup_teardown(test_churn, setup, teardown),
      cmocka_unit_test_setup_teardown(test_old_ledger_migrated, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
