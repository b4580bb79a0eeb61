/* The process object of config.json (also `exec --process FILE`). */
#include <stdlib.h>
#include <string.h>

#include "oci/config_json.h"
#include "oci/names.h"

OC_MUST_CHECK static int parse_user(yajl_val o, const char *path, struct oc_user *u, struct oc_err *e) {
  yajl_val gids;
  if (oc_j_u32(o, path, "uid", &u->uid, e) < 0 || oc_j_u32(o, path, "gid", &u->gid, e) < 0 ||
      oc_j_ou64(o, path, "umask", UINT32_MAX, &u->umask, e) < 0 ||
      oc_j_str(o, path, "username", &u->username, e) < 0 ||
      oc_j_array(o, path, "additionalGids", &gids, e) < 0)
    return -1;
  if (!gids) return 0;
  size_t n = gids->u.array.len;
  u->additional_gids = oc_j_calloc(n, sizeof *u->additional_gids, e);
  if (!u->additional_gids) return -1;
  u->n_additional_gids = n;
  for (size_t i = 0; i < n; i++) {
    char p[OC_JPATH_MAX];
    uint64_t g;
    oc_jpath_index(p, path, "additionalGids", i);
    if (oc_jv_uint(gids->u.array.values[i], p, NULL, UINT32_MAX, &g, e) < 0) return -1;
    u->additional_gids[i] = (uint32_t)g;
  }
  return 0;
}

static int64_t cap_bit(const char *name) {
  int cap = oc_cap_from_name(name);
  return cap < 0 ? -1 : (int64_t)1 << cap;
}

OC_MUST_CHECK static int cap_set(yajl_val o, const char *path, const char *key, uint64_t *mask,
                   struct oc_err *e) {
  return oc_j_flags(o, path, key, "capability", cap_bit, mask, e) < 0 ? -1 : 0;
}

OC_MUST_CHECK static int parse_caps(yajl_val o, const char *path, struct oc_caps *c, struct oc_err *e) {
  c->set = true;
  if (cap_set(o, path, "bounding", &c->bounding, e) < 0 ||
      cap_set(o, path, "effective", &c->effective, e) < 0 ||
      cap_set(o, path, "inheritable", &c->inheritable, e) < 0 ||
      cap_set(o, path, "permitted", &c->permitted, e) < 0 ||
      cap_set(o, path, "ambient", &c->ambient, e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_rlimit(yajl_val o, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  const struct oc_process *p = ctx;
  struct oc_rlimit *rl = elem;
  char *type = NULL;
  if (oc_j_req(oc_j_str(o, ip, "type", &type, e), ip, "type", e) < 0) return -1;
  rl->resource = oc_rlimit_from_name(type);
  int r = rl->resource < 0 ? oc_j_fail(e, ip, "type", "unknown rlimit \"%.64s\"", type) : 0;
  for (const struct oc_rlimit *prev = p->rlimits; r == 0 && prev < rl; prev++)
    if (prev->resource == rl->resource) r = oc_j_fail(e, ip, "type", "duplicate rlimit \"%.64s\"", type);
  free(type);
  if (r < 0 || oc_j_req(oc_j_uint(o, ip, "hard", UINT64_MAX, &rl->hard, e), ip, "hard", e) < 0 ||
      oc_j_req(oc_j_uint(o, ip, "soft", UINT64_MAX, &rl->soft, e), ip, "soft", e) < 0)
    return -1;
  return 0;
}

OC_MUST_CHECK static int parse_rlimits(yajl_val a, const char *path, struct oc_process *p, struct oc_err *e) {
  return oc_j_objects(a, path, "rlimits", sizeof *p->rlimits, &p->rlimits, &p->n_rlimits, parse_rlimit, p, e);
}

OC_MUST_CHECK static int parse_scheduler(yajl_val o, const char *path, struct oc_scheduler *s,
                           struct oc_err *e) {
  char *policy = NULL;
  int64_t nice = 0, prio = 0;
  uint64_t flags = 0;
  int r = oc_j_req(oc_j_str(o, path, "policy", &policy, e), path, "policy", e);
  if (r == 0) {
    s->policy = oc_sched_policy_from_name(policy);
    if (s->policy < 0) r = oc_j_fail(e, path, "policy", "unknown policy \"%.64s\"", policy);
  }
  if (r == 0 && (oc_j_sint(o, path, "nice", INT32_MIN, INT32_MAX, &nice, e) < 0 ||
                 oc_j_sint(o, path, "priority", INT32_MIN, INT32_MAX, &prio, e) < 0 ||
                 oc_j_uint(o, path, "runtime", UINT64_MAX, &s->runtime, e) < 0 ||
                 oc_j_uint(o, path, "deadline", UINT64_MAX, &s->deadline, e) < 0 ||
                 oc_j_uint(o, path, "period", UINT64_MAX, &s->period, e) < 0 ||
                 oc_j_flags(o, path, "flags", "flag", oc_sched_flag_from_name, &flags, e) < 0))
    r = -1;
  s->flags = (uint32_t)flags;
  s->nice = (int32_t)nice;
  s->priority = (int32_t)prio;
  s->set = r == 0;
  free(policy);
  return r;
}

OC_MUST_CHECK static int parse_io_priority(yajl_val o, const char *path, struct oc_io_priority *io,
                             struct oc_err *e) {
  char *cls = NULL;
  int64_t prio = 0;
  int r = oc_j_req(oc_j_str(o, path, "class", &cls, e), path, "class", e);
  if (r == 0) {
    io->ioclass = oc_ioprio_class_from_name(cls);
    if (io->ioclass < 0) r = oc_j_fail(e, path, "class", "unknown class \"%.64s\"", cls);
  }
  free(cls);
  if (r == 0 && oc_j_sint(o, path, "priority", 0, 7, &prio, e) < 0) r = -1;
  io->priority = (int)prio;
  io->set = r == 0;
  return r;
}

int oc_process_from_tree(yajl_val v, const char *path, struct oc_process *p, struct oc_err *e) {
  char sub[OC_JPATH_MAX];
  yajl_val o;
  if (oc_jv_object(v, path, NULL, e) < 0 || oc_j_bool(v, path, "terminal", &p->terminal, e) < 0)
    return -1;

  if (oc_j_object(v, path, "consoleSize", &o, e) < 0) return -1;
  oc_jpath(sub, path, "consoleSize");
  if (o && (oc_j_ou64(o, sub, "height", UINT16_MAX, &p->console_height, e) < 0 ||
            oc_j_ou64(o, sub, "width", UINT16_MAX, &p->console_width, e) < 0))
    return -1;

  if (oc_j_object(v, path, "user", &o, e) < 0) return -1;
  oc_jpath(sub, path, "user");
  if (o && parse_user(o, sub, &p->user, e) < 0) return -1;

  if (oc_j_strv(v, path, "args", &p->args, e) < 0 ||
      oc_j_str(v, path, "commandLine", &p->command_line, e) < 0 ||
      oc_j_strv(v, path, "env", &p->env, e) < 0 || oc_j_str(v, path, "cwd", &p->cwd, e) < 0)
    return -1;

  if (oc_j_object(v, path, "capabilities", &o, e) < 0) return -1;
  oc_jpath(sub, path, "capabilities");
  if (o && parse_caps(o, sub, &p->caps, e) < 0) return -1;

  if (oc_j_array(v, path, "rlimits", &o, e) < 0) return -1;
  if (o && parse_rlimits(o, path, p, e) < 0) return -1;

  if (oc_j_bool(v, path, "noNewPrivileges", &p->no_new_privileges, e) < 0 ||
      oc_j_oi64(v, path, "oomScoreAdj", -1000, 1000, &p->oom_score_adj, e) < 0 ||
      oc_j_str(v, path, "apparmorProfile", &p->apparmor_profile, e) < 0 ||
      oc_j_str(v, path, "selinuxLabel", &p->selinux_label, e) < 0)
    return -1;

  if (oc_j_object(v, path, "scheduler", &o, e) < 0) return -1;
  oc_jpath(sub, path, "scheduler");
  if (o && parse_scheduler(o, sub, &p->scheduler, e) < 0) return -1;

  if (oc_j_object(v, path, "ioPriority", &o, e) < 0) return -1;
  oc_jpath(sub, path, "ioPriority");
  if (o && parse_io_priority(o, sub, &p->io_priority, e) < 0) return -1;

  if (oc_j_object(v, path, "execCPUAffinity", &o, e) < 0) return -1;
  oc_jpath(sub, path, "execCPUAffinity");
  if (o && (oc_j_str(o, sub, "initial", &p->exec_cpu_affinity_initial, e) < 0 ||
            oc_j_str(o, sub, "final", &p->exec_cpu_affinity_final, e) < 0))
    return -1;
  return 0;
}

int oc_process_parse(const char *json, size_t len, struct oc_process *out, struct oc_err *e) {
  yajl_val tree;
  memset(out, 0, sizeof *out);
  if (oc_json_parse(json, len, "process", &tree, e) < 0) return -1;
  int r = oc_process_from_tree(tree, "process", out, e);
  yajl_tree_free(tree);
  if (r < 0) oc_process_release(out);
  return r < 0 ? -1 : 0;
}

void oc_process_release(struct oc_process *p) {
  free(p->user.additional_gids);
  free(p->user.username);
  oc_strv_release(&p->args);
  free(p->command_line);
  oc_strv_release(&p->env);
  free(p->cwd);
  free(p->rlimits);
  free(p->apparmor_profile);
  free(p->selinux_label);
  free(p->exec_cpu_affinity_initial);
  free(p->exec_cpu_affinity_final);
  memset(p, 0, sizeof *p);
}
