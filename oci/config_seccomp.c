/* linux.seccomp of config.json. Names are kept as strings; oc_seccomp turns them into a filter. */
#include <stdlib.h>
#include <string.h>

#include "oci/config_json.h"
#include "oci/names.h"

OC_MUST_CHECK static int action(yajl_val o, const char *path, const char *key, bool required,
                  enum oc_seccomp_action *out, struct oc_err *e) {
  char *name = NULL;
  int r = oc_j_str(o, path, key, &name, e);
  if (r == 0 && required) r = oc_j_req(r, path, key, e);
  if (r > 0) {
    int a = oc_seccomp_action_from_name(name);
    r = a < 0 ? oc_j_fail(e, path, key, "unknown action \"%.64s\"", name) : 0;
    *out = (enum oc_seccomp_action)a;
  }
  free(name);
  return r < 0 ? -1 : 0;
}

OC_MUST_CHECK static int parse_arg(yajl_val o, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_seccomp_arg *arg = elem;
  char *op = NULL;
  if (oc_j_req(oc_j_u32(o, ip, "index", &arg->index, e), ip, "index", e) < 0 ||
      oc_j_req(oc_j_uint(o, ip, "value", UINT64_MAX, &arg->value, e), ip, "value", e) < 0 ||
      oc_j_uint(o, ip, "valueTwo", UINT64_MAX, &arg->value_two, e) < 0 ||
      oc_j_req(oc_j_str(o, ip, "op", &op, e), ip, "op", e) < 0)
    return -1;
  int n = oc_seccomp_op_from_name(op);
  int r = n < 0 ? oc_j_fail(e, ip, "op", "unknown operator \"%.64s\"", op) : 0;
  free(op);
  if (r < 0) return -1;
  arg->op = (enum oc_seccomp_op)n;
  if (arg->index > 5) return oc_j_fail(e, ip, "index", "%u is out of range (0..5)", arg->index);
  return 0;
}

OC_MUST_CHECK static int parse_syscall(yajl_val o, const char *ip, void *elem, void *ctx, struct oc_err *e) {
  (void)ctx;
  struct oc_seccomp_rule *rule = elem;
  yajl_val args;
  if (oc_j_req(oc_j_strv(o, ip, "names", &rule->names, e), ip, "names", e) < 0 ||
      action(o, ip, "action", true, &rule->action, e) < 0 ||
      oc_j_ou64(o, ip, "errnoRet", UINT32_MAX, &rule->errno_ret, e) < 0 || oc_j_array(o, ip, "args", &args, e) < 0)
    return -1;
  if (rule->names.n == 0) return oc_j_fail(e, ip, "names", "must not be empty");
  return oc_j_objects(args, ip, "args", sizeof *rule->args, &rule->args, &rule->n_args, parse_arg, NULL, e);
}

int oc_seccomp_from_tree(yajl_val v, const char *path, struct oc_seccomp *s, struct oc_err *e) {
  yajl_val a;
  s->set = true;
  if (oc_jv_object(v, path, NULL, e) < 0 ||
      action(v, path, "defaultAction", true, &s->default_action, e) < 0 ||
      oc_j_ou64(v, path, "defaultErrnoRet", UINT32_MAX, &s->default_errno_ret, e) < 0 ||
      oc_j_strv(v, path, "architectures", &s->architectures, e) < 0 ||
      oc_j_strv(v, path, "flags", &s->flags, e) < 0 ||
      oc_j_str(v, path, "listenerPath", &s->listener_path, e) < 0 ||
      oc_j_str(v, path, "listenerMetadata", &s->listener_metadata, e) < 0 ||
      oc_j_array(v, path, "syscalls", &a, e) < 0)
    return -1;
  return oc_j_objects(a, path, "syscalls", sizeof *s->syscalls, &s->syscalls, &s->n_syscalls, parse_syscall, NULL,
                      e);
}

void oc_seccomp_release(struct oc_seccomp *s) {
  oc_strv_release(&s->architectures);
  oc_strv_release(&s->flags);
  free(s->listener_path);
  free(s->listener_metadata);
  for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++) {
    oc_strv_release(&s->syscalls[i].names);
    free(s->syscalls[i].args);
  }
  free(s->syscalls);
  memset(s, 0, sizeof *s);
}
