/* linux.resources of config.json (also `update --resources FILE`). */
#include <stdlib.h>
#include <string.h>

#include "oci/config_json.h"

#define DEV_NUM_MAX ((int64_t)UINT32_MAX)

OC_MUST_CHECK static int parse_device_rule(yajl_val d, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_device_rule *rule = elem;
  {
    char *type = NULL, *access = NULL;
    if (oc_j_req(oc_j_bool(d, ip, "allow", &rule->allow, e), ip, "allow", e) < 0 ||
        oc_j_oi64(d, ip, "major", -1, DEV_NUM_MAX, &rule->major, e) < 0 ||
        oc_j_oi64(d, ip, "minor", -1, DEV_NUM_MAX, &rule->minor, e) < 0)
      return -1;
    /* -1 is the conventional wildcard */
    if (rule->major.set && rule->major.v == -1) rule->major.set = false;
    if (rule->minor.set && rule->minor.v == -1) rule->minor.set = false;
    int ret = 0;
    if (oc_j_str(d, ip, "type", &type, e) < 0) return -1;
    if (type) {
      if (type[0] && strcmp(type, "a") != 0 && strcmp(type, "c") != 0 && strcmp(type, "b") != 0)
        ret = oc_j_fail(e, ip, "type", "must be \"a\", \"c\" or \"b\", not \"%.16s\"", type);
      rule->type = type[0];
      free(type);
    }
    if (ret < 0 || oc_j_str(d, ip, "access", &access, e) < 0) return -1;
    if (access) {
      size_t n = strlen(access);
      bool ok = n <= 3 && strspn(access, "rwm") == n;
      for (size_t x = 0; ok && x < n; x++)
        if (strchr(access + x + 1, access[x])) ok = false;
      if (ok)
        memcpy(rule->access, access, n + 1);
      else
        ret = oc_j_fail(e, ip, "access", "must be a combination of \"rwm\", not \"%.16s\"",
                        access);
      free(access);
    }
    if (ret < 0) return -1;
  }
  return 0;
}

OC_MUST_CHECK static int parse_device_rules(yajl_val o, const char *path, struct oc_resources *r,
                                            struct oc_err *e) {
  yajl_val a;
  if (oc_j_array(o, path, "devices", &a, e) < 0) return -1;
  return oc_j_objects(a, path, "devices", sizeof *r->devices, &r->devices, &r->n_devices, parse_device_rule, NULL, e);
}

/* Memory values are int64 with -1 = unlimited; UINT64_MAX (the same bits) is taken as -1 too. */
OC_MUST_CHECK static int mem_value(yajl_val o, const char *path, const char *key, oc_i64 *out, struct oc_err *e) {
  yajl_val v = oc_j_member(o, key);
  if (v && YAJL_IS_NUMBER(v) && strcmp(v->u.number.r, "18446744073709551615") == 0) {
    out->set = true;
    out->v = -1;
    return 1;
  }
  return oc_j_oi64(o, path, key, -1, INT64_MAX, out, e);
}

OC_MUST_CHECK static int parse_memory(yajl_val o, const char *path, struct oc_resources *r, struct oc_err *e) {
  if (mem_value(o, path, "limit", &r->memory.limit, e) < 0 ||
      mem_value(o, path, "reservation", &r->memory.reservation, e) < 0 ||
      mem_value(o, path, "swap", &r->memory.swap, e) < 0 ||
      mem_value(o, path, "kernel", &r->memory.kernel, e) < 0 ||
      mem_value(o, path, "kernelTCP", &r->memory.kernel_tcp, e) < 0 ||
      oc_j_ou64(o, path, "swappiness", UINT64_MAX, &r->memory.swappiness, e) < 0 ||
      oc_j_obool(o, path, "disableOOMKiller", &r->memory.disable_oom_killer, e) < 0 ||
      oc_j_obool(o, path, "useHierarchy", &r->memory.use_hierarchy, e) < 0 ||
      oc_j_obool(o, path, "checkBeforeUpdate", &r->memory.check_before_update, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_cpu(yajl_val o, const char *path, struct oc_resources *r, struct oc_err *e) {
  if (oc_j_ou64(o, path, "shares", UINT64_MAX, &r->cpu.shares, e) < 0 ||
      oc_j_oi64(o, path, "quota", INT64_MIN, INT64_MAX, &r->cpu.quota, e) < 0 ||
      oc_j_ou64(o, path, "burst", UINT64_MAX, &r->cpu.burst, e) < 0 ||
      oc_j_ou64(o, path, "period", UINT64_MAX, &r->cpu.period, e) < 0 ||
      oc_j_oi64(o, path, "realtimeRuntime", INT64_MIN, INT64_MAX, &r->cpu.realtime_runtime,
                e) < 0 ||
      oc_j_ou64(o, path, "realtimePeriod", UINT64_MAX, &r->cpu.realtime_period, e) < 0 ||
      oc_j_str(o, path, "cpus", &r->cpu.cpus, e) < 0 ||
      oc_j_str(o, path, "mems", &r->cpu.mems, e) < 0 ||
      oc_j_oi64(o, path, "idle", INT64_MIN, INT64_MAX, &r->cpu.idle, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_throttle(yajl_val d, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_throttle_device *td = elem;
  if (oc_j_req(oc_j_sint(d, ip, "major", 0, DEV_NUM_MAX, &td->major, e), ip, "major", e) < 0 ||
      oc_j_req(oc_j_sint(d, ip, "minor", 0, DEV_NUM_MAX, &td->minor, e), ip, "minor", e) < 0 ||
      oc_j_req(oc_j_uint(d, ip, "rate", UINT64_MAX, &td->rate, e), ip, "rate", e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_weight_device(yajl_val d, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_weight_device *w = elem;
  if (oc_j_req(oc_j_sint(d, ip, "major", 0, DEV_NUM_MAX, &w->major, e), ip, "major", e) < 0 ||
      oc_j_req(oc_j_sint(d, ip, "minor", 0, DEV_NUM_MAX, &w->minor, e), ip, "minor", e) < 0 ||
      oc_j_ou64(d, ip, "weight", UINT16_MAX, &w->weight, e) < 0 ||
      oc_j_ou64(d, ip, "leafWeight", UINT16_MAX, &w->leaf_weight, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_throttles(yajl_val o, const char *path, const char *key, struct oc_throttles *t,
                           struct oc_err *e) {
  yajl_val a;
  if (oc_j_array(o, path, key, &a, e) < 0) return -1;
  return oc_j_objects(a, path, key, sizeof *t->v, &t->v, &t->n, parse_throttle, NULL, e);
}

OC_MUST_CHECK static int parse_block_io(yajl_val o, const char *path, struct oc_resources *r, struct oc_err *e) {
  yajl_val a;
  if (oc_j_ou64(o, path, "weight", UINT16_MAX, &r->block_io.weight, e) < 0 ||
      oc_j_ou64(o, path, "leafWeight", UINT16_MAX, &r->block_io.leaf_weight, e) < 0 ||
      oc_j_array(o, path, "weightDevice", &a, e) < 0)
    return -1;
  if (oc_j_objects(a, path, "weightDevice", sizeof *r->block_io.weight_devices, &r->block_io.weight_devices,
                   &r->block_io.n_weight_devices, parse_weight_device, NULL, e) < 0)
    return -1;
  if (parse_throttles(o, path, "throttleReadBpsDevice", &r->block_io.read_bps, e) < 0 ||
      parse_throttles(o, path, "throttleWriteBpsDevice", &r->block_io.write_bps, e) < 0 ||
      parse_throttles(o, path, "throttleReadIOPSDevice", &r->block_io.read_iops, e) < 0 ||
      parse_throttles(o, path, "throttleWriteIOPSDevice", &r->block_io.write_iops, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_hugepage_limit(yajl_val h, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_hugepage_limit *hl = elem;
  if (oc_j_req(oc_j_str(h, ip, "pageSize", &hl->page_size, e), ip, "pageSize", e) < 0 ||
      oc_j_req(oc_j_uint(h, ip, "limit", UINT64_MAX, &hl->limit, e), ip, "limit", e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_net_priority(yajl_val p, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_net_priority *np = elem;
  if (oc_j_req(oc_j_str(p, ip, "name", &np->name, e), ip, "name", e) < 0 ||
      oc_j_req(oc_j_u32(p, ip, "priority", &np->priority, e), ip, "priority", e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_hugepages(yajl_val o, const char *path, struct oc_resources *r, struct oc_err *e) {
  yajl_val a;
  if (oc_j_array(o, path, "hugepageLimits", &a, e) < 0) return -1;
  return oc_j_objects(a, path, "hugepageLimits", sizeof *r->hugepage_limits, &r->hugepage_limits,
                      &r->n_hugepage_limits, parse_hugepage_limit, NULL, e);
}

OC_MUST_CHECK static int parse_network(yajl_val o, const char *path, struct oc_resources *r, struct oc_err *e) {
  yajl_val a;
  if (oc_j_ou64(o, path, "classID", UINT32_MAX, &r->network.class_id, e) < 0 ||
      oc_j_array(o, path, "priorities", &a, e) < 0)
    return -1;
  return oc_j_objects(a, path, "priorities", sizeof *r->network.priorities, &r->network.priorities,
                      &r->network.n_priorities, parse_net_priority, NULL, e);
}

OC_MUST_CHECK static int parse_rdma(yajl_val o, const char *path, struct oc_resources *r, struct oc_err *e) {
  size_t n = o->u.object.len;
  r->rdma = oc_j_calloc(n, sizeof *r->rdma, e);
  if (!r->rdma) return -1;
  r->n_rdma = n;
  for (size_t i = 0; i < n; i++) {
    struct oc_rdma *rd = &r->rdma[i];
    yajl_val d = o->u.object.values[i];
    char ip[OC_JPATH_MAX];
    oc_jpath(ip, path, o->u.object.keys[i]);
    rd->device = strdup(o->u.object.keys[i]);
    if (!rd->device) return oc_fail_errno(e, "config: out of memory");
    if (oc_jv_object(d, ip, NULL, e) < 0 ||
        oc_j_ou64(d, ip, "hcaHandles", UINT32_MAX, &rd->hca_handles, e) < 0 ||
        oc_j_ou64(d, ip, "hcaObjects", UINT32_MAX, &rd->hca_objects, e) < 0)
      return -1;
  }
  return 0;
}

int oc_resources_from_tree(yajl_val v, const char *path, struct oc_resources *r,
                           struct oc_err *e) {
  char sub[OC_JPATH_MAX];
  yajl_val o;
  if (oc_jv_object(v, path, NULL, e) < 0 || parse_device_rules(v, path, r, e) < 0) return -1;

  static const struct {
    const char *key;
    int (*fn)(yajl_val, const char *, struct oc_resources *, struct oc_err *);
  } parts[] = {{"memory", parse_memory}, {"cpu", parse_cpu},   {"blockIO", parse_block_io},
               {"network", parse_network}, {"rdma", parse_rdma}};
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    if (oc_j_object(v, path, parts[i].key, &o, e) < 0) return -1;
    oc_jpath(sub, path, parts[i].key);
    if (o && parts[i].fn(o, sub, r, e) < 0) return -1;
  }
  if (oc_j_object(v, path, "pids", &o, e) < 0) return -1;
  oc_jpath(sub, path, "pids");
  if (o && oc_j_oi64(o, sub, "limit", INT64_MIN, INT64_MAX, &r->pids.limit, e) < 0) return -1;
  if (parse_hugepages(v, path, r, e) < 0 || oc_j_kvv(v, path, "unified", &r->unified, e) < 0)
    return -1;
  return 0;
}

int oc_resources_parse(const char *json, size_t len, struct oc_resources *out, struct oc_err *e) {
  yajl_val tree;
  memset(out, 0, sizeof *out);
  if (oc_json_parse(json, len, "resources", &tree, e) < 0) return -1;
  int r = oc_resources_from_tree(tree, "", out, e);
  yajl_tree_free(tree);
  if (r < 0) oc_resources_release(out);
  return r < 0 ? -1 : 0;
}

static void throttles_release(struct oc_throttles *t) { free(t->v); }

void oc_resources_release(struct oc_resources *r) {
  free(r->devices);
  free(r->cpu.cpus);
  free(r->cpu.mems);
  free(r->block_io.weight_devices);
  throttles_release(&r->block_io.read_bps);
  throttles_release(&r->block_io.write_bps);
  throttles_release(&r->block_io.read_iops);
  throttles_release(&r->block_io.write_iops);
  for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
    free(r->hugepage_limits[i].page_size);
  free(r->hugepage_limits);
  for (size_t i = 0; r->network.priorities && i < r->network.n_priorities; i++)
    free(r->network.priorities[i].name);
  free(r->network.priorities);
  for (size_t i = 0; r->rdma && i < r->n_rdma; i++) free(r->rdma[i].device);
  free(r->rdma);
  oc_kvv_release(&r->unified);
  memset(r, 0, sizeof *r);
}
