/* cgroups module: conversions, path resolution, and the files written for a full resources object
 * on v2 and v1, against a fake cgroup root in a temp dir (no root needed). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/bpf.h>

#include "cgroups/cg_internal.h"
#include "tests/unit/helpers.h"

static char root[256];

/* ---- fake cgroup trees ---- */

static void put_file(const char *dir, const char *name, const char *content) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "we");
  assert_non_null(f);
  fputs(content, f);
  fclose(f);
}

static char *get_file(const char *dir, const char *name) {
  static char buf[4096];
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "re");
  if (!f) return strcpy(buf, "<missing>");
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

static void mkdir_p(const char *p) {
  char tmp[1024];
  snprintf(tmp, sizeof tmp, "%s", p);
  for (char *s = tmp + 1; *s; s++)
    if (*s == '/') {
      *s = '\0';
      mkdir(tmp, 0755);
      *s = '/';
    }
  mkdir(tmp, 0755);
}

static const char *const v2_leaf_files[] = {
  "cgroup.procs", "cgroup.events", "memory.max", "memory.swap.max", "memory.low", "cpu.weight",
  "cpu.max.burst", "cpu.idle", "cpuset.cpus", "cpuset.mems", "pids.max", "io.weight", "io.max",
  "hugetlb.2MB.max", "hugetlb.2MB.rsvd.max", "rdma.max", "memory.high", NULL};

/* root/{cgroup.controllers,subtree_control}, root/t likewise, root/t/c with the files above */
static void fake_v2(void) {
  snprintf(root, sizeof root, "/tmp/ocrun-cgtest-%d", getpid());
  assert_int_equal(rm_rf(root), 0);
  char t[512], c[512];
  snprintf(t, sizeof t, "%s/t", root);
  snprintf(c, sizeof c, "%s/t/c", root);
  mkdir_p(c);
  const char *ctls = "cpuset cpu io memory hugetlb pids rdma misc\n";
  put_file(root, "cgroup.controllers", ctls);
  put_file(root, "cgroup.subtree_control", "");
  put_file(t, "cgroup.controllers", ctls);
  put_file(t, "cgroup.subtree_control", "cpu\n");
  for (size_t i = 0; v2_leaf_files[i]; i++) put_file(c, v2_leaf_files[i], "");
  put_file(c, "cpu.max", "max 100000\n");
  put_file(c, "memory.current", "8388608\n");
  oc_cg_set_root_for_tests(root, OC_CG_UNIFIED);
}

static const char *const v1_hiers[] = {"cpu,cpuacct", "cpuset", "memory", "devices", "freezer",
                                       "blkio", "pids", "name=systemd", "net_cls,net_prio",
                                       "hugetlb", "rdma", NULL};
static const char *const v1_files[] = {
  "cgroup.procs", "cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.cfs_burst_us",
  "cpu.rt_period_us", "cpu.rt_runtime_us", "cpu.idle", "memory.memsw.limit_in_bytes",
  "memory.soft_limit_in_bytes", "memory.swappiness", "memory.oom_control",
  "memory.kmem.tcp.limit_in_bytes", "devices.allow", "devices.deny", "pids.max", "blkio.weight",
  "blkio.weight_device", "blkio.throttle.read_bps_device", "blkio.throttle.write_iops_device",
  "hugetlb.2MB.limit_in_bytes", "hugetlb.2MB.rsvd.limit_in_bytes", "net_cls.classid",
  "net_prio.ifpriomap", "freezer.state", "rdma.max", NULL};

static void fake_v1(bool hybrid) {
  snprintf(root, sizeof root, "/tmp/ocrun-cgtest-%d", getpid());
  assert_int_equal(rm_rf(root), 0);
  for (size_t h = 0; v1_hiers[h]; h++) {
    char d[512];
    snprintf(d, sizeof d, "%s/%s/t/c", root, v1_hiers[h]);
    mkdir_p(d);
    for (size_t i = 0; v1_files[i]; i++) put_file(d, v1_files[i], "");
    put_file(d, "memory.limit_in_bytes", "9223372036854771712\n");
    put_file(d, "memory.usage_in_bytes", "8388608\n");
  }
  /* cpuset: the root has cpus, the intermediate and the leaf start empty */
  char d[512];
  snprintf(d, sizeof d, "%s/cpuset", root);
  put_file(d, "cpuset.cpus", "0-1\n");
  put_file(d, "cpuset.mems", "0\n");
  snprintf(d, sizeof d, "%s/cpuset/t", root);
  put_file(d, "cpuset.cpus", "\n");
  put_file(d, "cpuset.mems", "");
  snprintf(d, sizeof d, "%s/cpuset/t/c", root);
  put_file(d, "cpuset.cpus", "");
  put_file(d, "cpuset.mems", "");
  if (hybrid) {
    snprintf(d, sizeof d, "%s/unified/t/c", root);
    mkdir_p(d);
    snprintf(d, sizeof d, "%s/unified", root);
    put_file(d, "cgroup.controllers", "hugetlb\n");
    put_file(d, "cgroup.subtree_control", "");
    snprintf(d, sizeof d, "%s/unified/t", root);
    put_file(d, "cgroup.controllers", "hugetlb\n");
    put_file(d, "cgroup.subtree_control", "");
  }
  oc_cg_set_root_for_tests(root, hybrid ? OC_CG_HYBRID : OC_CG_LEGACY);
}

static int teardown(void **state) {
  (void)state;
  oc_cg_set_root_for_tests(NULL, OC_CG_UNIFIED);
  oc_cg_set_self_cgroup_for_tests(NULL);
  if (root[0]) assert_int_equal(rm_rf(root), 0);
  root[0] = '\0';
  return 0;
}

static char *leaf(const char *hier) {
  static char p[512];
  if (hier)
    snprintf(p, sizeof p, "%s/%s/t/c", root, hier);
  else
    snprintf(p, sizeof p, "%s/t/c", root);
  return p;
}

/* ---- conversions ---- */

static void test_weight_table(void **state) {
  (void)state;
  assert_int_equal(oc_cg_shares_to_weight(0), 0);
  assert_int_equal(oc_cg_shares_to_weight(1), 1);
  assert_int_equal(oc_cg_shares_to_weight(2), 1);
  assert_int_equal(oc_cg_shares_to_weight(512), 59);
  assert_int_equal(oc_cg_shares_to_weight(1024), 100);
  assert_int_equal(oc_cg_shares_to_weight(2048), 174);
  assert_int_equal(oc_cg_shares_to_weight(4096), 303);
  assert_int_equal(oc_cg_shares_to_weight(262144), 10000);
  assert_int_equal(oc_cg_shares_to_weight(1000000), 10000);
  uint64_t prev = 1;
  for (uint64_t s = 3; s < 262144; s += 97) {
    uint64_t w = oc_cg_shares_to_weight(s);
    assert_true(w >= prev && w <= 10000);
    prev = w;
  }
}

static void test_io_weight(void **state) {
  (void)state;
  assert_int_equal(oc_cg_blkio_to_io_weight(0), 0);
  assert_int_equal(oc_cg_blkio_to_io_weight(10), 1);
  assert_int_equal(oc_cg_blkio_to_io_weight(500), 4950);
  assert_int_equal(oc_cg_blkio_to_io_weight(1000), 10000);
}

static void test_swap_arithmetic(void **state) {
  (void)state;
  struct oc_err e;
  int64_t out;
  assert_int_equal(oc_cg_swap_v2(0, -1, &out, &e), 0);
  assert_int_equal(out, -1); /* unlimited memory, swap unset: swap unlimited too */
  assert_int_equal(oc_cg_swap_v2(0, 100, &out, &e), 0);
  assert_int_equal(out, -2); /* unset */
  assert_int_equal(oc_cg_swap_v2(-1, 100, &out, &e), 0);
  assert_int_equal(out, -1);
  assert_int_equal(oc_cg_swap_v2(300, 100, &out, &e), 0);
  assert_int_equal(out, 200);
  assert_int_equal(oc_cg_swap_v2(100, 100, &out, &e), 0);
  assert_int_equal(out, 0); /* no swap at all */
  assert_true(oc_cg_swap_v2(50, 100, &out, &e) < 0);
  assert_non_null(strstr(e.msg, "memory+swap"));
  assert_true(oc_cg_swap_v2(100, 0, &out, &e) < 0);
  assert_true(oc_cg_swap_v2(100, -1, &out, &e) < 0);
  assert_non_null(strstr(e.msg, "without a memory limit"));
}

static void test_unified_keys(void **state) {
  (void)state;
  struct oc_err e;
  assert_int_equal(oc_cg_unified_key_check("memory.max", &e), 0);
  assert_int_equal(oc_cg_unified_key_check("cpu.weight", &e), 0);
  assert_true(oc_cg_unified_key_check("../memory.max", &e) < 0);
  assert_true(oc_cg_unified_key_check("a/memory.max", &e) < 0);
  assert_true(oc_cg_unified_key_check("memory..max", &e) < 0);
  assert_true(oc_cg_unified_key_check("..", &e) < 0);
  assert_true(oc_cg_unified_key_check("", &e) < 0);
  assert_true(oc_cg_unified_key_check("cgroup.procs", &e) < 0);
  assert_true(oc_cg_unified_key_check("cgroup.subtree_control", &e) < 0);
  assert_int_equal(oc_cg_pagesize_check("2MB", &e), 0);
  assert_int_equal(oc_cg_pagesize_check("1GB", &e), 0);
  assert_true(oc_cg_pagesize_check("2MB/../x", &e) < 0);
  assert_true(oc_cg_pagesize_check("MB", &e) < 0);
}

/* ---- paths ---- */

static void expect_path(const char *in, bool systemd, const char *want) {
  struct oc_err e = {0};
  char *out = NULL;
  int r = oc_cg_resolve_path(in, "ctr", systemd, &out, &e);
  if (!want) {
    assert_true(r < 0);
    return;
  }
  if (r < 0) fail_msg("%s: %s", in ? in : "(null)", e.msg);
  assert_string_equal(out, want);
  free(out);
}

static void test_path_resolution(void **state) {
  (void)state;
  expect_path("/a/b", false, "/a/b");
  expect_path("//a//./b/", false, "/a/b");
  expect_path(NULL, false, "/ocrun/ctr");
  expect_path("", false, "/ocrun/ctr");
  expect_path("/a/../b", false, NULL);
  expect_path("/", false, NULL);
  /* relative: under this process's own cgroup */
  snprintf(root, sizeof root, "/tmp/ocrun-cgtest-%d", getpid());
  mkdir_p(root);
  char self[512];
  snprintf(self, sizeof self, "%s/self_cgroup", root);
  FILE *f = fopen(self, "we");
  assert_non_null(f);
  fputs("4:memory:/process_api/abc\n1:name=systemd:/user.slice/s1.scope\n0::/unified/own\n", f);
  fclose(f);
  oc_cg_set_self_cgroup_for_tests(self);
  oc_cg_set_root_for_tests(root, OC_CG_HYBRID);
  expect_path("x/y", false, "/user.slice/s1.scope/x/y");
  oc_cg_set_root_for_tests(root, OC_CG_UNIFIED);
  /* v2: beside our own cgroup (which holds processes and so cannot enable controllers). */
  expect_path("x/y", false, "/unified/x/y");
  expect_path("x/../..", false, NULL);
  /* systemd form */
  expect_path("a-b.slice:pfx:name", true, "/a.slice/a-b.slice/pfx-name.scope");
  expect_path("kubepods-besteffort-pod1.slice:cri-containerd:abc", true,
              "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-abc.scope");
  expect_path("-.slice:p:n", true, "/p-n.scope");
  expect_path(":p:n", true, "/system.slice/p-n.scope");
  expect_path("x.slice:p:y.slice", true, "/x.slice/y.slice");
  expect_path(NULL, true, "/system.slice/ocrun-ctr.scope");
  expect_path("/a/b", true, NULL);
  expect_path("a--b.slice:p:n", true, NULL);
  expect_path("a-.slice:p:n", true, NULL);
  expect_path("a.slice:p/q:n", true, NULL);
}

/* ---- v2 files ---- */

static struct oc_resources full_resources(void) {
  static struct oc_throttle_device rbps = {8, 0, 1048576}, wiops = {8, 16, 0};
  static struct oc_weight_device wd = {8, 0, {true, 300}, {false, 0}};
  static struct oc_hugepage_limit hl = {"2MB", 4194304};
  static struct oc_rdma rd = {"mlx5_0", {true, 3}, {true, 100}};
  static struct oc_net_priority prio = {"eth0", 5};
  struct oc_resources r = {0};
  r.memory.limit = (oc_i64){true, 1 << 30};
  r.memory.swap = (oc_i64){true, 2LL << 30};
  r.memory.reservation = (oc_i64){true, 512 << 20};
  r.cpu.shares = (oc_u64){true, 512};
  r.cpu.quota = (oc_i64){true, 50000};
  r.cpu.period = (oc_u64){true, 200000};
  r.cpu.burst = (oc_u64){true, 1000};
  r.cpu.idle = (oc_i64){true, 0};
  r.cpu.cpus = "0";
  r.cpu.mems = "0";
  r.pids.limit = (oc_i64){true, 0};
  r.block_io.weight = (oc_u64){true, 500};
  r.block_io.weight_devices = &wd;
  r.block_io.n_weight_devices = 1;
  r.block_io.read_bps = (struct oc_throttles){&rbps, 1};
  r.block_io.write_iops = (struct oc_throttles){&wiops, 1};
  r.hugepage_limits = &hl;
  r.n_hugepage_limits = 1;
  r.rdma = &rd;
  r.n_rdma = 1;
  r.network.class_id = (oc_u64){true, 0x100001};
  r.network.priorities = &prio;
  r.network.n_priorities = 1;
  return r;
}

static void test_v2_full(void **state) {
  (void)state;
  fake_v2();
  struct oc_resources r = full_resources();
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  /* net_cls and net_prio are v1-only: refused on v2, before anything is written */
  assert_true(oc_cg_create("/t/c", &r, &cg, &e) < 0);
  assert_string_equal(
      e.msg, "linux.resources.network.classID: the net_cls cgroup controller is not mounted on this host");
  assert_string_equal(get_file(leaf(NULL), "memory.max"), "");
  r.network.class_id = (oc_u64){true, 0}; /* 0: not asked for */
  assert_true(oc_cg_create("/t/c", &r, &cg, &e) < 0);
  assert_string_equal(
      e.msg,
      "linux.resources.network.priorities: the net_prio cgroup controller is not mounted on this host");
  r.network.n_priorities = 0;
  fake_v2(); /* the refusals above enabled controllers in the fake parents already */
  if (oc_cg_create("/t/c", &r, &cg, &e) < 0) fail_msg("%s", e.msg);
  const char *c = leaf(NULL);
  assert_string_equal(get_file(c, "memory.max"), "1073741824");
  assert_string_equal(get_file(c, "memory.swap.max"), "1073741824"); /* swap - limit */
  assert_string_equal(get_file(c, "memory.low"), "536870912");
  assert_string_equal(get_file(c, "cpu.weight"), "59");
  assert_string_equal(get_file(c, "cpu.max"), "50000 200000");
  assert_string_equal(get_file(c, "cpu.max.burst"), "1000");
  assert_string_equal(get_file(c, "cpu.idle"), "0");
  assert_string_equal(get_file(c, "cpuset.cpus"), "0");
  assert_string_equal(get_file(c, "pids.max"), "max"); /* pids 0 -> max */
  assert_string_equal(get_file(c, "io.weight"), "8:0 2930"); /* last write: the device weight */
  assert_string_equal(get_file(c, "io.max"), "8:16 wiops=max"); /* one fd per file: last type */
  assert_string_equal(get_file(c, "hugetlb.2MB.max"), "4194304");
  assert_string_equal(get_file(c, "hugetlb.2MB.rsvd.max"), "4194304");
  assert_string_equal(get_file(c, "rdma.max"), "mlx5_0 hca_handle=3 hca_object=100");
  /* controllers enabled in every parent, not in the leaf */
  assert_non_null(strstr(get_file(root, "cgroup.subtree_control"), "+memory"));
  assert_non_null(strstr(get_file(root, "cgroup.subtree_control"), "+hugetlb"));
  char t[512];
  snprintf(t, sizeof t, "%s/t", root);
  assert_null(strstr(get_file(t, "cgroup.subtree_control"), "+cpu ")); /* cpu already on */
  assert_non_null(strstr(get_file(t, "cgroup.subtree_control"), "+io"));
  assert_int_equal(oc_cg_clone_fd(cg), cg->v2.fd);
  assert_true(oc_cg_clone_fd(cg) >= 0);
  oc_cg_free(cg);
}

static void test_v2_throttle_lines(void **state) {
  (void)state;
  fake_v2();
  static struct oc_throttle_device two[2] = {{8, 0, 100}, {8, 16, 200}};
  struct oc_resources r = {0};
  r.block_io.read_bps = (struct oc_throttles){two, 2};
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  if (oc_cg_create("/t/c", &r, &cg, &e) < 0) fail_msg("%s", e.msg);
  /* each device is its own write() to io.max */
  assert_string_equal(get_file(leaf(NULL), "io.max"), "8:0 rbps=1008:16 rbps=200");
  oc_cg_free(cg);
}

static void test_v2_quota_and_unlimited(void **state) {
  (void)state;
  fake_v2();
  struct oc_resources r = {0};
  r.cpu.quota = (oc_i64){true, -1};
  r.memory.limit = (oc_i64){true, -1};
  r.pids.limit = (oc_i64){true, -1};
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  if (oc_cg_create("/t/c", &r, &cg, &e) < 0) fail_msg("%s", e.msg);
  const char *c = leaf(NULL);
  assert_string_equal(get_file(c, "cpu.max"), "max 100000"); /* period kept */
  assert_string_equal(get_file(c, "memory.max"), "max");
  assert_string_equal(get_file(c, "memory.swap.max"), "max");
  assert_string_equal(get_file(c, "pids.max"), "max");
  /* update: period only keeps the quota now in cpu.max; swap only uses the current limit */
  put_file(c, "cpu.max", "25000 100000\n");
  put_file(c, "memory.max", "1048576\n");
  struct oc_resources u = {0};
  u.cpu.period = (oc_u64){true, 50000};
  u.memory.swap = (oc_i64){true, 3145728};
  if (oc_cg_update(cg, &u, &e) < 0) fail_msg("%s", e.msg);
  assert_string_equal(get_file(c, "cpu.max"), "25000 50000");
  assert_string_equal(get_file(c, "memory.swap.max"), "2097152");
  /* checkBeforeUpdate: memory.current is 8 MiB */
  struct oc_resources u2 = {0};
  u2.memory.limit = (oc_i64){true, 4 << 20};
  u2.memory.check_before_update = (oc_bool){true, true};
  assert_true(oc_cg_update(cg, &u2, &e) < 0);
  assert_non_null(strstr(e.msg, "checkBeforeUpdate"));
  assert_string_equal(get_file(c, "memory.max"), "1048576\n"); /* untouched */
  /* swappiness and disableOOMKiller: clear errors on v2 */
  struct oc_resources u3 = {0};
  u3.memory.swappiness = (oc_u64){true, 10};
  assert_true(oc_cg_update(cg, &u3, &e) < 0);
  assert_non_null(strstr(e.msg, "swappiness: not supported on cgroup v2"));
  struct oc_resources u4 = {0};
  u4.memory.disable_oom_killer = (oc_bool){true, true};
  assert_true(oc_cg_update(cg, &u4, &e) < 0);
  assert_non_null(strstr(e.msg, "disableOOMKiller"));
  oc_cg_free(cg);
}

static void test_v2_unified_precedence(void **state) {
  (void)state;
  fake_v2();
  struct oc_resources r = full_resources();
  r.network.class_id.set = false; /* v1 only */
  r.network.n_priorities = 0;
  struct oc_kv kv[2] = {{"cpu.weight", "300"}, {"memory.max", "2G"}};
  r.unified = (struct oc_kvv){kv, 2};
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  if (oc_cg_create("/t/c", &r, &cg, &e) < 0) fail_msg("%s", e.msg);
  assert_string_equal(get_file(leaf(NULL), "cpu.weight"), "300");
  assert_string_equal(get_file(leaf(NULL), "memory.max"), "2G");
  oc_cg_free(cg);
}

static void test_v2_unified_rejected(void **state) {
  (void)state;
  fake_v2();
  struct oc_kv kv[2] = {{"memory.max", "1G"}, {"../cgroup.procs", "1"}};
  struct oc_resources r = {0};
  r.unified = (struct oc_kvv){kv, 2};
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  /* a new leaf: the failed create must remove it again */
  assert_true(oc_cg_create("/t/new", &r, &cg, &e) < 0);
  assert_non_null(strstr(e.msg, "invalid key"));
  char p[512];
  struct stat sb;
  snprintf(p, sizeof p, "%s/t/new", root);
  assert_int_equal(stat(p, &sb), -1);
  snprintf(p, sizeof p, "%s/t", root);
  assert_int_equal(stat(p, &sb), 0); /* the parent existed before */
  assert_true(oc_cg_open("/t/..", &cg, &e) < 0);
  assert_true(oc_cg_create("/t//c", NULL, &cg, &e) < 0);
  assert_true(oc_cg_create("/", NULL, &cg, &e) < 0);
  assert_true(oc_cg_create("t/c", NULL, &cg, &e) < 0);
  /* a valid key naming a file that does not exist: a clear error */
  kv[1].key = "memory.bogus";
  assert_true(oc_cg_create("/t/c", &r, &cg, &e) < 0);
  assert_non_null(strstr(e.msg, "memory.bogus"));
}

static void test_v2_stats(void **state) {
  (void)state;
  fake_v2();
  const char *c = leaf(NULL);
  put_file(c, "memory.max", "max\n");
  put_file(c, "memory.events", "low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\n");
  put_file(c, "memory.stat", "anon 4096\nfile 8192\n");
  put_file(c, "cpu.stat", "usage_usec 10\nuser_usec 6\nsystem_usec 4\nnr_periods 5\nnr_throttled 1\nthrottled_usec 7\n");
  put_file(c, "pids.current", "3\n");
  put_file(c, "pids.max", "max\n");
  put_file(c, "io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n");
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  if (oc_cg_open("/t/c", &cg, &e) < 0) fail_msg("%s", e.msg);
  char *json = NULL;
  if (oc_cg_stats_json(cg, "id1", &json, &e) < 0) fail_msg("%s", e.msg);
  assert_non_null(strstr(json, "{\"type\":\"stats\",\"id\":\"id1\",\"data\":{\"cpu\":{\"usage\":{\"total\":10000,"));
  assert_non_null(strstr(json, "\"throttling\":{\"periods\":5,\"throttledPeriods\":1,\"throttledTime\":7000}"));
  assert_non_null(strstr(json, "\"usage\":{\"limit\":18446744073709551615,\"usage\":8388608,"));
  assert_non_null(strstr(json, "\"raw\":{\"anon\":4096,\"file\":8192}"));
  assert_non_null(strstr(json, "\"oom\":1,\"oom_kill\":1"));
  assert_non_null(strstr(json, "\"pids\":{\"current\":3,\"limit\":0}"));
  assert_non_null(strstr(json, "{\"major\":8,\"minor\":0,\"op\":\"Write\",\"value\":200}"));
  free(json);
  oc_cg_free(cg);
}

/* ---- v1 files ---- */

static void test_v1_full(void **state) {
  (void)state;
  fake_v1(false);
  struct oc_resources r = full_resources();
  r.memory.swappiness = (oc_u64){true, 10};
  r.memory.disable_oom_killer = (oc_bool){true, true};
  r.cpu.realtime_period = (oc_u64){true, 1000000};
  r.cpu.realtime_runtime = (oc_i64){true, 950000};
  r.block_io.weight_devices = NULL;
  r.block_io.n_weight_devices = 0;
  struct oc_device_rule devs[2] = {{.allow = false, .type = 'a', .access = "rwm"},
                                   {.allow = true, .type = 'c', .major = {true, 10}, .minor = {true, 200}, .access = "rw"}};
  r.devices = devs;
  r.n_devices = 2;
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  if (oc_cg_create("/t/c", &r, &cg, &e) < 0) fail_msg("%s", e.msg);
  assert_string_equal(get_file(leaf("memory"), "memory.limit_in_bytes"), "1073741824");
  assert_string_equal(get_file(leaf("memory"), "memory.memsw.limit_in_bytes"), "2147483648");
  assert_string_equal(get_file(leaf("memory"), "memory.soft_limit_in_bytes"), "536870912");
  assert_string_equal(get_file(leaf("memory"), "memory.swappiness"), "10");
  assert_string_equal(get_file(leaf("memory"), "memory.oom_control"), "1");
  assert_string_equal(get_file(leaf("cpu,cpuacct"), "cpu.shares"), "512");
  assert_string_equal(get_file(leaf("cpu,cpuacct"), "cpu.cfs_quota_us"), "50000");
  assert_string_equal(get_file(leaf("cpu,cpuacct"), "cpu.cfs_period_us"), "200000");
  assert_string_equal(get_file(leaf("cpu,cpuacct"), "cpu.cfs_burst_us"), "1000");
  assert_string_equal(get_file(leaf("cpu,cpuacct"), "cpu.rt_period_us"), "1000000");
  assert_string_equal(get_file(leaf("cpu,cpuacct"), "cpu.rt_runtime_us"), "950000");
  assert_string_equal(get_file(leaf("cpuset"), "cpuset.cpus"), "0");
  assert_string_equal(get_file(leaf("cpuset"), "cpuset.mems"), "0");
  assert_string_equal(get_file(leaf("pids"), "pids.max"), "max");
  assert_string_equal(get_file(leaf("blkio"), "blkio.weight"), "500");
  assert_string_equal(get_file(leaf("blkio"), "blkio.throttle.read_bps_device"), "8:0 1048576");
  assert_string_equal(get_file(leaf("blkio"), "blkio.throttle.write_iops_device"), "8:16 0");
  assert_string_equal(get_file(leaf("hugetlb"), "hugetlb.2MB.limit_in_bytes"), "4194304");
  assert_string_equal(get_file(leaf("hugetlb"), "hugetlb.2MB.rsvd.limit_in_bytes"), "4194304");
  assert_string_equal(get_file(leaf("net_cls,net_prio"), "net_cls.classid"), "1048577");
  assert_string_equal(get_file(leaf("net_cls,net_prio"), "net_prio.ifpriomap"), "eth0 5");
  assert_string_equal(get_file(leaf("rdma"), "rdma.max"), "mlx5_0 hca_handle=3 hca_object=100");
  /* devices: deny all, then the rules in order, defaults last */
  assert_string_equal(get_file(leaf("devices"), "devices.deny"), "a");
  char *allow = get_file(leaf("devices"), "devices.allow");
  assert_true(strncmp(allow, "c 10:200 rwc *:* m", 18) == 0);
  assert_non_null(strstr(allow, "c 1:3 rwm"));
  assert_non_null(strstr(allow, "c 136:* rwm"));
  /* cpuset copied down into the intermediate cgroup too */
  char t[512];
  snprintf(t, sizeof t, "%s/cpuset/t", root);
  assert_string_equal(get_file(t, "cpuset.cpus"), "0-1");
  assert_int_equal(oc_cg_clone_fd(cg), -1);
  /* unified on a v1-only host: clear error */
  struct oc_kv kv = {"memory.max", "1G"};
  struct oc_resources u = {0};
  u.unified = (struct oc_kvv){&kv, 1};
  assert_true(oc_cg_update(cg, &u, &e) < 0);
  assert_non_null(strstr(e.msg, "only v1"));
  /* quota -1 on v1 */
  struct oc_resources q = {0};
  q.cpu.quota = (oc_i64){true, -1};
  if (oc_cg_update(cg, &q, &e) < 0) fail_msg("%s", e.msg);
  assert_string_equal(get_file(leaf("cpu,cpuacct"), "cpu.cfs_quota_us"), "-1");
  oc_cg_free(cg);
}

static void test_v1_memory_order(void **state) {
  (void)state;
  fake_v1(false);
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  if (oc_cg_create("/t/c", NULL, &cg, &e) < 0) fail_msg("%s", e.msg);
  /* lowering: limit first, then memsw -- the fake file shows the last write, so check errors only */
  put_file(leaf("memory"), "memory.limit_in_bytes", "1073741824\n");
  struct oc_resources r = {0};
  r.memory.limit = (oc_i64){true, 1 << 20};
  r.memory.swap = (oc_i64){true, 1 << 19};
  assert_true(oc_cg_update(cg, &r, &e) < 0); /* swap below limit */
  assert_non_null(strstr(e.msg, "memory+swap"));
  r.memory.limit = (oc_i64){true, -1};
  r.memory.swap = (oc_i64){false, 0};
  if (oc_cg_update(cg, &r, &e) < 0) fail_msg("%s", e.msg);
  assert_string_equal(get_file(leaf("memory"), "memory.limit_in_bytes"), "-1");
  assert_string_equal(get_file(leaf("memory"), "memory.memsw.limit_in_bytes"), "-1");
  oc_cg_free(cg);
}

static void test_hybrid_hugetlb_in_unified(void **state) {
  (void)state;
  fake_v1(true);
  /* no v1 hugetlb hierarchy on this fake host: the unified one must take the limit */
  char d[512];
  snprintf(d, sizeof d, "%s/hugetlb", root);
  assert_int_equal(rm_rf(d), 0);
  oc_cg_set_root_for_tests(root, OC_CG_HYBRID);
  put_file(leaf("unified"), "hugetlb.2MB.max", "");
  put_file(leaf("unified"), "cgroup.procs", "");
  struct oc_hugepage_limit hl = {"2MB", 2097152};
  struct oc_resources r = {0};
  r.hugepage_limits = &hl;
  r.n_hugepage_limits = 1;
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  if (oc_cg_create("/t/c", &r, &cg, &e) < 0) fail_msg("%s", e.msg);
  assert_string_equal(get_file(leaf("unified"), "hugetlb.2MB.max"), "2097152");
  snprintf(d, sizeof d, "%s/unified", root);
  assert_string_equal(get_file(d, "cgroup.subtree_control"), "+hugetlb");
  /* process joins v1 and unified: enter writes cgroup.procs everywhere */
  if (oc_cg_enter(cg, 4242, false, &e) < 0) fail_msg("%s", e.msg);
  assert_string_equal(get_file(leaf("unified"), "cgroup.procs"), "4242");
  assert_string_equal(get_file(leaf("name=systemd"), "cgroup.procs"), "4242");
  assert_string_equal(get_file(leaf("memory"), "cgroup.procs"), "4242");
  pid_t *pids = NULL;
  size_t n = 0;
  if (oc_cg_pids(cg, &pids, &n, &e) < 0) fail_msg("%s", e.msg);
  assert_int_equal(n, 1);
  assert_int_equal(pids[0], 4242);
  free(pids);
  oc_cg_free(cg);
}

static void test_bpf_program_shape(void **state) {
  (void)state;
  struct oc_device_rule rules[3] = {{.allow = false, .type = 'a', .access = "rwm"},
                                    {.allow = true, .type = 'c', .major = {true, 1}, .minor = {true, 3}, .access = "rwm"},
                                    {.allow = false, .type = 'b', .major = {true, 8}, .access = "w"}};
  void *insns = NULL;
  size_t n = 0;
  struct oc_err e;
  assert_int_equal(oc_cg_devices_bpf_build(rules, 3, &insns, &n, &e), 0);
  /* prologue 7 + deny-all 5 + allow c 1:3 (3 checks + 4) + deny b 8:* (2 checks + 5) + epilogue 2 */
  assert_int_equal(n, 7 + 5 + 7 + 7 + 2);
  free(insns);
}

/* A tiny interpreter for the instructions the device program uses. */
static int run_dev_prog(const struct bpf_insn *p, size_t n, char type, unsigned access, uint32_t major,
                        uint32_t minor) {
  uint32_t ctx[3] = {(access << 16) | (type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK), major, minor};
  uint64_t r[11] = {0};
  for (size_t pc = 0; pc < n; pc++) {
    const struct bpf_insn *i = &p[pc];
    switch (i->code) {
    case BPF_LDX | BPF_MEM | BPF_W: r[i->dst_reg] = ctx[i->off / 4]; break;
    case BPF_ALU | BPF_MOV | BPF_X: r[i->dst_reg] = (uint32_t)r[i->src_reg]; break;
    case BPF_ALU | BPF_AND | BPF_K: r[i->dst_reg] = (uint32_t)r[i->dst_reg] & (uint32_t)i->imm; break;
    case BPF_ALU | BPF_RSH | BPF_K: r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> i->imm; break;
    case BPF_ALU64 | BPF_MOV | BPF_K: r[i->dst_reg] = (uint64_t)(int64_t)i->imm; break;
    case BPF_JMP32 | BPF_JNE | BPF_K: if ((uint32_t)r[i->dst_reg] != (uint32_t)i->imm) pc += i->off; break;
    case BPF_JMP32 | BPF_JEQ | BPF_K: if ((uint32_t)r[i->dst_reg] == (uint32_t)i->imm) pc += i->off; break;
    case BPF_JMP | BPF_EXIT: return (int)r[0];
    default: fail_msg("unexpected opcode %#x", i->code);
    }
  }
  fail_msg("fell off the program");
  return -1;
}

static void test_bpf_program_semantics(void **state) {
  (void)state;
  enum { R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD };
  struct oc_resources r = {0};
  struct oc_device_rule cfg[4] = {
    {.allow = false, .type = 'a', .access = "rwm"},
    {.allow = true, .type = 'c', .major = {true, 10}, .minor = {false, 0}, .access = "rw"},
    {.allow = false, .type = 'c', .major = {true, 10}, .minor = {true, 200}, .access = "w"},
    {.allow = false, .type = 'c', .major = {true, 1}, .minor = {true, 3}, .access = "rwm"}, /* defaults win */
  };
  r.devices = cfg;
  r.n_devices = 4;
  struct oc_device_rule *rules = NULL;
  size_t n = 0, ni = 0;
  void *insns = NULL;
  struct oc_err e;
  assert_int_equal(oc_cg_device_rules(&r, &rules, &n, &e), 0);
  assert_int_equal(oc_cg_devices_bpf_build(rules, n, &insns, &ni, &e), 0);
  const struct bpf_insn *p = insns;
  assert_int_equal(run_dev_prog(p, ni, 'c', R | W, 1, 3), 1);      /* /dev/null: default allow */
  assert_int_equal(run_dev_prog(p, ni, 'c', R, 1, 1), 0);          /* /dev/mem: default deny */
  assert_int_equal(run_dev_prog(p, ni, 'b', M, 8, 0), 1);          /* mknod of anything */
  assert_int_equal(run_dev_prog(p, ni, 'b', R, 8, 0), 0);          /* but no block reads */
  assert_int_equal(run_dev_prog(p, ni, 'c', R | W, 10, 229), 1);   /* c 10:* rw */
  assert_int_equal(run_dev_prog(p, ni, 'c', R, 10, 200), 1);       /* read of 10:200 still allowed */
  assert_int_equal(run_dev_prog(p, ni, 'c', W, 10, 200), 0);       /* its write denied later */
  assert_int_equal(run_dev_prog(p, ni, 'c', R | W, 10, 200), 0);   /* all asked bits must pass */
  assert_int_equal(run_dev_prog(p, ni, 'c', R | W, 136, 5), 1);    /* pts */
  free(insns);
  free(rules);
  /* privileged: allow all */
  struct oc_device_rule all = {.allow = true, .type = 'a', .access = "rwm"};
  assert_int_equal(oc_cg_devices_bpf_build(&all, 1, &insns, &ni, &e), 0);
  assert_int_equal(run_dev_prog(insns, ni, 'b', R | W | M, 8, 0), 1);
  free(insns);
}

/* linux.resources.network needs the net_cls/net_prio hierarchy: where it is mounted the files
 * are written; where it is not (most hosts), create is refused, naming the key and the
 * controller, and leaves no directory behind. */
static void test_network_refused_when_unmounted(void **state) {
  (void)state;
  static struct oc_net_priority prio = {"eth0", 5};
  struct oc_resources r = {0};
  r.network.class_id = (oc_u64){true, 7};
  r.network.priorities = &prio;
  r.network.n_priorities = 1;
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};

  /* mounted: written */
  fake_v1(false);
  if (oc_cg_create("/t/c", &r, &cg, &e) < 0) fail_msg("%s", e.msg);
  assert_non_null(oc_cg_v1_dir(cg, OC_CTL_NET_CLS));
  assert_string_equal(get_file(leaf("net_cls,net_prio"), "net_cls.classid"), "7");
  assert_string_equal(get_file(leaf("net_cls,net_prio"), "net_prio.ifpriomap"), "eth0 5");
  oc_cg_free(cg);
  cg = NULL;

  /* not mounted: refused before anything is written (a new leaf would be removed again) */
  fake_v1(false);
  char d[512];
  snprintf(d, sizeof d, "%s/net_cls,net_prio", root);
  assert_int_equal(rm_rf(d), 0);
  oc_cg_set_root_for_tests(root, OC_CG_LEGACY);
  assert_true(oc_cg_create("/t/c", &r, &cg, &e) < 0);
  assert_null(cg);
  assert_string_equal(
      e.msg, "linux.resources.network.classID: the net_cls cgroup controller is not mounted on this host");
  assert_string_equal(get_file(leaf("devices"), "devices.deny"), "");
  r.network.class_id = (oc_u64){false, 0};
  assert_true(oc_cg_create("/t/c", &r, &cg, &e) < 0);
  assert_string_equal(
      e.msg,
      "linux.resources.network.priorities: the net_prio cgroup controller is not mounted on this host");
  /* an update is refused the same way, before it writes anything */
  r.network.n_priorities = 0;
  if (oc_cg_create("/t/c", &r, &cg, &e) < 0) fail_msg("%s", e.msg);
  struct oc_resources u = {0};
  u.memory.limit = (oc_i64){true, 1 << 30};
  u.network.class_id = (oc_u64){true, 7};
  assert_true(oc_cg_update(cg, &u, &e) < 0);
  assert_string_equal(
      e.msg, "linux.resources.network.classID: the net_cls cgroup controller is not mounted on this host");
  assert_string_equal(get_file(leaf("memory"), "memory.limit_in_bytes"), "9223372036854771712\n");
  oc_cg_free(cg);
}

/* The pure rule: which key names which controller, "not mounted" vs "not enabled". */
static void test_check_controllers(void **state) {
  (void)state;
  static struct oc_hugepage_limit hl = {"2MB", 1};
  static struct oc_rdma rd = {"mlx5_0", {true, 3}, {false, 0}};
  struct oc_resources r = {0};
  struct oc_err e = {0};
  assert_int_equal(oc_cg_controllers_wanted(&r), 0);
  assert_int_equal(oc_cg_controllers_wanted(NULL), 0);
  assert_int_equal(oc_cg_check_controllers(&r, 0, 0, "/x", &e), 0);
  r.hugepage_limits = &hl;
  r.n_hugepage_limits = 1;
  r.rdma = &rd;
  r.n_rdma = 1;
  assert_int_equal(oc_cg_controllers_wanted(&r), OC_CTL_HUGETLB | OC_CTL_RDMA);
  assert_int_equal(
      oc_cg_check_controllers(&r, OC_CTL_HUGETLB | OC_CTL_RDMA, OC_CTL_HUGETLB | OC_CTL_RDMA, "/x", &e), 0);
  assert_true(oc_cg_check_controllers(&r, OC_CTL_HUGETLB, OC_CTL_HUGETLB, "/x", &e) < 0);
  assert_string_equal(e.msg, "linux.resources.rdma: the rdma cgroup controller is not mounted on this host");
  assert_true(
      oc_cg_check_controllers(&r, OC_CTL_HUGETLB | OC_CTL_RDMA, OC_CTL_RDMA, "/sys/fs/cgroup/a/b", &e) < 0);
  assert_string_equal(e.msg,
                      "linux.resources.hugepageLimits: the hugetlb cgroup controller is not enabled for "
                      "/sys/fs/cgroup/a/b (not in its cgroup.controllers: the parent does not delegate it)");
  r.network.class_id = (oc_u64){true, 0};
  assert_int_equal(oc_cg_controllers_wanted(&r), OC_CTL_HUGETLB | OC_CTL_RDMA);
  r.network.class_id = (oc_u64){true, 1};
  assert_int_equal(oc_cg_controllers_wanted(&r), OC_CTL_HUGETLB | OC_CTL_RDMA | OC_CTL_NET_CLS);
}

/* v2: a controller the root has but the container's parent does not pass down is refused as
 * "not enabled"; a page size without its hugetlb file is refused naming the sizes there are. */
static void test_v2_hugetlb_not_delegated_and_sizes(void **state) {
  (void)state;
  fake_v2();
  char t[512];
  snprintf(t, sizeof t, "%s/t", root);
  put_file(t, "cgroup.controllers", "cpu memory pids\n");
  struct oc_hugepage_limit hl = {"2MB", 2097152};
  struct oc_resources r = {0};
  r.hugepage_limits = &hl;
  r.n_hugepage_limits = 1;
  struct oc_cgroup *cg = NULL;
  struct oc_err e = {0};
  assert_true(oc_cg_create("/t/c", &r, &cg, &e) < 0);
  char want[1024];
  snprintf(
      want, sizeof want,
      "linux.resources.hugepageLimits: the hugetlb cgroup controller is not enabled for %s/t/c (not in its "
      "cgroup.controllers: the parent does not delegate it)",
      root);
  assert_string_equal(e.msg, want);
  assert_string_equal(get_file(leaf(NULL), "hugetlb.2MB.max"), "");

  fake_v2();
  put_file(leaf(NULL), "hugetlb.1GB.max", "");
  put_file(leaf(NULL), "hugetlb.1GB.rsvd.max", "");
  hl.page_size = "64KB";
  assert_true(oc_cg_create("/t/c", &r, &cg, &e) < 0);
  assert_true(strcmp(e.msg, "linux.resources.hugepageLimits: page size 64KB does not exist on this host "
                            "(hugetlb has 2MB, 1GB)") == 0 ||
              strcmp(e.msg, "linux.resources.hugepageLimits: page size 64KB does not exist on this host "
                            "(hugetlb has 1GB, 2MB)") == 0);
  hl.page_size = "2M";
  assert_true(oc_cg_create("/t/c", &r, &cg, &e) < 0);
  assert_non_null(strstr(e.msg, "invalid pageSize \"2M\""));
  hl.page_size = "1GB";
  if (oc_cg_create("/t/c", &r, &cg, &e) < 0) fail_msg("%s", e.msg);
  assert_string_equal(get_file(leaf(NULL), "hugetlb.1GB.max"), "2097152");
  oc_cg_free(cg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_weight_table),
      cmocka_unit_test(test_io_weight),
      cmocka_unit_test(test_swap_arithmetic),
      cmocka_unit_test(test_unified_keys),
      cmocka_unit_test_teardown(test_path_resolution, teardown),
      cmocka_unit_test_teardown(test_v2_full, teardown),
      cmocka_unit_test_teardown(test_v2_throttle_lines, teardown),
      cmocka_unit_test_teardown(test_v2_quota_and_unlimited, teardown),
      cmocka_unit_test_teardown(test_v2_unified_precedence, teardown),
      cmocka_unit_test_teardown(test_v2_unified_rejected, teardown),
      cmocka_unit_test_teardown(test_v2_stats, teardown),
      cmocka_unit_test_teardown(test_v1_full, teardown),
      cmocka_unit_test_teardown(test_v1_memory_order, teardown),
      cmocka_unit_test_teardown(test_hybrid_hugetlb_in_unified, teardown),
      cmocka_unit_test(test_bpf_program_shape),
      cmocka_unit_test(test_bpf_program_semantics),
      cmocka_unit_test_teardown(test_network_refused_when_unmounted, teardown),
      cmocka_unit_test(test_check_controllers),
      cmocka_unit_test_teardown(test_v2_hugetlb_not_delegated_and_sizes, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
