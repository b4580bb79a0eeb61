/* The cgroup object: the container's directory fd in every hierarchy, made, opened, listed
 * and removed. Everything else in cgroups/ works on these directory fds. */
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

static void dir_init(struct oc_cg_dir *d) {
  *d = (struct oc_cg_dir){.root_fd = -1, .fd = -1, .created_at = -1};
}

static void dir_release(struct oc_cg_dir *d) {
  if (d->fd >= 0) close(d->fd);
  if (d->root_fd >= 0) close(d->root_fd);
  free(d->dirpath);
  dir_init(d);
}

void oc_cg_free(struct oc_cgroup *cg) {
  if (!cg) return;
  dir_release(&cg->v2);
  for (size_t i = 0; i < cg->n_v1; i++) dir_release(&cg->v1[i]);
  free(cg->v1);
  free(cg->path);
  free(cg);
}

const char *oc_cg_path(const struct oc_cgroup *cg) { return cg->path; }

int oc_cg_clone_fd(const struct oc_cgroup *cg) {
  return cg ? cg->v2.fd : -1;
}

const struct oc_cg_dir *oc_cg_v1_dir(const struct oc_cgroup *cg, unsigned ctl) {
  for (size_t i = 0; i < cg->n_v1; i++)
    if ((cg->v1[i].h->mask & ctl) && cg->v1[i].fd >= 0) return &cg->v1[i];
  return NULL;
}

const struct oc_cg_dir *oc_cg_v2_dir(const struct oc_cgroup *cg) {
  return cg->v2.fd >= 0 ? &cg->v2 : NULL;
}

OC_MUST_CHECK static int dir_setup(struct oc_cg_dir *d, const struct oc_cg_hier *h, const char *path,
                     struct oc_err *e) {
  d->h = h;
  if (asprintf(&d->dirpath, "%s%s", h->mount, path) < 0) {
    d->dirpath = NULL;
    return oc_fail(e, ENOMEM, "out of memory");
  }
  d->root_fd = open(h->mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (d->root_fd < 0) return oc_fail_errno(e, "open cgroup hierarchy %s", h->mount);
  return 0;
}

/* "/a/b": absolute, no empty, "." or ".." component, not the root itself. */
bool oc_cg_path_valid(const char *path) {
  if (!path || path[0] != '/' || !path[1] || strlen(path) >= 4000) return false;
  for (const char *p = path + 1;;) {
    size_t n = strcspn(p, "/");
    if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return false;
    if (!p[n]) return true;
    p += n + 1;
  }
}

/* Allocate the object and prepare one dir per hierarchy (nothing opened below the roots). */
int oc_cg_alloc(const char *path, struct oc_cgroup **out, struct oc_err *e) {
  if (!oc_cg_path_valid(path)) return oc_fail(e, EINVAL, "invalid cgroup path \"%s\"", path ? path : "");
  const struct oc_cg_layout *l;
  if (oc_cg_layout(&l, e) < 0) return -1;
  struct oc_cgroup *cg = calloc(1, sizeof *cg);
  if (!cg) return oc_fail(e, ENOMEM, "out of memory");
  cg->mode = l->mode;
  dir_init(&cg->v2);
  cg->path = strdup(path);
  cg->v1 = l->n_v1 ? calloc(l->n_v1, sizeof *cg->v1) : NULL;
  if (!cg->path || (l->n_v1 && !cg->v1)) {
    oc_cg_free(cg);
    return oc_fail(e, ENOMEM, "out of memory");
  }
  cg->n_v1 = l->n_v1;
  for (size_t i = 0; i < cg->n_v1; i++) dir_init(&cg->v1[i]);
  int r = 0;
  if (l->unified.mount) r = dir_setup(&cg->v2, &l->unified, path, e);
  for (size_t i = 0; r == 0 && i < cg->n_v1; i++) r = dir_setup(&cg->v1[i], &l->v1[i], path, e);
  if (r < 0) {
    oc_cg_free(cg);
    return r;
  }
  *out = cg;
  return 0;
}

int oc_cg_open(const char *path, struct oc_cgroup **out, struct oc_err *e) {
  struct oc_cgroup *cg = NULL;
  if (oc_cg_alloc(path, &cg, e) < 0) return -1;
  bool any = false;
  struct oc_cg_dir *dirs[64];
  size_t nd = 0;
  if (cg->v2.root_fd >= 0) dirs[nd++] = &cg->v2;
  for (size_t i = 0; i < cg->n_v1 && nd < 64; i++) dirs[nd++] = &cg->v1[i];
  for (size_t i = 0; i < nd; i++) {
    struct oc_cg_dir *d = dirs[i];
    d->fd = openat(d->root_fd, path + 1, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (d->fd >= 0)
      any = true;
    else if (errno != ENOENT) {
      int r = oc_fail_errno(e, "open cgroup %s", d->dirpath);
      oc_cg_free(cg);
      return r;
    }
  }
  if (!any) {
    oc_cg_free(cg);
    return oc_fail(e, ENOENT, "cgroup %s does not exist", path);
  }
  *out = cg;
  return 0;
}

int oc_cg_mkdir_path(struct oc_cg_dir *d, const char *path,
                     int (*each_dir)(const struct oc_cg_dir *d, int parent, int child, struct oc_err *e),
                     struct oc_err *e) {
  int cur = d->root_fd, idx = 0;
  const char *p = path;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    size_t n = strcspn(p, "/");
    char comp[256];
    if (n >= sizeof comp) {
      if (cur != d->root_fd) close(cur);
      return oc_fail(e, ENAMETOOLONG, "cgroup path %s: component too long", path);
    }
    memcpy(comp, p, n);
    comp[n] = '\0';
    if (mkdirat(cur, comp, 0755) == 0) {
      if (d->created_at < 0) d->created_at = idx;
    } else if (errno != EEXIST) {
      int r = oc_fail_errno(e, "mkdir %s%.*s", d->h->mount, (int)(p + n - path), path);
      if (cur != d->root_fd) close(cur);
      return r;
    }
    int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (next < 0) {
      int r = oc_fail_errno(e, "open %s%.*s", d->h->mount, (int)(p + n - path), path);
      if (cur != d->root_fd) close(cur);
      return r;
    }
    int r = each_dir ? each_dir(d, cur, next, e) : 0;
    if (cur != d->root_fd) close(cur);
    cur = next;
    if (r < 0) {
      close(cur);
      return r;
    }
    p += n;
    idx++;
  }
  if (cur == d->root_fd) return oc_fail(e, EINVAL, "cgroup path %s: empty", path);
  d->fd = cur;
  return 0;
}

int oc_cg_rmdir(struct oc_cg_dir *d, const char *path, bool parents_too, int wait_ms, struct oc_err *e) {
  char buf[4096];
  snprintf(buf, sizeof buf, "%s", path + 1);
  int depth = 0;
  for (char *p = buf; *p; p++) depth += *p == '/';
  /* the leaf may stay busy for a moment after its last task exited (v1) */
  for (int delay_ms = 1, waited = 0;; delay_ms = delay_ms < 64 ? delay_ms * 2 : 64) {
    if (unlinkat(d->root_fd, buf, AT_REMOVEDIR) == 0 || errno == ENOENT) break;
    if (errno != EBUSY || waited >= wait_ms) return oc_fail_errno(e, "rmdir %s", d->dirpath);
    usleep((useconds_t)delay_ms * 1000);
    waited += delay_ms;
  }
  if (!parents_too || d->created_at < 0) return 0;
  for (int lvl = depth - 1; lvl >= d->created_at; lvl--) {
    char *slash = strrchr(buf, '/');
    if (!slash) break;
    *slash = '\0';
    /* another container may have moved in meanwhile: then the parent stays */
    if (unlinkat(d->root_fd, buf, AT_REMOVEDIR) < 0 && errno != ENOTEMPTY && errno != EBUSY &&
        errno != ENOENT)
      return oc_fail_errno(e, "rmdir %s/%s", d->h->mount, buf);
  }
  return 0;
}

/* v1 cpuset: a new cgroup starts with empty cpus/mems and could not take tasks. */
OC_MUST_CHECK static int cpuset_inherit(const struct oc_cg_dir *d, int parent, int child, struct oc_err *e) {
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  for (size_t i = 0; i < 2; i++) {
    struct oc_cg_dir pd = *d, cd = *d;
    pd.fd = parent;
    cd.fd = child;
    _cleanup_free_ char *mine = NULL, *theirs = NULL;
    int r = oc_cgf_read(&cd, files[i], &mine, e);
    if (r == -ENOENT) return 0; /* not a cpuset hierarchy after all */
    if (r < 0) return r;
    if (mine[strspn(mine, " \n")] != '\0') continue;
    r = oc_cgf_read(&pd, files[i], &theirs, e);
    if (r < 0) return r == -ENOENT ? 0 : r;
    theirs[strcspn(theirs, "\n")] = '\0';
    if (!*theirs) continue;
    if (oc_cgf_write(&cd, files[i], theirs, e) < 0) return -1;
  }
  return 0;
}

int oc_cg_v1_mkdirs(struct oc_cgroup *cg, struct oc_err *e) {
  for (size_t i = 0; i < cg->n_v1; i++) {
    struct oc_cg_dir *d = &cg->v1[i];
    bool cpuset = d->h->mask & OC_CTL_CPUSET;
    if (oc_cg_mkdir_path(d, cg->path, cpuset ? cpuset_inherit : NULL, e) < 0) return -1;
  }
  return 0;
}

int oc_cg_v2_mkdirs(struct oc_cgroup *cg, struct oc_err *e) {
  if (cg->v2.root_fd < 0) return 0;
  return oc_cg_mkdir_path(&cg->v2, cg->path, NULL, e);
}

int oc_cg_read_procs(const struct oc_cg_dir *d, pid_t **pids, size_t *n, size_t *cap,
                     struct oc_err *e) {
  _cleanup_free_ char *text = NULL;
  int r = oc_cgf_read(d, "cgroup.procs", &text, e);
  if (r == -ENOENT) return 0;
  if (r < 0) return r;
  for (char *p = text; *p;) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p) break;
    if (*n == *cap) {
      size_t nc = *cap ? *cap * 2 : 64;
      pid_t *np = realloc(*pids, nc * sizeof *np);
      if (!np) return oc_fail(e, ENOMEM, "out of memory");
      *pids = np;
      *cap = nc;
    }
    (*pids)[(*n)++] = (pid_t)v;
    p = end;
    while (*p == '\n') p++;
  }
  return 0;
}

static int cmp_pid(const void *a, const void *b) {
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

int oc_cg_pids(const struct oc_cgroup *cg, pid_t **pids, size_t *n, struct oc_err *e) {
  pid_t *v = NULL;
  size_t cnt = 0, cap = 0;
  int r = 0;
  if (cg->v2.fd >= 0) r = oc_cg_read_procs(&cg->v2, &v, &cnt, &cap, e);
  if (cg->mode != OC_CG_UNIFIED)
    for (size_t i = 0; r == 0 && i < cg->n_v1; i++)
      if (cg->v1[i].fd >= 0) r = oc_cg_read_procs(&cg->v1[i], &v, &cnt, &cap, e);
  if (r < 0) {
    free(v);
    return r;
  }
  if (cnt > 1) {
    qsort(v, cnt, sizeof *v, cmp_pid);
    size_t w = 1;
    for (size_t i = 1; i < cnt; i++)
      if (v[i] != v[w - 1]) v[w++] = v[i];
    cnt = w;
  }
  *pids = v;
  *n = cnt;
  return 0;
}
