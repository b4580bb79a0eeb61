/* The state dir of a container: <root>/<id>/state.json + config.json + start.sock (while created).
 * create writes state.json first, before the ledger admission and the cgroup, marked "creating"
 * with its own pid; so whatever a killed create left is named by it (delete.c removes it). */
#include "runtime/state.h"
#include "oci/json_gen.h"
#include "oci/names.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cgroups/cgroup.h"
#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/procfs.h"

int oc_id_validate(const char *id, struct oc_err *e) {
  if (!id || !*id) return oc_fail(e, EINVAL, "container id cannot be empty");
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0 || strlen(id) > 1024)
    return oc_fail(e, EINVAL, "invalid container id format: %s", id);
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '_' || *p == '.' || *p == '-'))
      return oc_fail(e, EINVAL, "invalid container id format: %s", id);
  return 0;
}

int oc_state_dir(const char *root, const char *id, char *buf, size_t len, struct oc_err *e) {
  int n = snprintf(buf, len, "%s/%s", root, id);
  if (n < 0 || (size_t)n >= len) return oc_fail(e, ENAMETOOLONG, "state dir path too long: %s/%s", root, id);
  return 0;
}

int oc_state_lookup(const char *root, const char *id, pid_t *pid, unsigned long long *start_time) {
  struct oc_state *s = NULL;
  struct oc_err e;
  if (oc_state_load(root, id, &s, &e) < 0) return e.errnum == ENOENT ? 0 : -1;
  /* A creation whose creator died never got an init worth counting, whatever was cloned. */
  bool abandoned = s->creating && !oc_state_creator_alive(s);
  if (pid) {
    *pid = abandoned ? 0 : s->pid;
    *start_time = abandoned ? 0 : s->start_time;
  }
  oc_state_free(s);
  return pid || !abandoned ? 1 : 0;
}

bool oc_state_creator_alive(const struct oc_state *s) {
  return s->creating && oc_proc_alive(s->creator_pid, s->creator_start_time);
}

/* A pidfd for pid, checked against start_time after it is opened (so it is that process). */
OC_MUST_CHECK static int open_checked(pid_t pid, unsigned long long start_time, const char *what,
                                      struct oc_err *e) {
  if (pid <= 0) return oc_fail(e, ESRCH, "%s not running", what);
  _cleanup_fd_ int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pfd < 0 || oc_proc_start_time(pid) != start_time) return oc_fail(e, ESRCH, "%s not running", what);
  return oc_steal_fd(&pfd);
}

int oc_state_open_creator(const struct oc_state *s, struct oc_err *e) {
  if (!s->creating) return oc_fail(e, ESRCH, "creator not running");
  return open_checked(s->creator_pid, s->creator_start_time, "creator", e);
}

int oc_state_open_init(const struct oc_state *s, struct oc_err *e) {
  return open_checked(s->pid, s->start_time, "container", e);
}

int oc_write_pid_file(const char *path, pid_t pid, struct oc_err *e) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%d", pid);
  return oc_write_path_atomic(path, buf, (size_t)n, 0644, e);
}

int oc_state_save(const char *root, const struct oc_state *s, struct oc_err *e) {
  char dir[4096];
  if (oc_state_dir(root, s->id, dir, sizeof dir, e) < 0) return -1;
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) return oc_fail(e, ENOMEM, "state.json: out of memory");
  yajl_gen_map_open(g);
  OC_GEN_STR(g, "id");
  OC_GEN_STR(g, s->id);
  OC_GEN_STR(g, "pid");
  yajl_gen_integer(g, s->pid);
  OC_GEN_STR(g, "start_time");
  yajl_gen_integer(g, (long long)s->start_time);
  const char *strs[][2] = {{"bundle", s->bundle}, {"rootfs", s->rootfs}, {"created", s->created},
                           {"cgroup_path", s->cgroup_path}, {"owner", s->owner},
                           {"ociVersion", s->oci_version}};
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
    if (!strs[i][1]) continue;
    OC_GEN_STR(g, strs[i][0]);
    OC_GEN_STR(g, strs[i][1]);
  }
  OC_GEN_STR(g, "systemd_cgroup");
  yajl_gen_bool(g, s->systemd_cgroup);
  oc_json_gen_kvv(g, "annotations", &s->annotations);
  OC_GEN_STR(g, "hooks");
  yajl_gen_array_open(g);
  for (int k = 0; k < OC_HOOK_COUNT; k++)
    if (s->hooks & (1u << k)) OC_GEN_STR(g, oc_hook_kind_name((enum oc_hook_kind)k));
  yajl_gen_array_close(g);
  if (s->creating) {
    OC_GEN_STR(g, "creator");
    yajl_gen_map_open(g);
    OC_GEN_STR(g, "pid");
    yajl_gen_integer(g, s->creator_pid);
    OC_GEN_STR(g, "start_time");
    yajl_gen_integer(g, (long long)s->creator_start_time);
    yajl_gen_map_close(g);
  }
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf(g, &buf, &len);
  int r = oc_write_file_atomic(dir, "state.json", buf, len, 0600, e);
  yajl_gen_free(g);
  return r;
}

static char *dup_str(yajl_val root, const char *key) {
  const char *path[] = {key, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_string);
  const char *str = v ? YAJL_GET_STRING(v) : NULL;
  return str ? strdup(str) : NULL;
}

/* A state dir without state.json: create was killed between its mkdir and its first write (or an
 * older ocrun, which wrote state.json last, was killed). Nothing but the id is known: a
 * creation that never finished, by a creator nobody knows. */
OC_MUST_CHECK static int load_bare(const char *id, struct oc_state **out, struct oc_err *e) {
  struct oc_state *s = calloc(1, sizeof *s);
  if (!s || !(s->id = strdup(id))) {
    free(s);
    return oc_fail(e, ENOMEM, "out of memory");
  }
  s->creating = true;
  *out = s;
  return 0;
}

int oc_state_load(const char *root, const char *id, struct oc_state **out, struct oc_err *e) {
  char dir[4096];
  if (oc_id_validate(id, e) < 0) return -EINVAL;
  if (oc_state_dir(root, id, dir, sizeof dir, e) < 0) return -1;
  _cleanup_free_ char *text = NULL;
  size_t len;
  char path[4200];
  snprintf(path, sizeof path, "%s/state.json", dir);
  int r = oc_read_fileat(AT_FDCWD, path, &text, &len, 1 << 20, e);
  struct stat sb;
  if (r == -ENOENT && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) return load_bare(id, out, e);
  if (r < 0) {
    if (r == -ENOENT || r == -ENOTDIR) return oc_fail(e, ENOENT, "container does not exist: %s", id);
    return r;
  }
  if (oc_state_parse(id, text, out, e) < 0) return oc_wrap(e, -EINVAL, "%s/state.json", dir);
  return 0;
}

int oc_state_parse(const char *id, const char *text, struct oc_state **out, struct oc_err *e) {
  char errbuf[256];
  yajl_val tree = yajl_tree_parse(text, errbuf, sizeof errbuf);
  if (!tree) return oc_fail(e, EINVAL, "corrupt");
  struct oc_state *s = calloc(1, sizeof *s);
  if (!s) {
    yajl_tree_free(tree);
    return oc_fail(e, ENOMEM, "out of memory");
  }
  s->id = strdup(id);
  const char *pid_path[] = {"pid", NULL}, *st_path[] = {"start_time", NULL},
             *sd_path[] = {"systemd_cgroup", NULL}, *an_path[] = {"annotations", NULL};
  yajl_val v = yajl_tree_get(tree, pid_path, yajl_t_number);
  s->pid = v ? (pid_t)YAJL_GET_INTEGER(v) : 0;
  v = yajl_tree_get(tree, st_path, yajl_t_number);
  s->start_time = v ? (unsigned long long)YAJL_GET_INTEGER(v) : 0;
  s->systemd_cgroup = yajl_tree_get(tree, sd_path, yajl_t_true) != NULL;
  s->bundle = dup_str(tree, "bundle");
  s->rootfs = dup_str(tree, "rootfs");
  s->created = dup_str(tree, "created");
  s->cgroup_path = dup_str(tree, "cgroup_path");
  s->owner = dup_str(tree, "owner");
  s->oci_version = dup_str(tree, "ociVersion");
  const char *cr_pid[] = {"creator", "pid", NULL}, *cr_st[] = {"creator", "start_time", NULL};
  if ((v = yajl_tree_get(tree, cr_pid, yajl_t_number))) {
    s->creating = true;
    s->creator_pid = (pid_t)YAJL_GET_INTEGER(v);
    v = yajl_tree_get(tree, cr_st, yajl_t_number);
    s->creator_start_time = v ? (unsigned long long)YAJL_GET_INTEGER(v) : 0;
  }
  const char *hk_path[] = {"hooks", NULL};
  v = yajl_tree_get(tree, hk_path, yajl_t_array);
  if (v && YAJL_IS_ARRAY(v)) {
    s->hooks_known = true;
    for (size_t i = 0; i < v->u.array.len; i++) {
      int k = oc_hook_kind_from_name(YAJL_GET_STRING(v->u.array.values[i]));
      if (k >= 0) s->hooks |= 1u << k;
    }
  }
  v = yajl_tree_get(tree, an_path, yajl_t_object);
  if (v && YAJL_IS_OBJECT(v) && YAJL_GET_OBJECT(v)->len) {
    size_t n = YAJL_GET_OBJECT(v)->len;
    s->annotations.v = calloc(n, sizeof *s->annotations.v);
    for (size_t i = 0; s->annotations.v && i < n; i++) {
      yajl_val val = YAJL_GET_OBJECT(v)->values[i];
      const char *str = YAJL_GET_STRING(val);
      if (!str) continue;
      s->annotations.v[s->annotations.n].key = strdup(YAJL_GET_OBJECT(v)->keys[i]);
      s->annotations.v[s->annotations.n++].value = strdup(str);
    }
  }
  yajl_tree_free(tree);
  *out = s;
  return 0;
}

void oc_state_free(struct oc_state *s) {
  if (!s) return;
  free(s->id);
  free(s->bundle);
  free(s->rootfs);
  free(s->created);
  free(s->cgroup_path);
  free(s->owner);
  free(s->oci_version);
  for (size_t i = 0; i < s->annotations.n; i++) {
    free(s->annotations.v[i].key);
    free(s->annotations.v[i].value);
  }
  free(s->annotations.v);
  free(s);
}

enum oc_status oc_state_status_in(const char *root, const struct oc_state *s, const struct oc_cgroup *cg) {
  /* An unfinished creation is "creating" while its creator works; once that is gone it never
   * will finish: "stopped", as runc reports a container whose init is not there, so clients
   * delete it (and `start` refuses it) whatever was left running. */
  if (s->creating) return oc_state_creator_alive(s) ? OC_CREATING : OC_STOPPED;
  if (!oc_proc_alive(s->pid, s->start_time)) return OC_STOPPED;
  char path[4200];
  struct stat sb;
  snprintf(path, sizeof path, "%s/%s/start.sock", root, s->id);
  if (stat(path, &sb) == 0) return OC_CREATED;
  return cg && oc_cg_is_frozen(cg) ? OC_PAUSED : OC_RUNNING;
}

enum oc_status oc_state_status(const char *root, const struct oc_state *s) {
  enum oc_status st = oc_state_status_in(root, s, NULL);
  if (st != OC_RUNNING || !s->cgroup_path) return st;
  struct oc_cgroup *cg = NULL;
  struct oc_err e;
  if (oc_cg_open(s->cgroup_path, &cg, &e) < 0) return st;
  bool frozen = oc_cg_is_frozen(cg);
  oc_cg_free(cg);
  return frozen ? OC_PAUSED : OC_RUNNING;
}

struct oc_config *oc_state_config_with_hooks(const char *root, const struct oc_state *s, enum oc_hook_kind k) {
  struct oc_config *c = NULL;
  struct oc_err e;
  if (!oc_state_may_have_hooks(s, k) || oc_state_config(root, s->id, &c, &e) < 0) return NULL;
  if (c->hooks[k].n) return c;
  oc_config_free(c);
  return NULL;
}

int oc_state_config(const char *root, const char *id, struct oc_config **out, struct oc_err *e) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s/config.json", root, id);
  return oc_config_load(path, out, e);
}
