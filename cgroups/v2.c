/* Unified (v2) driver parts: enabling controllers in the parents, freezing, waiting for empty.
 * Waiting uses poll(POLLPRI) on cgroup.events, which the kernel notifies on every change. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"
#include "base/log.h"

static unsigned parse_ctl_list(const char *text) {
  unsigned m = 0;
  for (const char *p = text; *p;) {
    p += strspn(p, " \n");
    size_t n = strcspn(p, " \n");
    if (!n) break;
    m |= oc_ctl_from_name(p, n);
    p += n;
  }
  return m;
}

/* Enable in one parent the wanted controllers it offers; returns the mask enabled there. */
OC_MUST_CHECK static int enable_in(const struct oc_cg_dir *d, unsigned want, unsigned *enabled, struct oc_err *e) {
  _cleanup_free_ char *avail_s = NULL, *on_s = NULL;
  int r = oc_cgf_read(d, "cgroup.controllers", &avail_s, e);
  if (r == -ENOENT) return oc_fail(e, ENOENT, "%s/cgroup.controllers: no such file", d->dirpath);
  if (r < 0) return r;
  r = oc_cgf_read(d, "cgroup.subtree_control", &on_s, e);
  if (r == -ENOENT) return oc_fail(e, ENOENT, "%s/cgroup.subtree_control: no such file", d->dirpath);
  if (r < 0) return r;
  unsigned avail = parse_ctl_list(avail_s), on = parse_ctl_list(on_s);
  unsigned missing = want & avail & ~on;
  if (!missing) {
    *enabled = on;
    return 0;
  }
  char buf[256] = "";
  for (unsigned bit = 1; bit; bit <<= 1) {
    const char *name = (missing & bit) ? oc_ctl_v2_name(bit) : NULL;
    if (!name) continue;
    size_t used = strlen(buf);
    snprintf(buf + used, sizeof buf - used, "%s+%s", used ? " " : "", name);
  }
  if (oc_cgf_write(d, "cgroup.subtree_control", buf, e) == 0) {
    *enabled = on | missing;
    return 0;
  }
  /* one controller may refuse (e.g. cpuset in some setups): enable the others one by one */
  struct oc_err first = *e;
  bool any = false;
  for (unsigned bit = 1; bit; bit <<= 1) {
    const char *name = (missing & bit) ? oc_ctl_v2_name(bit) : NULL;
    struct oc_err e2;
    if (name && oc_cgf_writef(d, "cgroup.subtree_control", &e2, "+%s", name) == 0) {
      on |= bit;
      any = true;
    }
  }
  if (!any) {
    *e = first;
    return -1;
  }
  *enabled = on;
  return 0;
}

int oc_cg_v2_enable(struct oc_cgroup *cg, unsigned want, struct oc_err *e) {
  if (cg->v2.root_fd < 0 || !want) return 0;
  struct oc_cg_dir pd = cg->v2;
  char prefix[4096] = "";
  int cur = cg->v2.root_fd, ret = 0;
  unsigned enabled = 0;
  const char *p = cg->path;
  while (ret == 0) {
    while (*p == '/') p++;
    size_t n = strcspn(p, "/");
    if (!n) break;
    pd.fd = cur;
    char dirpath[4200];
    snprintf(dirpath, sizeof dirpath, "%s%s", cg->v2.h->mount, prefix);
    pd.dirpath = dirpath;
    ret = enable_in(&pd, want, &enabled, e);
    /* Rootless: the parents above the delegation are not the user's to change; a controller
     * they do not pass down shows up as a missing file when a limit asks for it. */
    if (ret < 0 && geteuid() != 0 && (e->errnum == EACCES || e->errnum == EPERM)) ret = 0;
    if (ret < 0 || p[n] == '\0') break; /* the leaf's own subtree_control stays untouched */
    size_t used = strlen(prefix);
    snprintf(prefix + used, sizeof prefix - used, "/%.*s", (int)n, p);
    int next = openat(cur, prefix + used + 1, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (next < 0) ret = oc_fail_errno(e, "open %s%s", cg->v2.h->mount, prefix);
    if (cur != cg->v2.root_fd) close(cur);
    cur = next;
    p += n;
  }
  if (cur >= 0 && cur != cg->v2.root_fd) close(cur);
  if (ret == 0) cg->v2_enabled |= enabled & want;
  return ret;
}

/* Wait until cgroup.events says key == want; deadline in oc_cg_now_ms() time. */
OC_MUST_CHECK static int wait_events(const struct oc_cg_dir *d, const char *key, uint64_t want, int64_t deadline,
                       struct oc_err *e) {
  _cleanup_fd_ int fd = openat(d->fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return oc_fail_errno(e, "%s/cgroup.events", d->dirpath);
  for (;;) {
    char buf[512];
    ssize_t n;
    if (lseek(fd, 0, SEEK_SET) < 0) return oc_fail_errno(e, "seek %s/cgroup.events", d->dirpath);
    do n = read(fd, buf, sizeof buf - 1);
    while (n < 0 && errno == EINTR);
    if (n < 0) return oc_fail_errno(e, "read %s/cgroup.events", d->dirpath);
    buf[n] = '\0';
    uint64_t v;
    if (!oc_cg_kv_get(buf, key, &v)) return oc_fail(e, EINVAL, "%s/cgroup.events: no \"%s\"", d->dirpath, key);
    if (v == want) return 0;
    int64_t left = deadline - oc_cg_now_ms();
    if (left <= 0)
      return oc_fail(e, ETIMEDOUT, "%s: timed out waiting for %s %llu", d->dirpath, key,
                     (unsigned long long)want);
    struct pollfd pfd = {.fd = fd, .events = POLLPRI};
    if (poll(&pfd, 1, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
      return oc_fail_errno(e, "poll %s/cgroup.events", d->dirpath);
  }
}

int oc_cg_v2_freeze(struct oc_cgroup *cg, bool frozen, struct oc_err *e) {
  const struct oc_cg_dir *d = &cg->v2;
  if (oc_cgf_write(d, "cgroup.freeze", frozen ? "1" : "0", e) < 0) return -1;
  if (wait_events(d, "frozen", frozen ? 1 : 0, oc_cg_now_ms() + 10000, e) == 0) return 0;
  if (frozen) {
    struct oc_err e2;
    if (oc_cgf_write(d, "cgroup.freeze", "0", &e2) < 0) oc_log_warn("thaw after a failed freeze: %s", e2.msg);
  }
  return oc_wrap(e, -1, "cgroup %s", frozen ? "freeze" : "thaw");
}

int oc_cg_wait_empty(const struct oc_cgroup *cg, int timeout_ms, struct oc_err *e) {
  int64_t deadline = oc_cg_now_ms() + timeout_ms;
  if (cg->v2.fd >= 0 && oc_cgf_exists(&cg->v2, "cgroup.events")) {
    if (wait_events(&cg->v2, "populated", 0, deadline, e) < 0) return -1;
    if (cg->mode == OC_CG_UNIFIED) return 0;
  }
  /* v1 sends no notification when a cgroup empties: back off from 1 ms to 50 ms */
  for (int delay = 1;; delay = delay < 50 ? delay * 2 : 50) {
    _cleanup_free_ pid_t *pids = NULL;
    size_t n = 0;
    if (oc_cg_pids(cg, &pids, &n, e) < 0) return -1;
    if (n == 0) return 0;
    if (oc_cg_now_ms() >= deadline)
      return oc_fail(e, ETIMEDOUT, "cgroup %s: %zu process(es) still alive (first %d)", cg->path, n,
                     (int)pids[0]);
    usleep((useconds_t)delay * 1000);
  }
}
