/* One stats record in runc's `events --stats` shape:
 * {"type":"stats","id":..,"data":{"cpu","memory","pids","blkio","hugetlb"}}.
 * Each controller is read where it lives: its v1 hierarchy, else the unified one. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"

static void key(yajl_gen g, const char *k) { yajl_gen_string(g, (const unsigned char *)k, strlen(k)); }

static void num(yajl_gen g, uint64_t v) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%" PRIu64, v);
  yajl_gen_number(g, buf, (size_t)n);
}

static void kv(yajl_gen g, const char *k, uint64_t v) {
  key(g, k);
  num(g, v);
}

static uint64_t file_u64(const struct oc_cg_dir *d, const char *file) {
  uint64_t v = 0;
  struct oc_err e;
  if (!d || oc_cgf_read_u64(d, file, &v, &e) < 0) return 0;
  return v;
}

static uint64_t text_kv(const char *text, const char *k) {
  uint64_t v = 0;
  return text && oc_cg_kv_get(text, k, &v) ? v : 0;
}

static char *file_text(const struct oc_cg_dir *d, const char *file) {
  char *t = NULL;
  struct oc_err e;
  if (!d || oc_cgf_read(d, file, &t, &e) < 0) return NULL;
  return t;
}

/* The dir that holds a controller's files: v1 hierarchy first, then the unified one. */
static const struct oc_cg_dir *src(const struct oc_cgroup *cg, unsigned ctl, const char *probe) {
  const struct oc_cg_dir *d = oc_cg_v1_dir(cg, ctl);
  if (d) return d;
  d = oc_cg_v2_dir(cg);
  return d && oc_cgf_exists(d, probe) ? d : NULL;
}

static void num_list(yajl_gen g, const char *k, const char *text) {
  key(g, k);
  yajl_gen_array_open(g);
  for (const char *p = text ? text : ""; *p;) {
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p) break;
    num(g, v);
    p = end + strspn(end, " \n");
  }
  yajl_gen_array_close(g);
}

static void cpu_stats(yajl_gen g, const struct oc_cgroup *cg) {
  const struct oc_cg_dir *acct = oc_cg_v1_dir(cg, OC_CTL_CPUACCT), *cpu = oc_cg_v1_dir(cg, OC_CTL_CPU);
  const struct oc_cg_dir *v2 = oc_cg_v2_dir(cg);
  key(g, "cpu");
  yajl_gen_map_open(g);
  key(g, "usage");
  yajl_gen_map_open(g);
  _cleanup_free_ char *stat2 = (!acct || !cpu) ? file_text(v2, "cpu.stat") : NULL;
  if (acct) {
    _cleanup_free_ char *pc = file_text(acct, "cpuacct.usage_percpu");
    _cleanup_free_ char *pk = file_text(acct, "cpuacct.usage_percpu_sys");
    _cleanup_free_ char *pu = file_text(acct, "cpuacct.usage_percpu_user");
    _cleanup_free_ char *st = file_text(acct, "cpuacct.stat");
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t tick_ns = hz > 0 ? 1000000000ull / (uint64_t)hz : 10000000ull;
    kv(g, "total", file_u64(acct, "cpuacct.usage"));
    num_list(g, "percpu", pc);
    if (pk) num_list(g, "percpu_kernel", pk);
    if (pu) num_list(g, "percpu_user", pu);
    kv(g, "kernel", text_kv(st, "system") * tick_ns);
    kv(g, "user", text_kv(st, "user") * tick_ns);
  } else {
    kv(g, "total", text_kv(stat2, "usage_usec") * 1000);
    kv(g, "kernel", text_kv(stat2, "system_usec") * 1000);
    kv(g, "user", text_kv(stat2, "user_usec") * 1000);
  }
  yajl_gen_map_close(g);
  key(g, "throttling");
  yajl_gen_map_open(g);
  if (cpu) {
    _cleanup_free_ char *st = file_text(cpu, "cpu.stat");
    kv(g, "periods", text_kv(st, "nr_periods"));
    kv(g, "throttledPeriods", text_kv(st, "nr_throttled"));
    kv(g, "throttledTime", text_kv(st, "throttled_time"));
  } else {
    kv(g, "periods", text_kv(stat2, "nr_periods"));
    kv(g, "throttledPeriods", text_kv(stat2, "nr_throttled"));
    kv(g, "throttledTime", text_kv(stat2, "throttled_usec") * 1000);
  }
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
}

static void entry(yajl_gen g, const char *k, uint64_t limit, uint64_t usage, uint64_t max, uint64_t failcnt) {
  key(g, k);
  yajl_gen_map_open(g);
  kv(g, "limit", limit);
  kv(g, "usage", usage);
  kv(g, "max", max);
  kv(g, "failcnt", failcnt);
  yajl_gen_map_close(g);
}

static void raw_map(yajl_gen g, const char *text) {
  key(g, "raw");
  yajl_gen_map_open(g);
  for (const char *p = text ? text : ""; *p;) {
    size_t kl = strcspn(p, " \n");
    if (p[kl] == ' ') {
      yajl_gen_string(g, (const unsigned char *)p, kl);
      num(g, strtoull(p + kl + 1, NULL, 10));
    }
    p = strchr(p, '\n');
    if (!p) break;
    p++;
  }
  yajl_gen_map_close(g);
}

static void memory_v1(yajl_gen g, const struct oc_cg_dir *d) {
  _cleanup_free_ char *st = file_text(d, "memory.stat");
  _cleanup_free_ char *oom = file_text(d, "memory.oom_control");
  kv(g, "cache", text_kv(st, "total_cache") ? text_kv(st, "total_cache") : text_kv(st, "cache"));
  entry(g, "usage", file_u64(d, "memory.limit_in_bytes"), file_u64(d, "memory.usage_in_bytes"),
        file_u64(d, "memory.max_usage_in_bytes"), file_u64(d, "memory.failcnt"));
  entry(g, "swap", file_u64(d, "memory.memsw.limit_in_bytes"), file_u64(d, "memory.memsw.usage_in_bytes"),
        file_u64(d, "memory.memsw.max_usage_in_bytes"), file_u64(d, "memory.memsw.failcnt"));
  entry(g, "kernel", file_u64(d, "memory.kmem.limit_in_bytes"), file_u64(d, "memory.kmem.usage_in_bytes"),
        file_u64(d, "memory.kmem.max_usage_in_bytes"), file_u64(d, "memory.kmem.failcnt"));
  entry(g, "kernelTCP", file_u64(d, "memory.kmem.tcp.limit_in_bytes"),
        file_u64(d, "memory.kmem.tcp.usage_in_bytes"), file_u64(d, "memory.kmem.tcp.max_usage_in_bytes"),
        file_u64(d, "memory.kmem.tcp.failcnt"));
  raw_map(g, st);
  key(g, "event_count");
  yajl_gen_map_open(g);
  kv(g, "oom_kill", text_kv(oom, "oom_kill"));
  kv(g, "under_oom", text_kv(oom, "under_oom"));
  yajl_gen_map_close(g);
}

static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static void memory_v2(yajl_gen g, const struct oc_cg_dir *d) {
  _cleanup_free_ char *st = file_text(d, "memory.stat");
  _cleanup_free_ char *ev = file_text(d, "memory.events");
  _cleanup_free_ char *sev = file_text(d, "memory.swap.events");
  uint64_t cur = file_u64(d, "memory.current"), lim = file_u64(d, "memory.max");
  kv(g, "cache", text_kv(st, "file"));
  entry(g, "usage", lim, cur, file_u64(d, "memory.peak"), text_kv(ev, "max"));
  /* memory+swap, as v1 reports it */
  entry(g, "swap", add_sat(lim, file_u64(d, "memory.swap.max")), add_sat(cur, file_u64(d, "memory.swap.current")),
        add_sat(file_u64(d, "memory.peak"), file_u64(d, "memory.swap.peak")), text_kv(sev, "fail"));
  raw_map(g, st);
  key(g, "event_count");
  yajl_gen_map_open(g);
  static const char *const evk[] = {"low", "high", "max", "oom", "oom_kill"};
  for (size_t i = 0; i < 5; i++) kv(g, evk[i], text_kv(ev, evk[i]));
  yajl_gen_map_close(g);
}

static void blkio_list(yajl_gen g, const char *k, const char *text, bool v2, const char *rkey,
                       const char *wkey) {
  key(g, k);
  yajl_gen_array_open(g);
  for (const char *p = text ? text : ""; *p;) {
    unsigned long long maj, min;
    char op[32];
    unsigned long long val;
    if (!v2 && sscanf(p, "%llu:%llu %31s %llu", &maj, &min, op, &val) == 4) {
      yajl_gen_map_open(g);
      kv(g, "major", maj);
      kv(g, "minor", min);
      key(g, "op");
      yajl_gen_string(g, (const unsigned char *)op, strlen(op));
      kv(g, "value", val);
      yajl_gen_map_close(g);
    } else if (v2 && sscanf(p, "%llu:%llu", &maj, &min) == 2) {
      const char *eol = strchr(p, '\n');
      _cleanup_free_ char *line = strndup(p, eol ? (size_t)(eol - p) : strlen(p));
      const char *keys[2] = {rkey, wkey}, *ops[2] = {"Read", "Write"};
      for (int i = 0; line && i < 2; i++) {
        char pat[32];
        snprintf(pat, sizeof pat, " %s=", keys[i]);
        const char *at = strstr(line, pat);
        yajl_gen_map_open(g);
        kv(g, "major", maj);
        kv(g, "minor", min);
        key(g, "op");
        yajl_gen_string(g, (const unsigned char *)ops[i], strlen(ops[i]));
        kv(g, "value", at ? strtoull(at + strlen(pat), NULL, 10) : 0);
        yajl_gen_map_close(g);
      }
    }
    p = strchr(p, '\n');
    if (!p) break;
    p++;
  }
  yajl_gen_array_close(g);
}

static void blkio_stats(yajl_gen g, const struct oc_cgroup *cg) {
  key(g, "blkio");
  yajl_gen_map_open(g);
  const struct oc_cg_dir *d = oc_cg_v1_dir(cg, OC_CTL_IO);
  if (d) {
    static const char *const prefixes[] = {"blkio.", "blkio.bfq.", "blkio.throttle."};
    for (size_t i = 0; i < 3; i++) {
      char f1[80], f2[80];
      snprintf(f1, sizeof f1, "%sio_service_bytes_recursive", prefixes[i]);
      snprintf(f2, sizeof f2, "%sio_serviced_recursive", prefixes[i]);
      if (!oc_cgf_exists(d, f1)) continue;
      _cleanup_free_ char *t1 = file_text(d, f1), *t2 = file_text(d, f2);
      blkio_list(g, "ioServiceBytesRecursive", t1, false, NULL, NULL);
      blkio_list(g, "ioServicedRecursive", t2, false, NULL, NULL);
      break;
    }
  } else if ((d = src(cg, OC_CTL_IO, "io.stat"))) {
    _cleanup_free_ char *t = file_text(d, "io.stat");
    blkio_list(g, "ioServiceBytesRecursive", t, true, "rbytes", "wbytes");
    blkio_list(g, "ioServicedRecursive", t, true, "rios", "wios");
  }
  yajl_gen_map_close(g);
}

static void hugetlb_stats(yajl_gen g, const struct oc_cgroup *cg) {
  key(g, "hugetlb");
  yajl_gen_map_open(g);
  const struct oc_cg_dir *v1 = oc_cg_v1_dir(cg, OC_CTL_HUGETLB), *v2 = oc_cg_v2_dir(cg);
  _cleanup_dir_ DIR *dir = opendir("/sys/kernel/mm/hugepages");
  struct dirent *de;
  while (dir && (de = readdir(dir))) {
    unsigned long kb;
    if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1) continue;
    char ps[32], f[96];
    if (kb >= 1048576 && kb % 1048576 == 0)
      snprintf(ps, sizeof ps, "%luGB", kb / 1048576);
    else if (kb >= 1024 && kb % 1024 == 0)
      snprintf(ps, sizeof ps, "%luMB", kb / 1024);
    else
      snprintf(ps, sizeof ps, "%luKB", kb);
    if (v1) {
      key(g, ps);
      yajl_gen_map_open(g);
      snprintf(f, sizeof f, "hugetlb.%s.usage_in_bytes", ps);
      kv(g, "usage", file_u64(v1, f));
      snprintf(f, sizeof f, "hugetlb.%s.max_usage_in_bytes", ps);
      kv(g, "max", file_u64(v1, f));
      snprintf(f, sizeof f, "hugetlb.%s.failcnt", ps);
      kv(g, "failcnt", file_u64(v1, f));
      yajl_gen_map_close(g);
    } else if (v2) {
      snprintf(f, sizeof f, "hugetlb.%s.current", ps);
      if (!oc_cgf_exists(v2, f)) continue;
      key(g, ps);
      yajl_gen_map_open(g);
      kv(g, "usage", file_u64(v2, f));
      snprintf(f, sizeof f, "hugetlb.%s.events", ps);
      _cleanup_free_ char *ev = file_text(v2, f);
      kv(g, "failcnt", text_kv(ev, "max"));
      yajl_gen_map_close(g);
    }
  }
  yajl_gen_map_close(g);
}

int oc_cg_stats_json(const struct oc_cgroup *cg, const char *id, char **out, struct oc_err *e) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) return oc_fail(e, ENOMEM, "out of memory");
  yajl_gen_map_open(g);
  key(g, "type");
  key(g, "stats");
  key(g, "id");
  key(g, id);
  key(g, "data");
  yajl_gen_map_open(g);
  cpu_stats(g, cg);
  key(g, "memory");
  yajl_gen_map_open(g);
  const struct oc_cg_dir *m = oc_cg_v1_dir(cg, OC_CTL_MEMORY);
  if (m)
    memory_v1(g, m);
  else if ((m = src(cg, OC_CTL_MEMORY, "memory.current")))
    memory_v2(g, m);
  yajl_gen_map_close(g);
  key(g, "pids");
  yajl_gen_map_open(g);
  const struct oc_cg_dir *p = src(cg, OC_CTL_PIDS, "pids.current");
  uint64_t lim = file_u64(p, "pids.max");
  kv(g, "current", file_u64(p, "pids.current"));
  kv(g, "limit", lim == UINT64_MAX ? 0 : lim);
  yajl_gen_map_close(g);
  blkio_stats(g, cg);
  hugetlb_stats(g, cg);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  int r = 0;
  if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok || !(*out = strndup((const char *)buf, len)))
    r = oc_fail(e, ENOMEM, "stats JSON: out of memory");
  yajl_gen_free(g);
  return r;
}
