/* The public cgroup operations: create (with resources), update, enter, signal, destroy, freeze. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"
#include "base/log.h"

#define RMDIR_WAIT_MS 3000 /* a v1 leaf may stay busy a moment after its last task left */

OC_MUST_CHECK static int apply_devices(struct oc_cgroup *cg, const struct oc_resources *r, struct oc_err *e) {
  _cleanup_free_ struct oc_device_rule *rules = NULL;
  size_t n = 0;
  if (oc_cg_device_rules(r, &rules, &n, e) < 0) return -1;
  /* An unprivileged user can neither attach a device program (CAP_BPF) nor write devices.allow:
   * the user namespace, where no device node can be made, limits devices instead. */
  if (geteuid() != 0) return 0;
  const struct oc_cg_dir *d = oc_cg_v1_dir(cg, OC_CTL_DEVICES);
  if (d) return oc_cg_devices_v1(d, rules, n, e);
  if (cg->v2.fd >= 0) return oc_cg_devices_bpf_apply(cg->v2.fd, cg->v2.dirpath, rules, n, e);
  return 0; /* no devices controller at all: nothing can enforce the rules */
}

/* Before anything is written: every controller a limit needs is there for this cgroup (a v1
 * hierarchy it is in, or enabled for its v2 directory, enabled here on a hybrid host when v1
 * lacks it), and every huge page size asked for exists. */
OC_MUST_CHECK static int check_resources(struct oc_cgroup *cg, const struct oc_resources *r,
                                         struct oc_err *e) {
  unsigned want = oc_cg_controllers_wanted(r);
  if (!want) return 0;
  const struct oc_cg_layout *l;
  if (oc_cg_layout(&l, e) < 0) return -1;
  unsigned mounted = l->unified.mask, usable = 0;
  for (size_t i = 0; i < l->n_v1; i++) mounted |= l->v1[i].mask;
  for (size_t i = 0; i < cg->n_v1; i++)
    if (cg->v1[i].fd >= 0) usable |= cg->v1[i].h->mask;
  if ((want & ~usable & ~cg->v2_enabled) && cg->v2.fd >= 0 && oc_cg_v2_enable(cg, want & ~usable, e) < 0)
    return -1;
  if (cg->v2.fd >= 0) usable |= cg->v2_enabled;
  if (oc_cg_check_controllers(r, mounted, usable, cg->v2.fd >= 0 ? cg->v2.dirpath : cg->path, e) < 0)
    return -1;
  if (!r->n_hugepage_limits) return 0;
  const struct oc_cg_dir *v1 = oc_cg_v1_dir(cg, OC_CTL_HUGETLB);
  return v1 ? oc_cg_hugetlb_check_sizes(v1, ".limit_in_bytes", r, e)
            : oc_cg_hugetlb_check_sizes(&cg->v2, ".max", r, e);
}

OC_MUST_CHECK static int apply(struct oc_cgroup *cg, const struct oc_resources *r, bool update, struct oc_err *e) {
  if (r && check_resources(cg, r, e) < 0) return -1;
  if (!update || (r && r->n_devices > 0))
    if (apply_devices(cg, r, e) < 0) return -1;
  if (!r) return 0;
  int ret = cg->mode == OC_CG_UNIFIED ? oc_cg_apply_v2(cg, r, update, e) : oc_cg_apply_v1(cg, r, update, e);
  if (ret < 0) return ret;
  return oc_cg_apply_unified(cg, &r->unified, e);
}

/* A failed create removes only the directories it made itself and never signals anything:
 * an existing cgroup may belong to someone else. */
static void undo_create(struct oc_cgroup *cg) {
  struct oc_cg_dir *dirs[65];
  size_t nd = 0;
  if (cg->v2.root_fd >= 0) dirs[nd++] = &cg->v2;
  for (size_t i = 0; i < cg->n_v1 && nd < 65; i++) dirs[nd++] = &cg->v1[i];
  for (size_t i = 0; i < nd; i++) {
    struct oc_err e2;
    if (dirs[i]->created_at < 0) continue;
    if (dirs[i]->fd >= 0) {
      close(dirs[i]->fd);
      dirs[i]->fd = -1;
    }
    if (oc_cg_rmdir(dirs[i], cg->path, true, RMDIR_WAIT_MS, &e2) < 0) oc_log_warn("cleanup: %s", e2.msg);
    dirs[i]->created_at = -1;
  }
}

int oc_cg_create(const char *path, const struct oc_resources *r, struct oc_cgroup **out,
                 struct oc_err *e) {
  struct oc_cgroup *cg = NULL;
  if (oc_cg_alloc(path, &cg, e) < 0) return -1;
  int ret = oc_cg_v2_mkdirs(cg, e);
  if (ret == 0 && cg->mode == OC_CG_UNIFIED) ret = oc_cg_v2_enable(cg, ~0u, e);
  if (ret == 0) ret = oc_cg_v1_mkdirs(cg, e);
  if (ret == 0) {
    _cleanup_free_ pid_t *pids = NULL;
    size_t n = 0;
    ret = oc_cg_pids(cg, &pids, &n, e);
    if (ret == 0 && n > 0)
      ret = oc_fail(e, EEXIST, "cgroup %s already has %zu process(es): it belongs to something else",
                    path, n);
  }
  if (ret == 0) ret = apply(cg, r, false, e);
  if (ret < 0) {
    undo_create(cg);
    oc_cg_free(cg);
    return ret;
  }
  *out = cg;
  return 0;
}

int oc_cg_update(struct oc_cgroup *cg, const struct oc_resources *r, struct oc_err *e) {
  return apply(cg, r, true, e);
}

int oc_cg_enter_unified(const struct oc_cgroup *cg, pid_t pid, bool into_done, struct oc_err *e) {
  char buf[32];
  snprintf(buf, sizeof buf, "%d", (int)pid);
  return cg->v2.fd >= 0 && !into_done ? oc_cgf_write(&cg->v2, "cgroup.procs", buf, e) : 0;
}

int oc_cg_enter(const struct oc_cgroup *cg, pid_t pid, bool into_done, struct oc_err *e) {
  if (oc_cg_enter_unified(cg, pid, into_done, e) < 0) return -1;
  char buf[32];
  snprintf(buf, sizeof buf, "%d", (int)pid);
  for (size_t i = 0; i < cg->n_v1; i++)
    if (cg->v1[i].fd >= 0 && oc_cgf_write(&cg->v1[i], "cgroup.procs", buf, e) < 0) return -1;
  return 0;
}

int oc_cg_enter_self_v1(const struct oc_cgroup *cg, struct oc_err *e) {
  for (size_t i = 0; i < cg->n_v1; i++)
    if (cg->v1[i].fd >= 0 && oc_cgf_write(&cg->v1[i], "tasks", "0", e) < 0) return -1;
  return 0;
}

OC_MUST_CHECK static int kill_listed(const struct oc_cgroup *cg, int sig, struct oc_err *e) {
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (oc_cg_pids(cg, &pids, &n, e) < 0) return -1;
  for (size_t i = 0; i < n; i++)
    if (kill(pids[i], sig) < 0 && errno != ESRCH) return oc_fail_errno(e, "kill %d", (int)pids[i]);
  return 0;
}

int oc_cg_signal_all(const struct oc_cgroup *cg, int sig, struct oc_err *e) {
  if (sig == SIGKILL && cg->v2.fd >= 0 && oc_cgf_exists(&cg->v2, "cgroup.kill")) {
    if (oc_cgf_write(&cg->v2, "cgroup.kill", "1", e) < 0) return -1;
    if (cg->mode == OC_CG_UNIFIED) return 0;
  }
  /* freeze first so that nothing forks between listing and killing (v1 has no cgroup.kill) */
  bool froze = false;
  struct oc_cgroup *mut = (struct oc_cgroup *)cg;
  if (sig == SIGKILL && oc_cg_v1_dir(cg, OC_CTL_FREEZER) && !oc_cg_is_frozen(cg)) {
    struct oc_err fe;
    froze = oc_cg_freeze(mut, true, &fe) == 0;
  }
  int r = kill_listed(cg, sig, e);
  if (froze) {
    struct oc_err te;
    if (oc_cg_freeze(mut, false, &te) < 0 && r == 0) {
      *e = te;
      r = -1;
    }
  }
  return r;
}

/* Remove each directory not removed yet, trying a busy one for wait_ms; *busy: one still was. */
OC_MUST_CHECK static int remove_dirs(struct oc_cgroup *cg, int wait_ms, bool *busy, struct oc_err *e) {
  struct oc_cg_dir *dirs[65];
  size_t nd = 0;
  int ret = 0;
  *busy = false;
  if (cg->v2.root_fd >= 0) dirs[nd++] = &cg->v2;
  for (size_t i = 0; i < cg->n_v1 && nd < 65; i++) dirs[nd++] = &cg->v1[i];
  for (size_t i = 0; i < nd; i++) {
    struct oc_cg_dir *d = dirs[i];
    if (d->fd < 0 && d->created_at < 0) continue;
    struct oc_err e2;
    if (oc_cg_rmdir(d, cg->path, true, wait_ms, &e2) < 0) {
      if (e2.errnum == EBUSY && wait_ms == 0) {
        *busy = true;
        continue;
      }
      if (ret == 0) *e = e2;
      ret = -1;
    }
    if (d->fd >= 0) close(d->fd);
    d->fd = -1;
    d->created_at = -1;
  }
  return ret;
}

int oc_cg_destroy(struct oc_cgroup *cg, struct oc_err *e) {
  /* Mostly the container's processes are gone by now: one try at every directory, and only if
   * one is busy, look for processes to kill (and give a v1 leaf a moment after its last task). */
  bool busy;
  int first = remove_dirs(cg, 0, &busy, e);
  if (!busy) return first;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (oc_cg_pids(cg, &pids, &n, e) == 0 && n > 0) {
    bool frozen = oc_cg_is_frozen(cg);
    int ret = oc_cg_signal_all(cg, SIGKILL, e);
    if (ret == 0 && frozen) ret = oc_cg_freeze(cg, false, e);
    if (ret == 0) ret = oc_cg_wait_empty(cg, 10000, e);
    if (ret < 0) return ret;
  }
  struct oc_err e2;
  if (remove_dirs(cg, RMDIR_WAIT_MS, &busy, &e2) < 0) {
    if (first == 0) *e = e2;
    return -1;
  }
  return first;
}

int oc_cg_freeze(struct oc_cgroup *cg, bool frozen, struct oc_err *e) {
  if (oc_cg_v1_dir(cg, OC_CTL_FREEZER)) return oc_cg_v1_freeze(cg, frozen, e);
  if (cg->v2.fd >= 0) return oc_cg_v2_freeze(cg, frozen, e);
  return oc_fail(e, ENOTSUP, "cgroup %s: no freezer on this host", cg->path);
}

bool oc_cg_is_frozen(const struct oc_cgroup *cg) {
  const struct oc_cg_dir *d = oc_cg_v1_dir(cg, OC_CTL_FREEZER);
  struct oc_err e;
  _cleanup_free_ char *text = NULL;
  if (d) return oc_cgf_read(d, "freezer.state", &text, &e) >= 0 && strncmp(text, "FROZEN", 6) == 0;
  uint64_t v;
  return cg->v2.fd >= 0 && oc_cgf_kv(&cg->v2, "cgroup.events", "frozen", &v) == 0 && v == 1;
}
