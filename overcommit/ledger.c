/* The host-wide admission ledger: reconcile, decisions, operations (its files: ledger_store.c). */
#define _GNU_SOURCE
#include "overcommit/ledger.h"
#include "overcommit/ledger_store.h"

#include <inttypes.h>
#include <math.h> /* fabs only: no libm in the link */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/procfs.h"

#define VCPU_EPSILON 1e-9



/* ---- reconcile ---- */

static oc_ledger_lookup_fn lookup_container;

void oc_ledger_set_lookup(oc_ledger_lookup_fn fn) { lookup_container = fn; }

bool oc_ledger_entry_live(struct oc_ledger_entry *en) {
  /* Its creator is still at work (create, or run in the foreground). */
  bool creator = oc_proc_alive(en->creator_pid, en->creator_start_time);
  if (!lookup_container) return true;
  if (creator) {
    /* run in the foreground: created and running while its creator waits (capacity shows the
     * init pid; 0 means "creating") */
    pid_t pid = 0;
    unsigned long long start_time = 0;
    if (en->pid <= 0 && lookup_container(en->root, en->id, &pid, &start_time) == 1 && oc_proc_alive(pid, start_time)) {
      en->pid = pid;
      en->start_time = start_time;
    }
    return true;
  }
  if (en->pid > 0) {
    int r = lookup_container(en->root, en->id, NULL, NULL);
    if (r == 0) return false; /* deleted, or never finished */
    return r < 0 || oc_proc_alive(en->pid, en->start_time);
  }
  /* create records no pid here (one ledger write less per container): the state dir has it,
   * 0 when the creation was abandoned (unfinished, its creator gone). */
  pid_t pid = 0;
  unsigned long long start_time = 0;
  int r = lookup_container(en->root, en->id, &pid, &start_time);
  if (r <= 0) return r < 0;
  bool live = oc_proc_alive(pid, start_time);
  if (live) { /* for readers of the snapshot (capacity shows the init pid) */
    en->pid = pid;
    en->start_time = start_time;
  }
  return live;
}

/* Every entry, checked: the files of containers that are gone are removed (write) and the totals
 * summed anew from the live ones (written too, so they never drift). *out (may be NULL) gets the
 * live entries; returns how many were dropped, or -1. */
static ssize_t reconcile(struct oc_lstore *st, bool write, struct oc_ledger *out, struct oc_err *e) {
  struct oc_ledger l;
  if (oc_lstore_load_all(st, &l, e) < 0) return -1;
  size_t dropped = 0, kept = 0;
  st->sums = (struct oc_ledger_sums){0};
  int r = 0;
  for (size_t i = 0; i < l.n; i++) {
    if (oc_ledger_entry_live(&l.v[i])) {
      oc_ledger_sums_add(&st->sums, &l.v[i].size, 1);
      l.v[kept++] = l.v[i];
      continue;
    }
    dropped++;
    if (r == 0 && write) r = oc_lstore_del(st, l.v[i].id, l.v[i].root, e);
    oc_ledger_entry_release(&l.v[i]);
  }
  l.n = kept;
  if (r == 0 && write) r = oc_lstore_write_sums(st, e);
  if (r == 0 && out) *out = l;
  else oc_ledger_free(&l);
  return r < 0 ? -1 : (ssize_t)dropped;
}

/* ---- arithmetic ---- */


static void capacity_of(const struct oc_policy *p, const struct oc_host *h, const struct oc_ledger_sums *t,
                        struct oc_capacity cap[OC_RES_COUNT]) {
  double ha = oc_policy_ha_fraction(p);
  cap[OC_RES_VCPU] = (struct oc_capacity){.name = "VCPU", .total = h->cpus,
                                          .reserved = p->reserved_host_cpus,
                                          .ratio = p->cpu_allocation_ratio, .ha = ha};
  cap[OC_RES_MEMORY_MB] = (struct oc_capacity){.name = "MEMORY_MB", .total = (double)h->memory_mb,
                                               .reserved = (double)p->reserved_host_memory_mb,
                                               .ratio = p->ram_allocation_ratio, .ha = ha};
  cap[OC_RES_VCPU].allocated = t->vcpus;
  cap[OC_RES_MEMORY_MB].allocated = (double)t->memory_mb;
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

void oc_capacity_compute(const struct oc_policy *p, const struct oc_host *h, const struct oc_ledger *l,
                         struct oc_capacity cap[OC_RES_COUNT]) {
  struct oc_ledger_sums t = {0};
  for (size_t i = 0; l && i < l->n; i++) oc_ledger_sums_add(&t, &l->v[i].size, 1);
  capacity_of(p, h, &t, cap);
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

/* Decide on size s (replacing old, NULL for a new container) against the totals t.
 * Fills res; returns 0 admitted, -1 refused (e = text); *short_of: the request does not fit (or
 * breaks the no-limit rule), whatever the mode made of it. */
OC_MUST_CHECK static int decide(const struct oc_policy *p, const struct oc_host *h, const struct oc_ledger_sums *t,
                  const struct oc_size *s, const struct oc_size *old, struct oc_admit_result *res,
                  bool *short_of, struct oc_err *e) {
  *short_of = false;
  res->refused = res->warned = false;
  res->text[0] = '\0';
  res->size = *s;
  if (p->mode == OC_POLICY_OFF) return 0;
  struct oc_capacity cap[OC_RES_COUNT];
  capacity_of(p, h, t, cap);
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

/* Decide on s (old: the entry's size before, for update) against the totals; when it does not
 * fit, reconcile (the room stale entries hold is free) and decide again: so an admission costs
 * the same whatever the number of containers, unless the node is full. *reconciled: the totals
 * were summed anew (and entries dropped). */
OC_MUST_CHECK static int decide_reconciled(const struct oc_policy *p, const struct oc_host *h, struct oc_lstore *st,
                                           bool write, const struct oc_size *s, const struct oc_size *old,
                                           struct oc_admit_result *res, bool *reconciled, struct oc_err *e) {
  *reconciled = false;
  bool short_of;
  struct oc_err first = {0};
  int r = decide(p, h, &st->sums, s, old, res, &short_of, &first);
  if (!short_of) {
    if (r < 0) *e = first;
    return r;
  }
  if (reconcile(st, write, NULL, e) < 0) return -1;
  *reconciled = true;
  return decide(p, h, &st->sums, s, old, res, &short_of, e);
}

static struct oc_ledger_entry entry_of(const struct oc_admission_request *req) {
  return (struct oc_ledger_entry){.id = (char *)req->id, .root = (char *)req->root,
                                  .cgroup_path = (char *)req->cgroup_path, .size = req->size,
                                  .creator_pid = getpid(), .creator_start_time = oc_proc_start_time(getpid()),
                                  .created = (int64_t)time(NULL)};
}

OC_MUST_CHECK static int admit(const struct oc_policy *p, const struct oc_admission_request *req, bool write,
                 struct oc_admit_result *res, struct oc_err *e) {
  *res = (struct oc_admit_result){0};
  if (!req->id || !req->root) return oc_fail(e, EINVAL, "ledger: admission without id or root");
  struct oc_host h;
  if (oc_host_detect(&h, e) < 0) return -1;
  struct oc_lstore st;
  struct oc_ledger_entry en = entry_of(req);
  if ((write ? oc_lstore_open_staged(&st, &en, e) : oc_lstore_open(&st, false, e)) < 0) return -1;
  struct oc_ledger_entry dup = {0};
  int r = oc_lstore_get(&st, req->id, req->root, &dup, e);
  /* The same id again: refused while that container lives, else its stale entry goes (the
   * totals keep counting it until they are written: too much, never too little). */
  if (r == 1 && oc_ledger_entry_live(&dup)) {
    r = oc_fail(e, EEXIST, "ledger: container %s (root %s) is already admitted", req->id, req->root);
  } else if (r == 1) {
    oc_ledger_sums_add(&st.sums, &dup.size, -1);
    r = write ? oc_lstore_del(&st, req->id, req->root, e) : 0;
  }
  oc_ledger_entry_release(&dup);
  bool reconciled = false;
  if (r == 0) r = decide_reconciled(p, &h, &st, write, &req->size, NULL, res, &reconciled, e);
  if (r == 0 && write) {
    /* The totals first: cut short here, they count the container that has no entry yet. */
    oc_ledger_sums_add(&st.sums, &req->size, 1);
    r = oc_lstore_write_sums(&st, e);
    if (r == 0) r = oc_lstore_put_staged(&st, &en, e);
  }
  oc_lstore_close(&st);
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
  struct oc_lstore st;
  if (oc_lstore_open(&st, true, e) < 0) return -1;
  struct oc_ledger_entry en = {0};
  int r = oc_lstore_get(&st, id, root, &en, e);
  if (r == 0) r = oc_fail(e, ENOENT, "ledger: container %s (root %s) is not admitted", id, root);
  if (r == 1) {
    en.pid = pid;
    en.start_time = start_time;
    r = oc_lstore_put(&st, &en, e);
  }
  oc_ledger_entry_release(&en);
  oc_lstore_close(&st);
  return r < 0 ? -1 : 0;
}

int oc_ledger_release(const char *id, const char *root, struct oc_err *e) {
  struct oc_lstore st;
  if (oc_lstore_open(&st, true, e) < 0) return -1;
  struct oc_ledger_entry en = {0};
  /* The entry first: cut short here, the totals still count it. */
  int r = oc_lstore_get(&st, id, root, &en, e);
  if (r == 1) r = oc_lstore_del(&st, id, root, e);
  if (r == 0 && en.id) {
    oc_ledger_sums_add(&st.sums, &en.size, -1);
    r = oc_lstore_write_sums(&st, e);
  }
  oc_ledger_entry_release(&en);
  oc_lstore_close(&st);
  return r < 0 ? -1 : 0;
}

/* en gets size s: a growth is written to the totals first, a shrink to the entry first, so that
 * cut short in between the totals are too high, never too low. */
OC_MUST_CHECK static int resize(struct oc_lstore *st, struct oc_ledger_entry *en, const struct oc_size *s,
                                struct oc_err *e) {
  bool grows = s->vcpus > en->size.vcpus || oc_ledger_charged_mb(s) > oc_ledger_charged_mb(&en->size);
  oc_ledger_sums_add(&st->sums, &en->size, -1);
  oc_ledger_sums_add(&st->sums, s, 1);
  en->size = *s;
  if (grows) return oc_lstore_write_sums(st, e) < 0 || oc_lstore_put(st, en, e) < 0 ? -1 : 0;
  return oc_lstore_put(st, en, e) < 0 || oc_lstore_write_sums(st, e) < 0 ? -1 : 0;
}

int oc_ledger_set_size(const char *id, const char *root, const struct oc_size *s, struct oc_err *e) {
  struct oc_lstore st;
  if (oc_lstore_open(&st, true, e) < 0) return -1;
  struct oc_ledger_entry en = {0};
  int r = oc_lstore_get(&st, id, root, &en, e);
  if (r == 1) r = resize(&st, &en, s, e);
  oc_ledger_entry_release(&en);
  oc_lstore_close(&st);
  return r < 0 ? -1 : 0;
}

int oc_ledger_admit_update(const struct oc_policy *p, const char *id, const char *root,
                           struct oc_resources *upd, struct oc_admit_result *res, struct oc_err *e) {
  *res = (struct oc_admit_result){0};
  struct oc_host h;
  if (oc_host_detect(&h, e) < 0) return -1;
  struct oc_lstore st;
  if (oc_lstore_open(&st, true, e) < 0) return -1;
  struct oc_ledger_entry en = {0};
  int r = oc_lstore_get(&st, id, root, &en, e);
  if (r == 0) {
    res->warned = true;
    snprintf(res->text, sizeof res->text,
             "container %s is not in the ledger (%s): update not checked against capacity", id, oc_ledger_dir());
    oc_lstore_close(&st);
    return 0;
  }
  struct oc_size ns;
  if (r == 1) r = oc_policy_apply_update(p, &en.size, upd, oc_sizing_host_cgroups(), &ns, e);
  if (r == 0) {
    bool reconciled;
    /* Decide against the others plus this entry's old size: only the difference is new. */
    r = decide_reconciled(p, &h, &st, true, &ns, &en.size, res, &reconciled, e);
    res->old = en.size;
    /* Reconcile keeps the entry only while its container lives. */
    if (r == 0 && reconciled) {
      oc_ledger_entry_release(&en);
      int got = oc_lstore_get(&st, id, root, &en, e);
      if (got == 0) r = oc_fail(e, ENOENT, "ledger: container %s (root %s) is gone", id, root);
      else if (got < 0) r = -1;
    }
  }
  if (r == 0) r = resize(&st, &en, &ns, e);
  oc_ledger_entry_release(&en);
  oc_lstore_close(&st);
  return r < 0 ? -1 : 0;
}

int oc_ledger_entries(struct oc_ledger *out, struct oc_err *e) {
  struct oc_lstore st;
  if (oc_lstore_open(&st, false, e) < 0) return -1;
  int r = oc_lstore_load_all(&st, out, e);
  oc_lstore_close(&st);
  return r;
}

int oc_ledger_snapshot(struct oc_ledger *out, size_t *stale, struct oc_err *e) {
  struct oc_lstore st;
  if (oc_lstore_open(&st, false, e) < 0) return -1;
  /* In memory: capacity shows the live containers and counts the stale entries. */
  ssize_t dropped = reconcile(&st, false, out, e);
  oc_lstore_close(&st);
  if (dropped < 0) return -1;
  if (stale) *stale = (size_t)dropped;
  return 0;
}
