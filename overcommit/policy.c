/* The overcommit policy file: defaults, presets, parsing (yajl tree), dump, host totals. */
#define _GNU_SOURCE
#include "overcommit/policy.h"
#include "oci/json_gen.h"

#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "oci/config_json.h"
#include "base/cleanup.h"
#include "base/fsutil.h"

#define POLICY_MAX_SIZE (1u << 20)

static const char *const mode_names[] = {"enforce", "warn", "off"};
static const char *const no_limit_names[] = {"reject", "default", "unbounded"};
static const char *const orch_names[] = {"count", "enforce"};
static const char *const swap_names[] = {"allow", "off"}; /* index = swap_off */

const char *oc_policy_mode_name(enum oc_policy_mode m) { return mode_names[m]; }
const char *oc_no_limit_name(enum oc_no_limit n) { return no_limit_names[n]; }

void oc_policy_defaults(struct oc_policy *p) {
  *p = (struct oc_policy){
      .preset = NULL,
      .mode = OC_POLICY_ENFORCE,
      .cpu_allocation_ratio = 16.0,
      .ram_allocation_ratio = 1.0,
      .reserved_host_memory_mb = 512,
      .reserved_host_cpus = 0,
      .no_limit_policy = OC_NO_LIMIT_DEFAULT,
      .default_memory_limit_mb = 1024,
      .default_vcpus = 1,
      .swap_off = true,
      .oom_group = false,
      .orchestrated = OC_ORCH_COUNT,
      .allow_opt_out = false,
  };
  snprintf(p->source, sizeof p->source, "built-in defaults");
}

int oc_policy_preset(const char *name, struct oc_policy *p, struct oc_err *e) {
  if (strcmp(name, "openstack-legacy") == 0) {
    p->preset = "openstack-legacy";
    p->cpu_allocation_ratio = 16.0;
    p->ram_allocation_ratio = 1.5;
  } else if (strcmp(name, "openstack") == 0) {
    p->preset = "openstack";
    p->cpu_allocation_ratio = 4.0;
    p->ram_allocation_ratio = 1.0;
  } else if (strcmp(name, "vm") == 0) {
    /* Like a hypervisor: every container has a fixed size, no swap, dies whole. */
    p->preset = "vm";
    p->cpu_allocation_ratio = 4.0;
    p->ram_allocation_ratio = 1.0;
    p->no_limit_policy = OC_NO_LIMIT_REJECT;
    p->swap_off = true;
    p->oom_group = true;
    p->allow_opt_out = false;
  } else {
    return oc_fail(e, EINVAL, "preset: unknown preset \"%s\" (openstack-legacy, openstack, vm)", name);
  }
  return 0;
}

/* ---- typed members ---- */

OC_MUST_CHECK static int get_enum(yajl_val v, const char *key, const char *const *names, size_t n, int *out,
                    struct oc_err *e) {
  if (!YAJL_IS_STRING(v)) return oc_fail(e, EINVAL, "%s: must be a string", key);
  for (size_t i = 0; i < n; i++)
    if (strcmp(v->u.string, names[i]) == 0) {
      *out = (int)i;
      return 0;
    }
  char list[128] = "";
  for (size_t i = 0; i < n; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? "|" : "", names[i]);
  return oc_fail(e, EINVAL, "%s: invalid value \"%.64s\" (expected %s)", key, v->u.string, list);
}

/* A number in (min, max] when min_open, else [min, max]. */
OC_MUST_CHECK static int get_num(yajl_val v, const char *key, double min, bool min_open, double max, double *out,
                   struct oc_err *e) {
  if (!YAJL_IS_NUMBER(v) || !(v->u.number.flags & YAJL_NUMBER_DOUBLE_VALID))
    return oc_fail(e, EINVAL, "%s: must be a number", key);
  double d = v->u.number.d;
  if (!isfinite(d) || (min_open ? d <= min : d < min) || d > max)
    return oc_fail(e, EINVAL, "%s: %g is out of range (must be %s %g and <= %g)", key, d,
                   min_open ? ">" : ">=", min, max);
  *out = d;
  return 0;
}

OC_MUST_CHECK static int get_int(yajl_val v, const char *key, int64_t min, int64_t max, int64_t *out,
                   struct oc_err *e) {
  if (!YAJL_IS_INTEGER(v)) return oc_fail(e, EINVAL, "%s: must be an integer", key);
  long long i = YAJL_GET_INTEGER(v);
  if (i < min || i > max)
    return oc_fail(e, EINVAL, "%s: %lld is out of range (%" PRId64 "..%" PRId64 ")", key, i, min, max);
  *out = i;
  return 0;
}

OC_MUST_CHECK static int get_bool(yajl_val v, const char *key, bool *out, struct oc_err *e) {
  if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) return oc_fail(e, EINVAL, "%s: must be true or false", key);
  *out = YAJL_IS_TRUE(v);
  return 0;
}

OC_MUST_CHECK static int set_key(struct oc_policy *p, const char *k, yajl_val v, bool *ha_pct, bool *ha_fail,
                   bool *ha_size, struct oc_err *e) {
  int ival;
  int64_t i64;
  int r = 0;
  if (strcmp(k, "preset") == 0) {
    return 0; /* applied first */
  } else if (strcmp(k, "mode") == 0) {
    if ((r = get_enum(v, k, mode_names, 3, &ival, e)) == 0) p->mode = ival;
  } else if (strcmp(k, "cpu_allocation_ratio") == 0) {
    r = get_num(v, k, 0, true, 1e6, &p->cpu_allocation_ratio, e);
  } else if (strcmp(k, "ram_allocation_ratio") == 0) {
    r = get_num(v, k, 0, true, 1e6, &p->ram_allocation_ratio, e);
  } else if (strcmp(k, "reserved_host_memory_mb") == 0) {
    r = get_int(v, k, 0, INT64_C(1) << 40, &p->reserved_host_memory_mb, e);
  } else if (strcmp(k, "reserved_host_cpus") == 0) {
    r = get_num(v, k, 0, false, 1e6, &p->reserved_host_cpus, e);
  } else if (strcmp(k, "ha_reserve_percent") == 0) {
    r = get_num(v, k, 0, false, 99, &p->ha_reserve_percent, e);
    *ha_pct = true;
  } else if (strcmp(k, "ha_host_failures") == 0) {
    if ((r = get_int(v, k, 0, 1000000, &i64, e)) == 0) p->ha_host_failures = (uint32_t)i64;
    *ha_fail = true;
  } else if (strcmp(k, "ha_cluster_size") == 0) {
    if ((r = get_int(v, k, 1, 1000000, &i64, e)) == 0) p->ha_cluster_size = (uint32_t)i64;
    *ha_size = true;
  } else if (strcmp(k, "no_limit_policy") == 0) {
    if ((r = get_enum(v, k, no_limit_names, 3, &ival, e)) == 0) p->no_limit_policy = ival;
  } else if (strcmp(k, "default_memory_limit_mb") == 0) {
    r = get_int(v, k, 1, INT64_C(1) << 40, &p->default_memory_limit_mb, e);
  } else if (strcmp(k, "default_vcpus") == 0) {
    r = get_num(v, k, 0, true, 10000, &p->default_vcpus, e);
  } else if (strcmp(k, "swap") == 0) {
    if ((r = get_enum(v, k, swap_names, 2, &ival, e)) == 0) p->swap_off = ival == 1;
  } else if (strcmp(k, "oom_group") == 0) {
    r = get_bool(v, k, &p->oom_group, e);
  } else if (strcmp(k, "orchestrated") == 0) {
    if ((r = get_enum(v, k, orch_names, 2, &ival, e)) == 0) p->orchestrated = ival;
  } else if (strcmp(k, "allow_opt_out") == 0) {
    r = get_bool(v, k, &p->allow_opt_out, e);
  } else {
    return oc_fail(e, EINVAL, "unknown key \"%.64s\"", k);
  }
  return r;
}

OC_MUST_CHECK static int parse_tree(yajl_val root, struct oc_policy *p, struct oc_err *e) {
  if (!YAJL_IS_OBJECT(root)) return oc_fail(e, EINVAL, "must be a JSON object");
  size_t n = root->u.object.len;
  /* The preset first, so that the file's own keys override it whatever their order. */
  for (size_t i = 0; i < n; i++) {
    if (strcmp(root->u.object.keys[i], "preset") != 0) continue;
    yajl_val v = root->u.object.values[i];
    if (!YAJL_IS_STRING(v)) return oc_fail(e, EINVAL, "preset: must be a string");
    if (oc_policy_preset(v->u.string, p, e) < 0) return -1;
  }
  bool ha_pct = false, ha_fail = false, ha_size = false;
  for (size_t i = 0; i < n; i++)
    if (set_key(p, root->u.object.keys[i], root->u.object.values[i], &ha_pct, &ha_fail, &ha_size, e) < 0)
      return -1;
  if (ha_fail != ha_size)
    return oc_fail(e, EINVAL, "%s: needs %s as well", ha_fail ? "ha_host_failures" : "ha_cluster_size",
                   ha_fail ? "ha_cluster_size" : "ha_host_failures");
  if (ha_pct && ha_fail)
    return oc_fail(e, EINVAL, "ha_reserve_percent: cannot be combined with ha_host_failures");
  if (ha_fail && p->ha_host_failures >= p->ha_cluster_size)
    return oc_fail(e, EINVAL, "ha_host_failures: %u must be less than ha_cluster_size %u",
                   p->ha_host_failures, p->ha_cluster_size);
  return 0;
}

int oc_policy_parse(const char *json, size_t len, const char *what, struct oc_policy *out,
                    struct oc_err *e) {
  oc_policy_defaults(out);
  if (what) snprintf(out->source, sizeof out->source, "%s", what);
  yajl_val root = NULL;
  int r = oc_json_parse(json, len, NULL, &root, e);
  if (r == 0) r = parse_tree(root, out, e);
  if (root) yajl_tree_free(root);
  if (r < 0 && what) oc_wrap(e, r, "policy %s", what);
  return r;
}

int oc_policy_check_host(const struct oc_policy *p, const struct oc_host *h, struct oc_err *e) {
  if (p->reserved_host_memory_mb >= h->memory_mb)
    return oc_fail(e, EINVAL, "policy %s: reserved_host_memory_mb: %" PRId64
                   " MB leaves nothing of the host's %" PRId64 " MB",
                   p->source, p->reserved_host_memory_mb, h->memory_mb);
  if (p->reserved_host_cpus >= h->cpus)
    return oc_fail(e, EINVAL, "policy %s: reserved_host_cpus: %g leaves nothing of the host's %g CPUs",
                   p->source, p->reserved_host_cpus, h->cpus);
  return 0;
}

int oc_policy_load(const char *path, struct oc_policy *out, struct oc_err *e) {
  bool given = true;
  if (!path || !path[0]) path = getenv("OCRUN_POLICY");
  if (!path || !path[0]) {
    path = OC_POLICY_DEFAULT_PATH;
    given = false;
  }
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  struct oc_err re = {0};
  if (oc_read_fileat(AT_FDCWD, path, &buf, &len, POLICY_MAX_SIZE, &re) < 0) {
    if (re.errnum == ENOENT && !given) {
      oc_policy_defaults(out);
      buf = NULL;
    } else {
      return oc_fail(e, re.errnum, "policy %s", re.msg + (strncmp(re.msg, "open ", 5) ? 0 : 5));
    }
  }
  if (buf && oc_policy_parse(buf, len, path, out, e) < 0) return -1;
  struct oc_host h;
  if (oc_host_detect(&h, e) < 0) return -1;
  return oc_policy_check_host(out, &h, e);
}

double oc_policy_ha_fraction(const struct oc_policy *p) {
  if (p->ha_cluster_size > 0) return (double)p->ha_host_failures / p->ha_cluster_size;
  return p->ha_reserve_percent / 100.0;
}

/* ---- dump ---- */

static void gen_str(yajl_gen g, const char *k, const char *v) {
  yajl_gen_string(g, (const unsigned char *)k, strlen(k));
  if (v)
    yajl_gen_string(g, (const unsigned char *)v, strlen(v));
  else
    yajl_gen_null(g);
}

static void gen_num(yajl_gen g, const char *k, double v) {
  char buf[64];
  int n = snprintf(buf, sizeof buf, "%.10g", v);
  yajl_gen_string(g, (const unsigned char *)k, strlen(k));
  yajl_gen_number(g, buf, (size_t)n);
}

static void gen_bool(yajl_gen g, const char *k, bool v) {
  yajl_gen_string(g, (const unsigned char *)k, strlen(k));
  yajl_gen_bool(g, v);
}

char *oc_policy_json(const struct oc_policy *p, struct oc_err *e) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) {
    oc_fail(e, ENOMEM, "policy JSON: out of memory");
    return NULL;
  }
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_map_open(g);
  gen_str(g, "source", p->source);
  gen_str(g, "preset", p->preset);
  gen_str(g, "mode", mode_names[p->mode]);
  gen_num(g, "cpu_allocation_ratio", p->cpu_allocation_ratio);
  gen_num(g, "ram_allocation_ratio", p->ram_allocation_ratio);
  gen_num(g, "reserved_host_memory_mb", (double)p->reserved_host_memory_mb);
  gen_num(g, "reserved_host_cpus", p->reserved_host_cpus);
  if (p->ha_cluster_size > 0) {
    gen_num(g, "ha_host_failures", p->ha_host_failures);
    gen_num(g, "ha_cluster_size", p->ha_cluster_size);
  } else {
    gen_num(g, "ha_reserve_percent", p->ha_reserve_percent);
  }
  gen_num(g, "ha_reserve_fraction", oc_policy_ha_fraction(p));
  gen_str(g, "no_limit_policy", no_limit_names[p->no_limit_policy]);
  gen_num(g, "default_memory_limit_mb", (double)p->default_memory_limit_mb);
  gen_num(g, "default_vcpus", p->default_vcpus);
  gen_str(g, "swap", swap_names[p->swap_off]);
  gen_bool(g, "oom_group", p->oom_group);
  gen_str(g, "orchestrated", orch_names[p->orchestrated]);
  gen_bool(g, "allow_opt_out", p->allow_opt_out);
  yajl_gen_map_close(g);
  char *out = oc_json_gen_take(g);
  if (!out) oc_fail(e, ENOMEM, "policy JSON: out of memory");
  return out;
}

/* ---- host totals ---- */

OC_MUST_CHECK static int env_override(const char *name, double *out, struct oc_err *e) {
  const char *s = getenv(name);
  if (!s || !s[0]) return 0;
  char *end;
  errno = 0;
  double d = strtod(s, &end);
  if (errno || *end || !isfinite(d) || d <= 0) return oc_fail(e, EINVAL, "%s: invalid value \"%s\"", name, s);
  *out = d;
  return 1;
}

/* The host's online CPUs and memory, read once per process (policy load and admission both ask). */
OC_MUST_CHECK static int meminfo_total_mb(int64_t *out, struct oc_err *e) {
  static int64_t cached = -1;
  if (cached >= 0) {
    *out = cached;
    return 0;
  }
  _cleanup_free_ char *buf = NULL;
  if (oc_read_fileat(AT_FDCWD, "/proc/meminfo", &buf, NULL, 1 << 20, e) < 0) return -1;
  const char *p = strstr(buf, "MemTotal:");
  unsigned long long kb;
  if (!p || sscanf(p + 9, "%llu", &kb) != 1) return oc_fail(e, EINVAL, "/proc/meminfo: no MemTotal");
  *out = cached = (int64_t)(kb / 1024);
  return 0;
}

static long online_cpus(void) {
  static long cached = 0;
  if (cached < 1) cached = sysconf(_SC_NPROCESSORS_ONLN);
  return cached;
}

int oc_host_detect(struct oc_host *h, struct oc_err *e) {
  double d;
  int r = env_override("OCRUN_HOST_CPUS", &d, e);
  if (r < 0) return r;
  if (r > 0) {
    h->cpus = d;
  } else {
    long n = online_cpus();
    if (n < 1) return oc_fail_errno(e, "sysconf(_SC_NPROCESSORS_ONLN)");
    h->cpus = (double)n;
  }
  r = env_override("OCRUN_HOST_MEMORY_MB", &d, e);
  if (r < 0) return r;
  if (r > 0) {
    h->memory_mb = (int64_t)d;
    return 0;
  }
  return meminfo_total_mb(&h->memory_mb, e);
}
