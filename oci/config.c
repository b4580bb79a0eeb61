/* config.json -> struct oc_config (yajl tree); the top-level object, mounts and hooks. */
#include "oci/config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/config_json.h"
#include "base/cleanup.h"

/* Any 1.x.y (with pre-release or build suffixes) is accepted; other majors are not. */
OC_MUST_CHECK static int check_version(const char *v, struct oc_err *e) {
  if (v[0] == '1' && v[1] == '.' && v[2] >= '0' && v[2] <= '9') return 0;
  return oc_fail(e, EINVAL, "unsupported ociVersion \"%.64s\"", v);
}

OC_MUST_CHECK static int parse_root(yajl_val o, struct oc_config *c, struct oc_err *e) {
  if (oc_j_req(oc_j_str(o, "root", "path", &c->root.path, e), "root", "path", e) < 0 ||
      oc_j_bool(o, "root", "readonly", &c->root.readonly, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_mount(yajl_val o, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_mount *m = elem;
  if (oc_j_req(oc_j_str(o, ip, "destination", &m->destination, e), ip, "destination", e) < 0 ||
      oc_j_str(o, ip, "type", &m->type, e) < 0 || oc_j_str(o, ip, "source", &m->source, e) < 0 ||
      oc_j_strv(o, ip, "options", &m->options, e) < 0 ||
      oc_j_id_maps(o, ip, "uidMappings", &m->uid_mappings, e) < 0 ||
      oc_j_id_maps(o, ip, "gidMappings", &m->gid_mappings, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_hook(yajl_val o, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_hook *hook = elem;
  if (oc_j_req(oc_j_str(o, ip, "path", &hook->path, e), ip, "path", e) < 0 ||
      oc_j_strv(o, ip, "args", &hook->args, e) < 0 || oc_j_strv(o, ip, "env", &hook->env, e) < 0 ||
      oc_j_oi64(o, ip, "timeout", 1, INT32_MAX, &hook->timeout, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_hooks(yajl_val o, struct oc_config *c, struct oc_err *e) {
  for (int k = 0; k < OC_HOOK_COUNT; k++) {
    const char *name = oc_hook_kind_name((enum oc_hook_kind)k);
    yajl_val a;
    if (oc_j_array(o, "hooks", name, &a, e) < 0 ||
        oc_j_objects(a, "hooks", name, sizeof *c->hooks[k].v, &c->hooks[k].v, &c->hooks[k].n, parse_hook, NULL, e) < 0)
      return -1;
  }
  return 0;
}

OC_MUST_CHECK static int from_tree(yajl_val t, struct oc_config *c, struct oc_err *e) {
  yajl_val o;
  if (!YAJL_IS_OBJECT(t)) return oc_fail(e, EINVAL, "config: expected a JSON object");
  if (oc_j_req(oc_j_str(t, "", "ociVersion", &c->oci_version, e), "", "ociVersion", e) < 0 ||
      check_version(c->oci_version, e) < 0)
    return -1;

  if (oc_j_object(t, "", "root", &o, e) < 0 || (o && parse_root(o, c, e) < 0)) return -1;

  if (oc_j_object(t, "", "process", &o, e) < 0) return -1;
  c->has_process = o != NULL;
  if (o && oc_process_from_tree(o, "process", &c->process, e) < 0) return -1;

  if (oc_j_str(t, "", "hostname", &c->hostname, e) < 0 ||
      oc_j_str(t, "", "domainname", &c->domainname, e) < 0 ||
      oc_j_array(t, "", "mounts", &o, e) < 0 || oc_j_objects(o, "", "mounts", sizeof *c->mounts, &c->mounts, &c->n_mounts, parse_mount, NULL, e) < 0 ||
      oc_j_object(t, "", "hooks", &o, e) < 0 || (o && parse_hooks(o, c, e) < 0) ||
      oc_j_kvv(t, "", "annotations", &c->annotations, e) < 0)
    return -1;

  if (oc_j_object(t, "", "linux", &o, e) < 0 || (o && oc_linux_from_tree(o, "linux", c, e) < 0))
    return -1;
  return 0;
}

/* what (a file name, or NULL) prefixes every error. */
OC_MUST_CHECK static int parse_named(const char *json, size_t len, const char *what, struct oc_config **out,
                       struct oc_err *e) {
  yajl_val tree;
  *out = NULL;
  if (oc_json_parse(json, len, what, &tree, e) < 0) return -1;
  struct oc_config *c = oc_j_calloc(1, sizeof *c, e);
  int r = c ? from_tree(tree, c, e) : -1;
  yajl_tree_free(tree);
  if (r < 0) {
    if (c && what) oc_wrap(e, r, "%s", what);
    oc_config_free(c);
    return -1;
  }
  *out = c;
  return 0;
}

int oc_config_parse(const char *json, size_t len, struct oc_config **out, struct oc_err *e) {
  return parse_named(json, len, NULL, out, e);
}

int oc_config_load(const char *path, struct oc_config **out, struct oc_err *e) {
  *out = NULL;
  _cleanup_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return oc_fail_errno(e, "open %s", path);
  struct stat st;
  if (fstat(fd, &st) < 0) return oc_fail_errno(e, "stat %s", path);
  if (!S_ISREG(st.st_mode)) return oc_fail(e, EINVAL, "%s: not a regular file", path);
  if (st.st_size > (off_t)OC_JSON_MAX_SIZE)
    return oc_fail(e, EFBIG, "%s: too large (%lld bytes, limit %u)", path, (long long)st.st_size,
                   OC_JSON_MAX_SIZE);
  /* Read at most one byte past the limit: the size may change after fstat. */
  size_t cap = (size_t)st.st_size + 1, len = 0;
  if (cap > OC_JSON_MAX_SIZE + 1u) cap = OC_JSON_MAX_SIZE + 1u;
  _cleanup_free_ char *buf = malloc(cap);
  if (!buf) return oc_fail_errno(e, "read %s", path);
  for (;;) {
    if (len == cap) {
      if (cap > OC_JSON_MAX_SIZE) break;
      size_t ncap = cap * 2 > OC_JSON_MAX_SIZE + 1u ? OC_JSON_MAX_SIZE + 1u : cap * 2;
      char *nb = realloc(buf, ncap);
      if (!nb) return oc_fail_errno(e, "read %s", path);
      buf = nb;
      cap = ncap;
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return oc_fail_errno(e, "read %s", path);
    if (n == 0) break;
    len += (size_t)n;
  }
  return parse_named(buf, len, path, out, e);
}

void oc_config_free(struct oc_config *c) {
  if (!c) return;
  free(c->oci_version);
  free(c->hostname);
  free(c->domainname);
  free(c->root.path);
  oc_process_release(&c->process);
  for (size_t i = 0; c->mounts && i < c->n_mounts; i++) {
    struct oc_mount *m = &c->mounts[i];
    free(m->destination);
    free(m->type);
    free(m->source);
    oc_strv_release(&m->options);
    free(m->uid_mappings.v);
    free(m->gid_mappings.v);
  }
  free(c->mounts);
  for (int k = 0; k < OC_HOOK_COUNT; k++) {
    for (size_t i = 0; c->hooks[k].v && i < c->hooks[k].n; i++) {
      free(c->hooks[k].v[i].path);
      oc_strv_release(&c->hooks[k].v[i].args);
      oc_strv_release(&c->hooks[k].v[i].env);
    }
    free(c->hooks[k].v);
  }
  oc_kvv_release(&c->annotations);
  for (size_t i = 0; i < c->n_namespaces && i < OC_NS_COUNT; i++) free(c->namespaces[i].path);
  free(c->uid_mappings.v);
  free(c->gid_mappings.v);
  for (size_t i = 0; c->devices && i < c->n_devices; i++) free(c->devices[i].path);
  free(c->devices);
  free(c->cgroups_path);
  oc_resources_release(&c->resources);
  free(c->rootfs_propagation);
  oc_strv_release(&c->masked_paths);
  oc_strv_release(&c->readonly_paths);
  free(c->mount_label);
  oc_kvv_release(&c->sysctl);
  oc_seccomp_release(&c->seccomp);
  free(c->intel_rdt.clos_id);
  free(c->memory_policy.nodes);
  for (size_t i = 0; i < c->n_net_devices; i++) {
    free(c->net_devices[i].host_name);
    free(c->net_devices[i].name);
  }
  free(c->net_devices);
  free(c);
}

const char *oc_kvv_get(const struct oc_kvv *kv, const char *key) {
  for (size_t i = 0; i < kv->n; i++)
    if (strcmp(kv->v[i].key, key) == 0) return kv->v[i].value;
  return NULL;
}

int oc_kvv_set(struct oc_kvv *kv, const char *key, const char *value, struct oc_err *e) {
  char *v = strdup(value);
  if (!v) return oc_fail(e, ENOMEM, "%s: out of memory", key);
  for (size_t i = 0; i < kv->n; i++)
    if (strcmp(kv->v[i].key, key) == 0) {
      free(kv->v[i].value);
      kv->v[i].value = v;
      return 0;
    }
  char *k = strdup(key);
  struct oc_kv *nv = k ? realloc(kv->v, (kv->n + 1) * sizeof *nv) : NULL;
  if (!nv) {
    free(k);
    free(v);
    return oc_fail(e, ENOMEM, "%s: out of memory", key);
  }
  nv[kv->n++] = (struct oc_kv){.key = k, .value = v};
  kv->v = nv;
  return 0;
}
