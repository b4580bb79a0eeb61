/* The host-wide admission ledger: file, lock, reconcile, decisions. */
#define _GNU_SOURCE
#include "overcommit/ledger.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h> /* fabs only: no libm in the link */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "oci/config_json.h"
#include "base/cleanup.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "base/procfs.h"
#include "base/user_dirs.h"

#define LEDGER_FILE "ledger.json"
#define LEDGER_TMP "ledger.json.tmp"
#define LEDGER_LOCK "ledger.lock"
#define MIB (INT64_C(1) << 20)
#define VCPU_EPSILON 1e-9

const char *oc_ledger_dir(void) {
  static char user_dir[4096];
  const char *d = getenv("OCRUN_LEDGER_DIR");
  if (d && d[0]) return d;
  if (!oc_rootless()) return OC_LEDGER_DEFAULT_DIR;
  if (!user_dir[0]) oc_user_dir_path("ocrun-ledger", user_dir, sizeof user_dir);
  return user_dir;
}

/* ---- memory ---- */

static void entry_release(struct oc_ledger_entry *en) {
  free(en->id);
  free(en->root);
  free(en->cgroup_path);
}

void oc_ledger_free(struct oc_ledger *l) {
  for (size_t i = 0; i < l->n; i++) entry_release(&l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

static void entry_remove(struct oc_ledger *l, size_t i) {
  entry_release(&l->v[i]);
  memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
  l->n--;
}

static struct oc_ledger_entry *entry_find(struct oc_ledger *l, const char *id, const char *root) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->v[i].id, id) == 0 && strcmp(l->v[i].root, root) == 0) return &l->v[i];
  return NULL;
}

OC_MUST_CHECK static int entry_add(struct oc_ledger *l, const struct oc_admission_request *req, struct oc_err *e) {
  struct oc_ledger_entry *nv = realloc(l->v, (l->n + 1) * sizeof *nv);
  if (!nv) return oc_fail(e, ENOMEM, "ledger: out of memory");
  l->v = nv;
  struct oc_ledger_entry *en = &nv[l->n];
  *en = (struct oc_ledger_entry){
      .id = strdup(req->id), .root = strdup(req->root),
      .cgroup_path = req->cgroup_path ? strdup(req->cgroup_path) : NULL, .size = req->size,
      .creator_pid = getpid(), .creator_start_time = oc_proc_start_time(getpid()),
      .created = (int64_t)time(NULL)};
  l->n++;
  if (!en->id || !en->root || (req->cgroup_path && !en->cgroup_path))
    return oc_fail(e, ENOMEM, "ledger: out of memory");
  return 0;
}

/* ---- the file ---- */

static int64_t num_i(yajl_val o, const char *key) {
  yajl_val v = oc_j_member(o, key);
  return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : 0;
}

static double num_d(yajl_val o, const char *key) {
  yajl_val v = oc_j_member(o, key);
  return v && YAJL_IS_NUMBER(v) ? v->u.number.d : 0;
}

static char *str_dup(yajl_val o, const char *key) {
  yajl_val v = oc_j_member(o, key);
  return v && YAJL_IS_STRING(v) ? strdup(v->u.string) : NULL;
}

OC_MUST_CHECK static int parse_entry(yajl_val o, struct oc_ledger_entry *en, const char *path, size_t i,
                       struct oc_err *e) {
  if (!YAJL_IS_OBJECT(o)) return oc_fail(e, EINVAL, "%s: entries[%zu]: not an object", path, i);
  en->id = str_dup(o, "id");
  en->root = str_dup(o, "root");
  en->cgroup_path = str_dup(o, "cgroup");
  if (!en->id || !en->root) return oc_fail(e, EINVAL, "%s: entries[%zu]: id and root required", path, i);
  en->size.vcpus = num_d(o, "vcpus");
  en->size.memory_bytes = num_i(o, "memory");
  en->size.weight = (uint64_t)num_i(o, "weight");
  en->size.flags = (unsigned)num_i(o, "flags");
  en->pid = (pid_t)num_i(o, "pid");
  en->start_time = (unsigned long long)num_i(o, "start_time");
  en->creator_pid = (pid_t)num_i(o, "creator_pid");
  en->creator_start_time = (unsigned long long)num_i(o, "creator_start_time");
  en->created = num_i(o, "created");
  return 0;
}

OC_MUST_CHECK static int ledger_read(int dfd, const char *dir, struct oc_ledger *l, struct oc_err *e) {
  *l = (struct oc_ledger){0};
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, LEDGER_FILE);
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  struct oc_err re = {0};
  if (oc_read_fileat(dfd, LEDGER_FILE, &buf, &len, OC_JSON_MAX_SIZE, &re) < 0) {
    if (re.errnum == ENOENT) return 0;
    return oc_fail(e, re.errnum, "ledger %s: %s", path, re.msg);
  }
  yajl_val root = NULL;
  if (oc_json_parse(buf, len, NULL, &root, e) < 0)
    return oc_wrap(e, -EINVAL, "ledger %s (remove it to start an empty ledger)", path);
  int r = 0;
  yajl_val entries = oc_j_member(root, "entries");
  if (!entries || !YAJL_IS_ARRAY(entries)) {
    r = oc_fail(e, EINVAL, "ledger %s: no entries array", path);
  } else if (entries->u.array.len > 0) {
    l->v = calloc(entries->u.array.len, sizeof *l->v);
    if (!l->v) r = oc_fail(e, ENOMEM, "ledger %s: out of memory", path);
    for (size_t i = 0; r == 0 && i < entries->u.array.len; i++) {
      l->n = i + 1;
      r = parse_entry(entries->u.array.values[i], &l->v[i], path, i, e);
    }
  }
  yajl_tree_free(root);
  if (r < 0) oc_ledger_free(l);
  return r;
}

static void gen_key(yajl_gen g, const char *k) { yajl_gen_string(g, (const unsigned char *)k, strlen(k)); }
static void gen_s(yajl_gen g, const char *k, const char *v) {
  gen_key(g, k);
  if (v) yajl_gen_string(g, (const unsigned char *)v, strlen(v));
  else yajl_gen_null(g);
}
static void gen_i(yajl_gen g, const char *k, long long v) {
  gen_key(g, k);
  yajl_gen_integer(g, v);
}
static void gen_d(yajl_gen g, const char *k, double v) {
  char buf[64];
  int n = snprintf(buf, sizeof buf, "%.12g", v);
  gen_key(g, k);
  yajl_gen_number(g, buf, (size_t)n);
}

/* Under the lock: temp file, rename over ledger.json. No fsync: the ledger is a cache that
 * reconcile checks against live containers, and after a host crash none of those survive. */
OC_MUST_CHECK static int ledger_write(int dfd, const char *dir, const struct oc_ledger *l, struct oc_err *e) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g) return oc_fail(e, ENOMEM, "ledger: out of memory");
  yajl_gen_map_open(g);
  gen_i(g, "version", 1);
  gen_key(g, "entries");
  yajl_gen_array_open(g);
  for (size_t i = 0; i < l->n; i++) {
    const struct oc_ledger_entry *en = &l->v[i];
    yajl_gen_map_open(g);
    gen_s(g, "id", en->id);
    gen_s(g, "root", en->root);
    gen_s(g, "cgroup", en->cgroup_path);
    gen_d(g, "vcpus", en->size.vcpus);
    gen_i(g, "memory", en->size.memory_bytes);
    gen_i(g, "weight", (long long)en->size.weight);
    gen_i(g, "flags", en->size.flags);
    gen_i(g, "pid", en->pid);
    gen_i(g, "start_time", (long long)en->start_time);
    gen_i(g, "creator_pid", en->creator_pid);
    gen_i(g, "creator_start_time", (long long)en->creator_start_time);
    gen_i(g, "created", en->created);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  int r = 0;
  if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
    r = oc_fail(e, EINVAL, "ledger: JSON generation failed");
  } else {
    _cleanup_fd_ int fd = openat(dfd, LEDGER_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) r = oc_fail_errno(e, "ledger %s/%s", dir, LEDGER_TMP);
    else if (oc_write_all(fd, buf, len) < 0) r = oc_fail_errno(e, "ledger write %s/%s", dir, LEDGER_TMP);
    else if (close(oc_steal_fd(&fd)) < 0) r = oc_fail_errno(e, "ledger close %s/%s", dir, LEDGER_TMP);
    else if (renameat(dfd, LEDGER_TMP, dfd, LEDGER_FILE) < 0)
      r = oc_fail_errno(e, "ledger rename %s/%s", dir, LEDGER_FILE);
    if (r < 0) unlinkat(dfd, LEDGER_TMP, 0);
  }
  yajl_gen_free(g);
  return r;
}

/* The ledger dir (created 0700 if absent) and its lock, held until the fds are closed. */
OC_MUST_CHECK static int ledger_lock(bool exclusive, int *dfd_out, struct oc_err *e) {
  const char *dir = oc_ledger_dir();
  /* Rootless: the user's own ledger, which another user must not have made first. */
  if (oc_rootless()) {
    int ufd = oc_user_dir_open(dir, e);
    if (ufd < 0) return oc_wrap(e, -1, "ledger dir");
    close(ufd);
  } else if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
    return oc_fail_errno(e, "ledger dir %s", dir);
  }
  _cleanup_fd_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0) return oc_fail_errno(e, "ledger dir %s", dir);
  int lfd = openat(dfd, LEDGER_LOCK, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (lfd < 0) return oc_fail_errno(e, "ledger lock %s/%s", dir, LEDGER_LOCK);
  while (flock(lfd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
    if (errno == EINTR) continue;
    int r = oc_fail_errno(e, "ledger lock %s/%s", dir, LEDGER_LOCK);
    close(lfd);
    return r;
  }
  *dfd_out = oc_steal_fd(&dfd);
  return lfd;
}

/* ---- reconcile ---- */

static bool proc_alive(pid_t pid, unsigned long long start_time) {
  return pid > 0 && start_time != 0 && oc_proc_start_time(pid) == start_time;
}

static oc_ledger_lookup_fn lookup_container;

void oc_ledger_set_lookup(oc_ledger_lookup_fn fn) { lookup_container = fn; }

/* Is the container behind an entry still there? */
static bool entry_live(struct oc_ledger_entry *en) {
  /* Its creator is still at work (create, or run in the foreground). */
  if (proc_alive(en->creator_pid, en->creator_start_time)) return true;
  if (!lookup_container) return true;
  if (en->pid > 0) {
    int r = lookup_container(en->root, en->id, NULL, NULL);
    if (r == 0) return false; /* deleted, or never finished */
    return r < 0 || proc_alive(en->pid, en->start_time);
  }
  /* create records no pid here (one ledger write less per container): the state dir has it,
   * 0 when the creation was abandoned (unfinished, its creator gone). */
  pid_t pid = 0;
  unsigned long long start_time = 0;
  int r = lookup_container(en->root, en->id, &pid, &start_time);
  if (r <= 0) return r < 0;
  bool live = proc_alive(pid, start_time);
  if (live) { /* for readers of the snapshot (capacity shows the init pid) */
    en->pid = pid;
    en->start_time = start_time;
  }
  return live;
}

/* Drop the entries of containers that are gone; returns how many. */
static size_t reconcile(struct oc_ledger *l) {
  size_t dropped = 0;
  for (size_t i = 0; i < l->n;) {
    if (entry_live(&l->v[i])) {
      i++;
    } else {
      entry_remove(l, i);
      dropped++;
    }
  }
  return dropped;
}

/* ---- arithmetic ---- */

int64_t oc_ledger_charged_mb(const struct oc_size *s) {
  if ((s->flags & OC_SIZE_UNBOUNDED) || s->memory_bytes <= 0) return 0;
  return (s->memory_bytes + MIB - 1) / MIB;
}

void oc_capacity_compute(const struct oc_policy *p, const struct oc_host *h, const struct oc_ledger *l,
                         struct oc_capacity cap[OC_RES_COUNT]) {
  double ha = oc_policy_ha_fraction(p);
  cap[OC_RES_VCPU] = (struct oc_capacity){.name = "VCPU", .total = h->cpus,
                                          .reserved = p->reserved_host_cpus,
                                          .ratio = p->cpu_allocation_ratio, .ha = ha};
  cap[OC_RES_MEMORY_MB] = (struct oc_capacity){.name = "MEMORY_MB", .total = (double)h->memory_mb,
                                               .reserved = (double)p->reserved_host_memory_mb,
                                               .ratio = p->ram_allocation_ratio, .ha = ha};
  for (size_t i = 0; l && i < l->n; i++) {
    cap[OC_RES_VCPU].allocated += l->v[i].size.vcpus;
    cap[OC_RES_MEMORY_MB].allocated += (double)oc_ledger_charged_mb(&l->v[i].size);
  }
  for (int r = 0; r < OC_RES_COUNT; r++) {
    struct oc_capacity *c = &cap[r];
    c->capacity = (c->total - c->reserved) * c->ratio * (1 - ha);
    if (r == OC_RES_MEMORY_MB && c->capacity > 0) /* whole MB; the epsilon absorbs float error */
      c->capacity = (double)(int64_t)(c->capacity + 1e-6);
    c->free = c->capacity - c->allocated;
    double unit = c->total - c->reserved;
    c->largest_fit = c->free < unit ? c->free : unit;
    if (c->largest_fit < 0) c->largest_fit = 0;
  }
}

const char *oc_capacity_fmt(char *buf, size_t len, double v, bool ratio) {
  if (fabs(v) < 1e15 && fabs(v - (double)oc_sizing_round(v)) < 1e-9) {
    int64_t i = oc_sizing_round(v);
    snprintf(buf, len, ratio ? "%" PRId64 ".0" : "%" PRId64, i);
    return buf;
  }
  snprintf(buf, len, "%.3f", v);
  char *end = buf + strlen(buf) - 1;
  while (*end == '0') *end-- = '\0';
  if (*end == '.') *end = '\0';
  return buf;
}

void oc_capacity_formula(const struct oc_capacity *c, char *buf, size_t len) {
  char t[32], r[32], x[32], h[32];
  snprintf(buf, len, "(%s − %s) × %s × (1 − %s)", oc_capacity_fmt(t, sizeof t, c->total, false),
           oc_capacity_fmt(r, sizeof r, c->reserved, false), oc_capacity_fmt(x, sizeof x, c->ratio, true),
           oc_capacity_fmt(h, sizeof h, c->ha, false));
}

static void add_text(struct oc_admit_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_text(struct oc_admit_result *res, const char *fmt, ...) {
  size_t n = strlen(res->text);
  if (n + 3 >= sizeof res->text) return;
  if (n > 0) {
    memcpy(res->text + n, "; ", 3);
    n += 2;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(res->text + n, sizeof res->text - n, fmt, ap);
  va_end(ap);
}

/* Decide on size s (replacing old, NULL for a new container) against the other entries in l.
 * Fills res; returns 0 admitted, -1 refused (e = text); *short_of: the request does not fit (or
 * breaks the no-limit rule), whatever the mode made of it. */
OC_MUST_CHECK static int decide(const struct oc_policy *p, const struct oc_host *h, const struct oc_ledger *l,
                  const struct oc_size *s, const struct oc_size *old, struct oc_admit_result *res,
                  bool *short_of, struct oc_err *e) {
  *short_of = false;
  res->refused = res->warned = false;
  res->text[0] = '\0';
  res->size = *s;
  if (p->mode == OC_POLICY_OFF) return 0;
  struct oc_capacity cap[OC_RES_COUNT];
  oc_capacity_compute(p, h, l, cap);
  double want[OC_RES_COUNT] = {s->vcpus, (double)oc_ledger_charged_mb(s)};
  double delta[OC_RES_COUNT] = {want[0], want[1]};
  if (old) {
    delta[OC_RES_VCPU] -= old->vcpus;
    delta[OC_RES_MEMORY_MB] -= (double)oc_ledger_charged_mb(old);
  }
  bool problem = false;
  if ((s->flags & OC_SIZE_NO_LIMIT) && !(old && (old->flags & OC_SIZE_NO_LIMIT))) {
    if (s->flags & OC_SIZE_NO_CGROUP)
      add_text(res, "no memory limit: no_limit_policy is reject, and without a cgroup (rootless, none delegated) "
                    "no limit can be enforced");
    else
      add_text(res, "no memory limit: no_limit_policy is reject (set linux.resources.memory.limit or --memory)");
    problem = true;
  }
  for (int r = 0; r < OC_RES_COUNT; r++) {
    const struct oc_capacity *c = &cap[r];
    char a[32], b[32], f[32], k[32], formula[160];
    double unit = c->total - c->reserved;
    if (want[r] > unit + VCPU_EPSILON && delta[r] > VCPU_EPSILON) {
      add_text(res, "insufficient %s: requested %s, larger than the host's %s = %s − %s (total − reserved)",
               c->name, oc_capacity_fmt(a, sizeof a, want[r], false), oc_capacity_fmt(b, sizeof b, unit, false),
               oc_capacity_fmt(f, sizeof f, c->total, false), oc_capacity_fmt(k, sizeof k, c->reserved, false));
      problem = true;
    } else if (delta[r] > VCPU_EPSILON && c->allocated + delta[r] > c->capacity + VCPU_EPSILON) {
      oc_capacity_formula(c, formula, sizeof formula);
      add_text(res, "insufficient %s: requested %s%s, free %s of capacity %s = %s", c->name,
               oc_capacity_fmt(a, sizeof a, delta[r], false), old ? " more" : "",
               oc_capacity_fmt(b, sizeof b, c->free, false), oc_capacity_fmt(f, sizeof f, c->capacity, false), formula);
      problem = true;
    }
  }
  *short_of = problem;
  bool note = false;
  if (s->flags & OC_SIZE_OPT_OUT_IGNORED) {
    add_text(res, "annotation %s ignored: the policy does not allow opt-out", OC_ANNOT_OPT_OUT);
    note = true;
  }
  if (problem && p->mode == OC_POLICY_ENFORCE && oc_policy_governs(p, s->flags)) {
    res->refused = true;
    return oc_fail(e, OC_REFUSED_ERRNO, "refused: %s", res->text);
  }
  if (problem && p->mode == OC_POLICY_WARN && oc_policy_governs(p, s->flags)) {
    char tmp[sizeof res->text];
    memcpy(tmp, res->text, sizeof tmp);
    snprintf(res->text, sizeof res->text, "over capacity (mode warn, admitted): %.680s", tmp);
  }
  if (problem && !oc_policy_governs(p, s->flags)) {
    char tmp[sizeof res->text];
    memcpy(tmp, res->text, sizeof tmp);
    snprintf(res->text, sizeof res->text, "admitted anyway (%s): %.640s",
             (s->flags & OC_SIZE_OPT_OUT) ? "opt-out annotation" : "Kubernetes container, orchestrated: count",
             tmp);
  }
  res->warned = problem || note;
  return 0;
}

/* ---- operations ---- */

struct locked {
  int lock_fd, dfd;
  struct oc_ledger l;
};

static void unlock(struct locked *k) {
  oc_ledger_free(&k->l);
  if (k->dfd >= 0) close(k->dfd);
  if (k->lock_fd >= 0) close(k->lock_fd); /* drops the flock */
}

/* Lock and read. No reconcile: that looks at every container, and a stale entry only ever
 * counts too much, so the operations reconcile only when a decision depends on it. */
OC_MUST_CHECK static int begin(struct locked *k, bool exclusive, struct oc_err *e) {
  *k = (struct locked){.lock_fd = -1, .dfd = -1};
  k->lock_fd = ledger_lock(exclusive, &k->dfd, e);
  if (k->lock_fd < 0) return -1;
  return ledger_read(k->dfd, oc_ledger_dir(), &k->l, e);
}

/* Decide on s (old: the entry's size before, for update) against the entries of k; when it does
 * not fit, reconcile (the room stale entries hold is free) and decide again: so an admission is
 * O(1) in live containers unless the node is full. *reconciled: entries were dropped (the
 * caller must write, and must find its own entry again). */
OC_MUST_CHECK static int decide_reconciled(const struct oc_policy *p, const struct oc_host *h, struct locked *k,
                                           const struct oc_size *s, const struct oc_size *old,
                                           struct oc_admit_result *res, bool *reconciled, struct oc_err *e) {
  *reconciled = false;
  bool short_of;
  struct oc_err first = {0};
  int r = decide(p, h, &k->l, s, old, res, &short_of, &first);
  if (!short_of || reconcile(&k->l) == 0) {
    if (r < 0) *e = first;
    return r;
  }
  *reconciled = true;
  return decide(p, h, &k->l, s, old, res, &short_of, e);
}

OC_MUST_CHECK static int commit(struct locked *k, struct oc_err *e) { return ledger_write(k->dfd, oc_ledger_dir(), &k->l, e); }

OC_MUST_CHECK static int admit(const struct oc_policy *p, const struct oc_admission_request *req, bool write,
                 struct oc_admit_result *res, struct oc_err *e) {
  *res = (struct oc_admit_result){0};
  if (!req->id || !req->root) return oc_fail(e, EINVAL, "ledger: admission without id or root");
  struct oc_host h;
  if (oc_host_detect(&h, e) < 0) return -1;
  struct locked k;
  bool reconciled = false;
  int r = begin(&k, write, e);
  struct oc_ledger_entry *dup = r == 0 ? entry_find(&k.l, req->id, req->root) : NULL;
  /* The same id again: refused while that container lives, else its stale entry goes. */
  if (dup && entry_live(dup))
    r = oc_fail(e, EEXIST, "ledger: container %s (root %s) is already admitted", req->id, req->root);
  else if (dup)
    entry_remove(&k.l, (size_t)(dup - k.l.v));
  if (r == 0) r = decide_reconciled(p, &h, &k, &req->size, NULL, res, &reconciled, e);
  if (r < 0 && write && reconciled) { /* refused all the same: keep what reconcile found */
    struct oc_err we;
    if (commit(&k, &we) < 0) oc_log_warn("%s", we.msg);
  }
  if (r == 0 && write) r = entry_add(&k.l, req, e);
  if (r == 0 && write) r = commit(&k, e);
  unlock(&k);
  return r;
}

int oc_ledger_admit(const struct oc_policy *p, const struct oc_admission_request *req,
                    struct oc_admit_result *res, struct oc_err *e) {
  return admit(p, req, true, res, e);
}

int oc_ledger_check(const struct oc_policy *p, const struct oc_admission_request *req,
                    struct oc_admit_result *res, struct oc_err *e) {
  return admit(p, req, false, res, e);
}

int oc_ledger_set_pid(const char *id, const char *root, pid_t pid, unsigned long long start_time,
                      struct oc_err *e) {
  struct locked k;
  int r = begin(&k, true, e);
  struct oc_ledger_entry *en = r == 0 ? entry_find(&k.l, id, root) : NULL;
  if (r == 0 && !en) r = oc_fail(e, ENOENT, "ledger: container %s (root %s) is not admitted", id, root);
  if (r == 0) {
    en->pid = pid;
    en->start_time = start_time;
    r = commit(&k, e);
  }
  unlock(&k);
  return r;
}

int oc_ledger_release(const char *id, const char *root, struct oc_err *e) {
  struct locked k;
  int r = begin(&k, true, e);
  struct oc_ledger_entry *en = r == 0 ? entry_find(&k.l, id, root) : NULL;
  if (en) entry_remove(&k.l, (size_t)(en - k.l.v));
  if (en) r = commit(&k, e);
  unlock(&k);
  return r;
}

int oc_ledger_set_size(const char *id, const char *root, const struct oc_size *s, struct oc_err *e) {
  struct locked k;
  int r = begin(&k, true, e);
  struct oc_ledger_entry *en = r == 0 ? entry_find(&k.l, id, root) : NULL;
  if (en) {
    en->size = *s;
    r = commit(&k, e);
  }
  unlock(&k);
  return r;
}

int oc_ledger_admit_update(const struct oc_policy *p, const char *id, const char *root,
                           struct oc_resources *upd, struct oc_admit_result *res, struct oc_err *e) {
  *res = (struct oc_admit_result){0};
  struct oc_host h;
  if (oc_host_detect(&h, e) < 0) return -1;
  struct locked k;
  int r = begin(&k, true, e);
  struct oc_ledger_entry *en = r == 0 ? entry_find(&k.l, id, root) : NULL;
  if (r == 0 && !en) {
    res->warned = true;
    snprintf(res->text, sizeof res->text,
             "container %s is not in the ledger (%s): update not checked against capacity", id, oc_ledger_dir());
    unlock(&k);
    return 0;
  }
  struct oc_size ns;
  if (r == 0) r = oc_policy_apply_update(p, &en->size, upd, oc_sizing_host_cgroups(), &ns, e);
  if (r == 0) {
    struct oc_size old = en->size;
    bool reconciled;
    /* Decide against the others plus this entry's old size: only the difference is new. */
    r = decide_reconciled(p, &h, &k, &ns, &old, res, &reconciled, e);
    res->old = old;
    /* Reconcile moved the entries (and keeps this one only while its container lives). */
    if (reconciled) en = entry_find(&k.l, id, root);
    if (r == 0 && !en) r = oc_fail(e, ENOENT, "ledger: container %s (root %s) is gone", id, root);
  }
  if (r == 0) {
    en->size = ns;
    r = commit(&k, e);
  }
  unlock(&k);
  return r;
}

int oc_ledger_snapshot(struct oc_ledger *out, size_t *stale, struct oc_err *e) {
  struct locked k;
  int r = begin(&k, false, e);
  if (r == 0) {
    *stale = reconcile(&k.l); /* in memory: capacity shows the live containers */
    *out = k.l;
    k.l = (struct oc_ledger){0};
  }
  unlock(&k);
  return r;
}
