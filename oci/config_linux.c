/* The linux object of config.json. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oci/config_json.h"
#include "oci/names.h"
#include "base/parse.h"

OC_MUST_CHECK static int parse_namespaces(yajl_val a, const char *path, struct oc_config *c, struct oc_err *e) {
  for (size_t i = 0; i < a->u.array.len; i++) {
    yajl_val o = a->u.array.values[i];
    char ip[OC_JPATH_MAX], *type = NULL;
    oc_jpath_index(ip, path, "namespaces", i);
    if (oc_jv_object(o, ip, NULL, e) < 0 ||
        oc_j_req(oc_j_str(o, ip, "type", &type, e), ip, "type", e) < 0)
      return -1;
    int t = oc_ns_type_from_name(type);
    int r = t < 0 ? oc_j_fail(e, ip, "type", "unknown namespace type \"%.64s\"", type) : 0;
    if (r == 0 && oc_config_ns(c, (enum oc_ns_type)t))
      r = oc_j_fail(e, path, "namespaces", "duplicate namespace type \"%s\"", type);
    free(type);
    if (r < 0) return -1;
    struct oc_namespace *ns = &c->namespaces[c->n_namespaces++];
    ns->type = (enum oc_ns_type)t;
    if (oc_j_str(o, ip, "path", &ns->path, e) < 0) return -1;
  }
  return 0;
}

OC_MUST_CHECK static int parse_time_offsets(yajl_val o, const char *path, struct oc_config *c,
                              struct oc_err *e) {
  for (size_t i = 0; i < o->u.object.len; i++) {
    const char *key = o->u.object.keys[i];
    yajl_val v = o->u.object.values[i];
    char ip[OC_JPATH_MAX];
    int clock;
    if (strcmp(key, "monotonic") == 0)
      clock = CLOCK_MONOTONIC;
    else if (strcmp(key, "boottime") == 0)
      clock = CLOCK_BOOTTIME;
    else
      return oc_j_fail(e, path, NULL, "unknown clock \"%.64s\" (monotonic or boottime)", key);
    for (size_t j = 0; j < c->n_time_offsets; j++)
      if (c->time_offsets[j].clock == clock)
        return oc_j_fail(e, path, key, "duplicate clock");
    struct oc_time_offset *t = &c->time_offsets[c->n_time_offsets++];
    t->clock = clock;
    oc_jpath(ip, path, key);
    uint64_t ns = 0;
    if (oc_jv_object(v, ip, NULL, e) < 0 ||
        oc_j_sint(v, ip, "secs", INT64_MIN, INT64_MAX, &t->secs, e) < 0 ||
        oc_j_uint(v, ip, "nanosecs", 999999999, &ns, e) < 0)
      return -1;
    t->nanosecs = (uint32_t)ns;
  }
  return 0;
}

OC_MUST_CHECK static int parse_device(yajl_val o, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_device *d = elem;
  char *type = NULL;
  if (oc_j_req(oc_j_str(o, ip, "type", &type, e), ip, "type", e) < 0) return -1;
  bool ok = strlen(type) == 1 && strchr("cbup", type[0]);
  d->type = type[0];
  int r = ok ? 0 : oc_j_fail(e, ip, "type", "must be c, b, u or p, not \"%.16s\"", type);
  free(type);
  if (r < 0 || oc_j_req(oc_j_str(o, ip, "path", &d->path, e), ip, "path", e) < 0) return -1;
  int rmaj = oc_j_sint(o, ip, "major", 0, UINT32_MAX, &d->major, e);
  int rmin = rmaj < 0 ? -1 : oc_j_sint(o, ip, "minor", 0, UINT32_MAX, &d->minor, e);
  if (rmin < 0) return -1;
  if (d->type != 'p' && (oc_j_req(rmaj, ip, "major", e) < 0 || oc_j_req(rmin, ip, "minor", e) < 0)) return -1;
  if (oc_j_ou64(o, ip, "fileMode", UINT32_MAX, &d->file_mode, e) < 0 ||
      oc_j_ou64(o, ip, "uid", UINT32_MAX, &d->uid, e) < 0 || oc_j_ou64(o, ip, "gid", UINT32_MAX, &d->gid, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_personality(yajl_val o, const char *path, struct oc_config *c,
                             struct oc_err *e) {
  char *domain = NULL;
  int r = oc_j_req(oc_j_str(o, path, "domain", &domain, e), path, "domain", e);
  if (r == 0) {
    int d = oc_personality_domain_from_name(domain);
    if (d < 0)
      r = oc_j_fail(e, path, "domain", "unknown domain \"%.64s\" (LINUX or LINUX32)", domain);
    c->personality_domain = (oc_i64){.set = true, .v = d};
  }
  int fr = r < 0 ? 0 : oc_j_flags(o, path, "flags", "flag", oc_personality_flag_from_name, &c->personality_flags.v, e);
  if (fr < 0) r = -1;
  if (fr > 0) c->personality_flags.set = true;
  free(domain);
  return r < 0 ? -1 : 0;
}

static int set_nodes(long lo, long hi, void *ctx) {
  unsigned long *mask = ctx;
  const size_t bits = 8 * sizeof *mask;
  for (long n = lo; n <= hi; n++) mask[(size_t)n / bits] |= 1UL << ((size_t)n % bits);
  return 0;
}

/* Modes that take no nodes, and modes that need at least one (set_mempolicy(2)); the kernel
 * would only say EINVAL. MPOL_PREFERRED takes either (none = local allocation). */
static bool mode_forbids_nodes(int mode) { return mode == 0 /* DEFAULT */ || mode == 4 /* LOCAL */; }
static bool mode_needs_nodes(int mode) { return mode == 2 || mode == 3 || mode == 5 || mode == 6; }

OC_MUST_CHECK static int parse_memory_policy(yajl_val o, const char *path, struct oc_memory_policy *mp,
                                             struct oc_err *e) {
  char *mode = NULL;
  int r = oc_j_req(oc_j_str(o, path, "mode", &mode, e), path, "mode", e);
  if (r == 0 && (mp->mode = oc_mempolicy_mode_from_name(mode)) < 0)
    r = oc_j_fail(e, path, "mode", "unknown mode \"%.64s\"", mode);
  free(mode);
  if (r < 0 || oc_j_str(o, path, "nodes", &mp->nodes, e) < 0) return -1;
  if (mp->nodes && mp->nodes[0] &&
      oc_parse_range_list(mp->nodes, OC_MEMPOLICY_MAX_NODE, set_nodes, mp->nodemask) < 0)
    return oc_j_fail(e, path, "nodes", "invalid node list \"%.64s\" (e.g. \"0-3,7\", nodes 0..%d)",
                     mp->nodes, OC_MEMPOLICY_MAX_NODE);
  bool has_nodes = mp->nodes && mp->nodes[0];
  if (has_nodes && mode_forbids_nodes(mp->mode))
    return oc_j_fail(e, path, "nodes", "%s takes no nodes", oc_mempolicy_mode_name(mp->mode));
  if (!has_nodes && mode_needs_nodes(mp->mode))
    return oc_j_fail(e, path, "nodes", "%s needs at least one node", oc_mempolicy_mode_name(mp->mode));
  uint64_t flags = 0;
  if (oc_j_flags(o, path, "flags", "flag", oc_mempolicy_flag_from_name, &flags, e) < 0) return -1;
  mp->flags = (unsigned)flags;
  mp->set = true;
  return 0;
}

/* A name the kernel takes for a network device (dev_valid_name): 1..15 bytes, not "." or "..",
 * no '/', ':' or white space. A '%' is allowed only in a target name (the kernel's "eth%d"). */
static bool netdev_name_ok(const char *n, bool target) {
  size_t len = strlen(n);
  if (len == 0 || len > 15 || strcmp(n, ".") == 0 || strcmp(n, "..") == 0) return false;
  for (const char *p = n; *p; p++)
    if (*p == '/' || *p == ':' || *p <= ' ' || (*p == '%' && !target)) return false;
  return true;
}

OC_MUST_CHECK static int parse_net_devices(yajl_val o, const char *path, struct oc_config *c,
                                           struct oc_err *e) {
  if (o->u.object.len == 0) return 0;
  c->net_devices = calloc(o->u.object.len, sizeof *c->net_devices);
  if (!c->net_devices) return oc_fail(e, ENOMEM, "%s: out of memory", path);
  for (size_t i = 0; i < o->u.object.len; i++) {
    const char *key = o->u.object.keys[i];
    char ip[OC_JPATH_MAX];
    oc_jpath(ip, path, key);
    struct oc_net_device *d = &c->net_devices[c->n_net_devices++];
    if (!netdev_name_ok(key, false))
      return oc_j_fail(e, path, NULL, "\"%.64s\" is not a network device name", key);
    if (!(d->host_name = strdup(key))) return oc_fail(e, ENOMEM, "%s: out of memory", ip);
    if (oc_jv_object(o->u.object.values[i], ip, NULL, e) < 0 ||
        oc_j_str(o->u.object.values[i], ip, "name", &d->name, e) < 0)
      return -1;
    if (d->name && !netdev_name_ok(d->name, true))
      return oc_j_fail(e, ip, "name", "\"%.64s\" is not a network device name", d->name);
    for (size_t k = 0; k + 1 < c->n_net_devices; k++) {
      const struct oc_net_device *p = &c->net_devices[k];
      if (strcmp(p->name ? p->name : p->host_name, d->name ? d->name : d->host_name) == 0 &&
          !strchr(d->name ? d->name : d->host_name, '%'))
        return oc_j_fail(e, ip, NULL, "two devices would be named \"%.64s\" in the container", d->name ? d->name : d->host_name);
    }
  }
  return 0;
}

OC_MUST_CHECK static int check_propagation(const char *p, const char *path, struct oc_err *e) {
  static const char *const ok[] = {"shared",  "slave",  "private",  "unbindable",
                                   "rshared", "rslave", "rprivate", "runbindable"};
  if (!p || !p[0]) return 0;
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (strcmp(p, ok[i]) == 0) return 0;
  return oc_j_fail(e, path, "rootfsPropagation", "unknown propagation \"%.64s\"", p);
}

int oc_linux_from_tree(yajl_val v, const char *path, struct oc_config *c, struct oc_err *e) {
  char sub[OC_JPATH_MAX];
  yajl_val o;
  if (oc_jv_object(v, path, NULL, e) < 0) return -1;

  if (oc_j_array(v, path, "namespaces", &o, e) < 0 || (o && parse_namespaces(o, path, c, e) < 0) ||
      oc_j_id_maps(v, path, "uidMappings", &c->uid_mappings, e) < 0 ||
      oc_j_id_maps(v, path, "gidMappings", &c->gid_mappings, e) < 0)
    return -1;

  if (oc_j_object(v, path, "timeOffsets", &o, e) < 0) return -1;
  oc_jpath(sub, path, "timeOffsets");
  if (o && parse_time_offsets(o, sub, c, e) < 0) return -1;

  if (oc_j_array(v, path, "devices", &o, e) < 0 || oc_j_objects(o, path, "devices", sizeof *c->devices, &c->devices, &c->n_devices, parse_device, NULL, e) < 0 ||
      oc_j_str(v, path, "cgroupsPath", &c->cgroups_path, e) < 0)
    return -1;

  if (oc_j_object(v, path, "resources", &o, e) < 0) return -1;
  oc_jpath(sub, path, "resources");
  c->has_resources = o != NULL;
  if (o && oc_resources_from_tree(o, sub, &c->resources, e) < 0) return -1;

  if (oc_j_str(v, path, "rootfsPropagation", &c->rootfs_propagation, e) < 0 ||
      check_propagation(c->rootfs_propagation, path, e) < 0 ||
      oc_j_strv(v, path, "maskedPaths", &c->masked_paths, e) < 0 ||
      oc_j_strv(v, path, "readonlyPaths", &c->readonly_paths, e) < 0 ||
      oc_j_str(v, path, "mountLabel", &c->mount_label, e) < 0 ||
      oc_j_kvv(v, path, "sysctl", &c->sysctl, e) < 0)
    return -1;

  if (oc_j_object(v, path, "seccomp", &o, e) < 0) return -1;
  oc_jpath(sub, path, "seccomp");
  if (o && oc_seccomp_from_tree(o, sub, &c->seccomp, e) < 0) return -1;

  if (oc_j_object(v, path, "personality", &o, e) < 0) return -1;
  oc_jpath(sub, path, "personality");
  if (o && parse_personality(o, sub, c, e) < 0) return -1;

  if (oc_j_object(v, path, "intelRdt", &o, e) < 0) return -1;
  oc_jpath(sub, path, "intelRdt");
  if (o && oc_j_str(o, sub, "closID", &c->intel_rdt.clos_id, e) < 0) return -1;

  if (oc_j_object(v, path, "memoryPolicy", &o, e) < 0) return -1;
  oc_jpath(sub, path, "memoryPolicy");
  if (o && parse_memory_policy(o, sub, &c->memory_policy, e) < 0) return -1;

  if (oc_j_object(v, path, "netDevices", &o, e) < 0) return -1;
  oc_jpath(sub, path, "netDevices");
  if (o && parse_net_devices(o, sub, c, e) < 0) return -1;
  return 0;
}
