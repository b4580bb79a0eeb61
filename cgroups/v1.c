/* Legacy (v1) freezer. The kernel sends no notification when freezing completes, so the state
 * is re-read with a short back-off, writing FROZEN again for tasks forked meanwhile. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cg_internal.h"
#include "base/cleanup.h"
#include "base/log.h"

OC_MUST_CHECK static int v1_state(const struct oc_cg_dir *d, char *buf, size_t len, struct oc_err *e) {
  _cleanup_free_ char *text = NULL;
  int r = oc_cgf_read(d, "freezer.state", &text, e);
  if (r == -ENOENT) return oc_fail(e, ENOENT, "%s/freezer.state: no such file", d->dirpath);
  if (r < 0) return r;
  text[strcspn(text, "\n")] = '\0';
  snprintf(buf, len, "%s", text);
  return 0;
}

int oc_cg_v1_freeze(struct oc_cgroup *cg, bool frozen, struct oc_err *e) {
  const struct oc_cg_dir *d = oc_cg_v1_dir(cg, OC_CTL_FREEZER);
  if (!d) return oc_fail(e, ENOTSUP, "cgroup %s: the freezer hierarchy is not mounted", cg->path);
  const char *want = frozen ? "FROZEN" : "THAWED";
  int64_t deadline = oc_cg_now_ms() + 10000;
  for (int delay = 1;; delay = delay < 20 ? delay * 2 : 20) {
    if (oc_cgf_write(d, "freezer.state", want, e) < 0) return -1;
    char st[32];
    if (v1_state(d, st, sizeof st, e) < 0) return -1;
    if (strcmp(st, want) == 0) return 0;
    if (oc_cg_now_ms() >= deadline) {
      if (frozen) {
        struct oc_err e2;
        if (oc_cgf_write(d, "freezer.state", "THAWED", &e2) < 0) oc_log_warn("thaw after a failed freeze: %s", e2.msg);
      }
      return oc_fail(e, ETIMEDOUT, "%s/freezer.state: still %s after 10 s", d->dirpath, st);
    }
    usleep((useconds_t)delay * 1000);
  }
}
